import type { Platform } from '../platform/types.js';
import { MemFS } from '../vfs/memfs.js';
import type { Vfs } from '../vfs/types.js';
import { VfsBridgeClient } from '../vfs/bridge.js';
import { wasiImportVersion } from '../wasi.js';
import { WASIFullHost } from '../wasi-full.js';
import { entriesOf, replaceEntries, type FileEntry } from './files.js';
import type { StartMessage, WorkerMessage } from './protocol.js';
import { StdinReader } from './stdin-ring.js';

export type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

/**
 * Runs one command inside the runner's Worker: stdin from the shared ring
 * (blocking in Atomics.wait), stdout and stderr posted as written, the exit
 * status or the trap posted last. Sleeps wait on the ring's kill cell, so
 * kill() also ends a sleeping guest at once.
 */
export function runInWorker(start: StartMessage, post: Post, base: Platform): void {
  const shared = new Map<string, MemFS>();
  /** The shared MemFSs as they are now, their bytes to transfer. */
  const sharedNow = (): [Record<string, readonly FileEntry[]>, Transferable[]] => {
    const out: Record<string, readonly FileEntry[]> = {};
    const transfer: Transferable[] = [];
    for (const [guest, fs] of shared) {
      const entries = entriesOf(fs);
      for (const e of entries) if (e.kind === 'file') transfer.push(e.bytes.buffer);
      out[guest] = entries;
    }
    return [out, transfer];
  };
  let started = false;
  try {
    const stdin = new StdinReader(start.stdin, () => post({ type: 'room' }));
    const platform: Platform = { ...base, sleep: (ns) => stdin.sleep(ns) };
    const sink = (type: 'stdout' | 'stderr') => ({
      isTTY: start.tty,
      write: (bytes: Uint8Array) => post({ type, bytes }, [bytes.buffer]),
    });
    const preopens: Record<string, string | Vfs> = {};
    for (const [guest, target] of Object.entries(start.preopens)) {
      preopens[guest] = typeof target === 'string' ? target : target instanceof SharedArrayBuffer ? new VfsBridgeClient(target) : new MemFS(target);
    }
    for (const [guest, entries] of Object.entries(start.shared)) {
      const fs = new MemFS();
      replaceEntries(fs, entries);
      shared.set(guest, fs);
      preopens[guest] = fs;
    }
    // The full host: the module may import wasi_unstable (src/wasi-full.ts).
    const wasi = new WASIFullHost(
      {
        version: wasiImportVersion(start.module) ?? 'preview1',
        args: start.args,
        env: start.env,
        preopens,
        stdin: {
          isTTY: start.tty,
          read: (into) => stdin.read(into),
          available: () => stdin.available(),
          waitAvailable: (ms) => stdin.waitAvailable(ms),
        },
        stdout: sink('stdout'),
        stderr: sink('stderr'),
      },
      platform,
    );
    const instance = new WebAssembly.Instance(start.module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    started = true;
    const code = wasi.start(instance);
    const [files, transfer] = sharedNow();
    post({ type: 'exit', code, shared: files }, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    // A guest that trapped leaves its files as a process would; one that never started changed none.
    if (started) {
      const [files, transfer] = sharedNow();
      post({ type: 'error', message: e.message, name: e.name, shared: files }, transfer);
    } else post({ type: 'error', message: e.message, name: e.name });
  }
}
