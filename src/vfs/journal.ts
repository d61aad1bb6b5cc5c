import type { AsyncVfs, AsyncVfsFile } from './async.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';

/**
 * JSPI with an AsyncVfs on a page's main thread, where nothing may block:
 * "suspend and re-run" with a per-call journal (docs/async-seam.md, D). A
 * syscall runs unchanged and synchronously over JournaledVfs; the first
 * backend call whose answer is not in the journal starts the AsyncVfs call
 * and throws Suspend; the Suspending import (src/jspi.ts) awaits it and runs
 * the syscall again from the start. The re-run makes the same backend calls
 * in the same order and is answered from the journal, up to the next one
 * not yet made. What a syscall does besides backend calls before its last
 * one must be safe to do twice: reads of descriptors and guest memory, and
 * writes to guest memory of bytes the journal gives again. Descriptor
 * inserts and position updates come after the last backend call in every
 * syscall (src/syscalls/), and the catch-alls below a syscall let Suspend
 * through. A re-run that asks something else than the journal holds is a
 * bug in that rule: it traps, naming both calls.
 */

import { Suspend } from './suspend.js';

export { Suspend };

interface Entry {
  readonly key: string;
  done: boolean;
  ok: boolean;
  value: unknown;
}

/** One context's record of the current syscall's backend calls, shared by its async mounts. */
export class Journal {
  #entries: Entry[] = [];
  #at = 0;
  #live = false;
  /** Backend calls run one after another, a close the syscall did not wait for included. */
  #tail: Promise<unknown> = Promise.resolve();

  /** A syscall starts (first run): an empty record. */
  begin(): void {
    this.#entries.length = 0;
    this.#at = 0;
    this.#live = true;
  }

  /** The same syscall runs again after a wait: answers come from the record. */
  again(): void {
    this.#at = 0;
    this.#live = true;
  }

  /** The syscall returned or failed: the record is dropped. */
  end(): void {
    this.#entries.length = 0;
    this.#at = 0;
    this.#live = false;
  }

  /** Whether a syscall is running (between begin and end). */
  get live(): boolean {
    return this.#live;
  }

  /** Whether the next call's answer is in the record. */
  recorded(): boolean {
    return this.#at < this.#entries.length;
  }

  /** The answer to backend call `key`: from the record, or started now (Suspend). */
  call<T>(key: string, start: () => Promise<T>): T {
    if (!this.#live) {
      throw new Error('an AsyncVfs preopen was called outside a JSPI import: use getAsyncImportObject() and startAsync(), or run the program with spawn() from wasi-host/runner');
    }
    const i = this.#at++;
    const e = this.#entries[i];
    if (e !== undefined) {
      if (e.key !== key) throw new Error(`a syscall re-run after a wait made another backend call (${key}) than its first run did (${e.key})`);
      if (!e.done) throw new Error(`backend call ${key} was re-run before its answer came`);
      if (e.ok) return e.value as T;
      throw e.value;
    }
    const entry: Entry = { key, done: false, ok: false, value: undefined };
    this.#entries.push(entry);
    const run = this.#tail.then(start);
    this.#tail = run.catch(() => {});
    throw new Suspend(run.then(
      (v) => { entry.done = true; entry.ok = true; entry.value = v; },
      (err: unknown) => { entry.done = true; entry.value = err; },
    ));
  }

  /** A call nobody waits for (close): queued behind the others; its failure is dropped, as close(2) frees the descriptor anyway. */
  detach(start: () => Promise<unknown>): void {
    this.#tail = this.#tail.then(start).catch(() => {});
  }
}

/** An AsyncVfs as a sync Vfs whose calls are answered through `journal`. */
export class JournaledVfs implements Vfs {
  readonly name: string;
  constructor(readonly source: AsyncVfs, private readonly journal: Journal) {
    this.name = source.name;
  }

  lstat(path: string): VfsStat {
    // Mounting (in the WASI constructor) asks the root's identity before any import runs.
    if (path === '/' && !this.journal.live) return { ...this.source.rootId, kind: 'directory', nlink: 1n, size: 0n, atimNs: 0n, mtimNs: 0n, ctimNs: 0n };
    return this.journal.call(`lstat ${path}`, () => this.source.lstat(path));
  }
  kind(path: string): VfsKind | undefined { return this.journal.call(`kind ${path}`, () => this.source.kind(path)); }
  open(path: string, flags: VfsOpenFlags): VfsFile {
    const f = this.journal.call(`open ${path}`, () => this.source.open(path, flags).then((file) => new JournaledFile(file, this.journal)));
    return f;
  }
  readdir(path: string): VfsDirEntry[] { return this.journal.call(`readdir ${path}`, () => this.source.readdir(path)); }
  mkdir(path: string): void { this.journal.call(`mkdir ${path}`, () => this.source.mkdir(path)); }
  rmdir(path: string): void { this.journal.call(`rmdir ${path}`, () => this.source.rmdir(path)); }
  unlink(path: string): void { this.journal.call(`unlink ${path}`, () => this.source.unlink(path)); }
  rename(from: string, to: string): void { this.journal.call(`rename ${from} ${to}`, () => this.source.rename(from, to)); }
  symlink(target: string, path: string): void { this.journal.call(`symlink ${path}`, () => this.source.symlink(target, path)); }
  readlink(path: string): string { return this.journal.call(`readlink ${path}`, () => this.source.readlink(path)); }
  link(existing: string, path: string): void { this.journal.call(`link ${existing} ${path}`, () => this.source.link(existing, path)); }
  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    this.journal.call(`setTimes ${path}`, () => this.source.setTimes(path, atim, mtim, follow));
  }
}

class JournaledFile implements VfsFile {
  constructor(private readonly file: AsyncVfsFile, private readonly journal: Journal) {}

  read(into: Uint8Array, position: number): number {
    const length = into.length;
    const bytes = this.journal.call('read', () => this.file.read(length, position));
    // The guest's view may be new since the first run (memory grew): the bytes are copied in each run.
    into.set(bytes.subarray(0, Math.min(bytes.length, into.length)));
    return Math.min(bytes.length, into.length);
  }

  write(from: Uint8Array, position: number): number {
    // A copy, taken once: the guest's memory is no store's to keep.
    const copy = this.journal.recorded() ? from : from.slice();
    return this.journal.call('write', () => this.file.write(copy, position));
  }

  stat(): VfsStat { return this.journal.call('fstat', () => this.file.stat()); }
  truncate(size: number): void { this.journal.call('truncate', () => this.file.truncate(size)); }
  setTimes(atim: VfsTime, mtim: VfsTime): void { this.journal.call('futimes', () => this.file.setTimes(atim, mtim)); }
  sync(): void { this.journal.call('sync', () => this.file.sync()); }
  datasync(): void { this.journal.call('datasync', () => this.file.datasync()); }
  close(): void { this.journal.detach(() => this.file.close()); }
}
