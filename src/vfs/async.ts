import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';

/**
 * A backend whose store answers later: the Vfs contract of src/vfs/types.ts
 * with every method returning a promise, and the same error contract (a
 * rejection carries a POSIX `code`; one without a code is a bug in the
 * backend and traps the guest). Syscalls stay synchronous
 * (docs/async-seam.md), so an AsyncVfs is never called by the namespace
 * directly: it is reached through the blocking bridge of src/vfs/bridge.ts
 * (a guest in a Worker: spawn()) or the journal of src/vfs/journal.ts (JSPI
 * on a page's main thread).
 */
export interface AsyncVfs {
  /** Brands the object, so preopens and spawn() tell it from a sync Vfs. */
  readonly async: true;
  readonly name: string;
  /**
   * The root directory's (dev, ino), known without waiting: the host mounts
   * a preopen synchronously and checks directory descriptors by identity
   * (src/namespace/namespace.ts mount), so lstat('/') must agree with it.
   */
  readonly rootId: { readonly dev: bigint; readonly ino: bigint };
  lstat(path: string): Promise<VfsStat>;
  /** What lstat would say the node is, or undefined if nothing is there. */
  kind(path: string): Promise<VfsKind | undefined>;
  open(path: string, flags: VfsOpenFlags): Promise<AsyncVfsFile>;
  readdir(path: string): Promise<VfsDirEntry[]>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  readlink(path: string): Promise<string>;
  link(existing: string, path: string): Promise<void>;
  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): Promise<void>;
}

/** An open regular file of an AsyncVfs. `read` resolves to the bytes read (at most `length`). */
export interface AsyncVfsFile {
  read(length: number, position: number): Promise<Uint8Array>;
  /** Resolves to the count written; `from` is the caller's to reuse once the promise settles. */
  write(from: Uint8Array, position: number): Promise<number>;
  stat(): Promise<VfsStat>;
  truncate(size: number): Promise<void>;
  setTimes(atim: VfsTime, mtim: VfsTime): Promise<void>;
  sync(): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/** Whether `v` is an AsyncVfs (branded `async: true`). */
export function isAsyncVfs(v: unknown): v is AsyncVfs {
  return typeof v === 'object' && v !== null && (v as { async?: unknown }).async === true && typeof (v as AsyncVfs).lstat === 'function';
}

/**
 * A sync Vfs (a MemFS, a NodeFS) seen as an AsyncVfs: each call runs at
 * once and its answer is delivered as a promise. For tests of the bridge and
 * the journal, and for embedders who want one code path for both kinds.
 */
export function toAsyncVfs(vfs: Vfs): AsyncVfs {
  const run = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const file = (f: VfsFile): AsyncVfsFile => ({
    read: (length, position) => run(() => {
      const into = new Uint8Array(length);
      return into.subarray(0, f.read(into, position));
    }),
    write: (from, position) => run(() => f.write(from, position)),
    stat: () => run(() => f.stat()),
    truncate: (size) => run(() => f.truncate(size)),
    setTimes: (a, m) => run(() => f.setTimes(a, m)),
    sync: () => run(() => f.sync()),
    datasync: () => run(() => f.datasync()),
    close: () => run(() => f.close()),
  });
  const root = vfs.lstat('/');
  return {
    async: true,
    name: `async ${vfs.name}`,
    rootId: { dev: root.dev, ino: root.ino },
    lstat: (p) => run(() => vfs.lstat(p)),
    kind: (p) => run(() => {
      if (vfs.kind !== undefined) return vfs.kind(p);
      try {
        return vfs.lstat(p).kind;
      } catch (e) {
        if (typeof (e as { code?: unknown }).code === 'string') return undefined;
        throw e;
      }
    }),
    open: (p, flags) => run(() => file(vfs.open(p, flags))),
    readdir: (p) => run(() => vfs.readdir(p)),
    mkdir: (p) => run(() => vfs.mkdir(p)),
    rmdir: (p) => run(() => vfs.rmdir(p)),
    unlink: (p) => run(() => vfs.unlink(p)),
    rename: (a, b) => run(() => vfs.rename(a, b)),
    symlink: (t, p) => run(() => vfs.symlink(t, p)),
    readlink: (p) => run(() => vfs.readlink(p)),
    link: (a, b) => run(() => vfs.link(a, b)),
    setTimes: (p, a, m, follow) => run(() => vfs.setTimes(p, a, m, follow)),
  };
}
