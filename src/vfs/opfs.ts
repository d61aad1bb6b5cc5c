import type { AsyncVfs, AsyncVfsFile } from './async.js';
import type { VfsDirEntry, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';

/**
 * An AsyncVfs on a directory of the Origin Private File System: files that
 * outlive a page reload. Directories, files, rename, unlink, readdir, stat;
 * no symlinks or hard links (OPFS has none). File data goes through sync
 * access handles where they exist (a dedicated Worker serving the bridge:
 * read and write are synchronous there, durable on flush(), which
 * fd_sync/fd_datasync and close call), otherwise through getFile() and
 * createWritable() (a page's main thread: each write is committed, and
 * durable, when it returns; Chromium copies the whole file to commit it).
 *
 * What OPFS does not store, this backend makes up for the session, stated
 * here because a guest sees it:
 * - inode numbers: one per path, assigned on first sight and kept across
 *   renames while the OPFS object lives (the namespace checks directory
 *   descriptors by (dev, ino): src/namespace/resolver.ts);
 * - times: a file's atim, mtim and ctim are its lastModified (milliseconds);
 *   a directory's are 0, OPFS keeps none; setting times is ENOTSUP;
 * - nlink is 1.
 */

/** The parts of the File System Access API used here that lib.dom lacks or types narrowly. */
interface SyncAccessHandle {
  read(into: Uint8Array, options: { at: number }): number;
  write(from: Uint8Array, options: { at: number }): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
interface FileHandle extends FileSystemFileHandle {
  createSyncAccessHandle?(): Promise<SyncAccessHandle>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
}
interface DirHandle extends FileSystemDirectoryHandle {
  entries(): AsyncIterableIterator<[string, FileSystemHandle]>;
  move?(parent: FileSystemDirectoryHandle, name: string): Promise<void>;
}

function posix(code: string, message: string): Error & { code: string } {
  const e = new Error(`${code}: ${message}`) as Error & { code: string };
  e.code = code;
  return e;
}

/** The POSIX code for what OPFS threw; errors that are not the store's (no DOMException) pass unchanged, as host bugs. */
function translate(err: unknown, path: string, notDir = 'ENOTDIR'): unknown {
  const name = (err as { name?: unknown })?.name;
  if (typeof DOMException === 'undefined' || !(err instanceof DOMException)) return err;
  const code =
    name === 'NotFoundError' ? 'ENOENT'
    : name === 'TypeMismatchError' ? notDir
    : name === 'InvalidModificationError' ? 'ENOTEMPTY'
    // Another handle holds the file's lock (a sync access handle elsewhere).
    : name === 'NoModificationAllowedError' ? 'EBUSY'
    : name === 'QuotaExceededError' ? 'ENOSPC'
    : name === 'NotAllowedError' || name === 'SecurityError' ? 'EACCES'
    : 'EIO';
  return posix(code, `${path}: ${String(name)}: ${err.message}`);
}

let devices = 0;

/** A copy of directory `src` named `name` in `parent`, files and subdirectories alike. */
async function copyTree(src: DirHandle, parent: FileSystemDirectoryHandle, name: string): Promise<void> {
  const dst = await parent.getDirectoryHandle(name, { create: true });
  for await (const [child, h] of src.entries()) {
    if (h.kind === 'directory') await copyTree(h as DirHandle, dst, child);
    else {
      const w = await (await dst.getFileHandle(child, { create: true })).createWritable();
      await w.write(await (h as FileSystemFileHandle).getFile());
      await w.close();
    }
  }
}

/** The OPFS directory `name` (made if missing) as an AsyncVfs: `spawn(wasm, { preopens: { '/data': await openOPFS('data') } })`. */
export async function openOPFS(name = 'wasi-host'): Promise<OPFS> {
  if (typeof name !== 'string' || name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new TypeError(`openOPFS: the directory name must be one non-empty path component without '/', got ${JSON.stringify(name)}`);
  }
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<FileSystemDirectoryHandle> } } }).navigator?.storage;
  if (typeof storage?.getDirectory !== 'function') {
    throw new TypeError('openOPFS: OPFS (navigator.storage.getDirectory) is not available here: it needs a browser page or Worker served over https or from localhost');
  }
  return new OPFS(await (await storage.getDirectory()).getDirectoryHandle(name, { create: true }));
}

/** Where a path's parent is, and its last name. */
function split(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return [i === 0 ? '/' : path.slice(0, i), path.slice(i + 1)];
}

export class OPFS implements AsyncVfs {
  readonly async = true;
  readonly name = 'opfs';
  readonly rootId: { readonly dev: bigint; readonly ino: bigint };
  readonly #root: DirHandle;
  readonly #inodes = new Map<string, bigint>();
  #nextIno = 2n;
  /** Open files by path: one sync access handle per file (OPFS locks it), shared by its opens. */
  readonly #open = new Map<string, Shared>();

  /** `root`: a directory of the OPFS (navigator.storage.getDirectory() or one below it). */
  constructor(root: FileSystemDirectoryHandle) {
    if (typeof root !== 'object' || root === null || root.kind !== 'directory') throw new TypeError('new OPFS(root): root must be a FileSystemDirectoryHandle');
    this.#root = root as DirHandle;
    this.rootId = { dev: BigInt(0x4f50 * 256 + (++devices % 256)), ino: 1n };
    this.#inodes.set('/', 1n);
  }

  #ino(path: string): bigint {
    let ino = this.#inodes.get(path);
    if (ino === undefined) {
      ino = this.#nextIno++;
      this.#inodes.set(path, ino);
    }
    return ino;
  }

  /** The inode numbers and open files under `from` now live under `to`; with `to` undefined they are gone. */
  #move(from: string, to: string | undefined): void {
    for (const map of [this.#inodes, this.#open] as Map<string, unknown>[]) {
      for (const [p, v] of [...map]) {
        if (p !== from && !p.startsWith(`${from}/`)) continue;
        map.delete(p);
        if (to !== undefined) map.set(to + p.slice(from.length), v);
      }
    }
  }

  async #dir(path: string): Promise<DirHandle> {
    let dir = this.#root;
    if (path === '/') return dir;
    for (const part of path.slice(1).split('/')) {
      try {
        dir = (await dir.getDirectoryHandle(part)) as DirHandle;
      } catch (e) {
        throw translate(e, path);
      }
    }
    return dir;
  }

  /** The handle at `path`, or undefined if nothing is there (its parent must be a directory). */
  async #find(path: string): Promise<FileSystemHandle | undefined> {
    if (path === '/') return this.#root;
    const [parent, name] = split(path);
    const dir = await this.#dir(parent);
    try {
      return await dir.getFileHandle(name);
    } catch (e) {
      if ((e as DOMException).name === 'NotFoundError') return undefined;
      if ((e as DOMException).name !== 'TypeMismatchError') throw translate(e, path);
    }
    return await dir.getDirectoryHandle(name).catch((e: unknown) => {
      throw translate(e, path);
    });
  }

  async #get(path: string): Promise<FileSystemHandle> {
    const h = await this.#find(path);
    if (h === undefined) throw posix('ENOENT', path);
    return h;
  }

  async lstat(path: string): Promise<VfsStat> {
    const h = await this.#get(path);
    const ino = this.#ino(path);
    if (h.kind === 'directory') return { dev: this.rootId.dev, ino, kind: 'directory', nlink: 1n, size: 0n, atimNs: 0n, mtimNs: 0n, ctimNs: 0n };
    return this.#fileStat(path, h as FileHandle, ino);
  }

  async #fileStat(path: string, h: FileHandle, ino: bigint): Promise<VfsStat> {
    const open = this.#open.get(path);
    let size: number;
    let ms: number;
    if (open?.sync !== undefined) {
      // A file with a sync access handle open cannot be read by getFile(): the handle answers, the time is the last write's.
      size = open.sync.getSize();
      ms = open.modified;
    } else {
      const f = await h.getFile().catch((e: unknown) => {
        throw translate(e, path);
      });
      size = f.size;
      ms = f.lastModified;
    }
    const t = BigInt(Math.round(ms)) * 1_000_000n;
    return { dev: this.rootId.dev, ino, kind: 'file', nlink: 1n, size: BigInt(size), atimNs: t, mtimNs: t, ctimNs: t };
  }

  async kind(path: string): Promise<VfsKind | undefined> {
    try {
      return (await this.#find(path))?.kind;
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT' || (e as { code?: unknown }).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async open(path: string, flags: VfsOpenFlags): Promise<AsyncVfsFile> {
    if (path === '/') throw posix('EISDIR', path);
    const [parent, name] = split(path);
    const dir = await this.#dir(parent);
    let h: FileHandle;
    try {
      h = await dir.getFileHandle(name);
      if (flags.create && flags.exclusive) throw posix('EEXIST', path);
    } catch (e) {
      const n = (e as DOMException).name;
      if (n === 'TypeMismatchError') throw posix(flags.create && flags.exclusive ? 'EEXIST' : 'EISDIR', path);
      if (n !== 'NotFoundError' || !flags.create) throw translate(e, path);
      h = await dir.getFileHandle(name, { create: true }).catch((e2: unknown) => {
        throw translate(e2, path);
      });
    }
    let shared = this.#open.get(path);
    if (shared === undefined) {
      shared = new Shared(h);
      await shared.start(path);
      this.#open.set(path, shared);
    }
    shared.opens++;
    const file = new OPFSFile(this, shared, path, this.#ino(path));
    if (flags.truncate) await file.truncate(0);
    return file;
  }

  /** @internal OPFSFile's: the file's path now (renames move it), for stat and errors. */
  pathOf(shared: Shared): string {
    for (const [p, s] of this.#open) if (s === shared) return p;
    return '(removed)';
  }

  /** @internal */ fileStat(path: string, h: FileHandle, ino: bigint): Promise<VfsStat> { return this.#fileStat(path, h, ino); }

  /** @internal The last close of a file. */
  closed(shared: Shared): void {
    for (const [p, s] of this.#open) if (s === shared) this.#open.delete(p);
  }

  async readdir(path: string): Promise<VfsDirEntry[]> {
    const h = await this.#get(path);
    if (h.kind !== 'directory') throw posix('ENOTDIR', path);
    const out: VfsDirEntry[] = [];
    try {
      for await (const [name, child] of (h as DirHandle).entries()) out.push({ name, kind: child.kind, ino: this.#ino(path === '/' ? `/${name}` : `${path}/${name}`) });
    } catch (e) {
      throw translate(e, path);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async mkdir(path: string): Promise<void> {
    if ((await this.#find(path)) !== undefined) throw posix('EEXIST', path);
    const [parent, name] = split(path);
    await (await this.#dir(parent)).getDirectoryHandle(name, { create: true }).catch((e: unknown) => {
      throw translate(e, path);
    });
  }

  async rmdir(path: string): Promise<void> {
    const h = await this.#get(path);
    if (h.kind !== 'directory') throw posix('ENOTDIR', path);
    if (path === '/') throw posix('EBUSY', path);
    const [parent, name] = split(path);
    await (await this.#dir(parent)).removeEntry(name).catch((e: unknown) => {
      throw translate(e, path);
    });
    this.#move(path, undefined);
  }

  async unlink(path: string): Promise<void> {
    const h = await this.#get(path);
    if (h.kind === 'directory') throw posix('EISDIR', path);
    // An open file outlives its name (POSIX unlink): its opens keep a copy in memory, and its lock is released.
    await this.#open.get(path)?.orphan(path);
    const [parent, name] = split(path);
    await (await this.#dir(parent)).removeEntry(name).catch((e: unknown) => {
      throw translate(e, path);
    });
    this.#move(path, undefined);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = await this.#get(from);
    if (from === to) return;
    const [toParent, toName] = split(to);
    const dir = await this.#dir(toParent);
    const target = await this.#find(to);
    if (src.kind === 'directory' && (to.startsWith(`${from}/`) || from === '/')) throw posix('EINVAL', `${from} into itself`);
    if (target !== undefined) {
      if (src.kind === 'directory' && target.kind !== 'directory') throw posix('ENOTDIR', to);
      if (src.kind !== 'directory' && target.kind === 'directory') throw posix('EISDIR', to);
      if (target.kind === 'directory' && (await (target as DirHandle).entries().next()).done !== true) throw posix('ENOTEMPTY', to);
      // Not atomic, unlike rename(2): OPFS's move() does not replace; a crash between the two leaves `to` missing.
      await dir.removeEntry(toName).catch((e: unknown) => {
        throw translate(e, to);
      });
      this.#move(to, undefined);
    }
    const movable = src as FileHandle | DirHandle;
    try {
      if (typeof movable.move === 'function') await movable.move(dir, toName);
      else {
        // Chromium's directory handles have no move() (measured: README, "Persistent files"): copy, then remove.
        await copyTree(src as DirHandle, dir, toName);
        const [fromParent, fromName] = split(from);
        await (await this.#dir(fromParent)).removeEntry(fromName, { recursive: true });
      }
      this.#move(from, to);
      // After move(), getFile() on the moved handle failed with NotFoundError in Chromium and Firefox (opfsContract in
      // test/browser/runner-page.js): open files look their handles up again.
      for (const [p, s] of this.#open) {
        if (p !== to && !p.startsWith(`${to}/`)) continue;
        const [parent, name] = split(p);
        s.handle = (await (await this.#dir(parent)).getFileHandle(name)) as FileHandle;
      }
    } catch (e) {
      throw translate(e, from);
    }
  }

  async symlink(_target: string, path: string): Promise<void> {
    // EPERM: what Linux answers for a file system without symbolic links (symlink(2)); OPFS has none.
    if ((await this.#find(path)) !== undefined) throw posix('EEXIST', path);
    throw posix('EPERM', `${path}: OPFS has no symbolic links`);
  }

  async readlink(path: string): Promise<string> {
    await this.#get(path);
    throw posix('EINVAL', `${path}: not a symbolic link`);
  }

  async link(existing: string, path: string): Promise<void> {
    await this.#get(existing);
    if ((await this.#find(path)) !== undefined) throw posix('EEXIST', path);
    throw posix('EPERM', `${path}: OPFS has no hard links`);
  }

  async setTimes(path: string, _atim: VfsTime, _mtim: VfsTime, _follow: boolean): Promise<void> {
    await this.#get(path);
    throw posix('ENOTSUP', `${path}: OPFS keeps no times but a file's lastModified, which cannot be set`);
  }
}

/** One file's open state, shared by its opens: a sync access handle where there is one. */
class Shared {
  opens = 0;
  sync: SyncAccessHandle | undefined;
  /** Milliseconds since the epoch of the last write through the sync handle (OPFS's own lastModified is unreadable meanwhile). */
  modified = Date.now();
  /** The bytes of a file unlinked while open: its opens read and write these. */
  orphaned: Uint8Array | undefined;
  constructor(public handle: FileHandle) {}

  async orphan(path: string): Promise<void> {
    try {
      if (this.sync !== undefined) {
        const bytes = new Uint8Array(this.sync.getSize());
        this.sync.read(bytes, { at: 0 });
        this.sync.close();
        this.sync = undefined;
        this.orphaned = bytes;
      } else this.orphaned = new Uint8Array(await (await this.handle.getFile()).arrayBuffer());
    } catch (e) {
      throw translate(e, path);
    }
  }

  /** Writes into an orphaned file's bytes, growing them as a file grows. */
  orphanWrite(from: Uint8Array, position: number): number {
    const old = this.orphaned as Uint8Array;
    const end = position + from.length;
    if (end > old.length) {
      const grown = new Uint8Array(end);
      grown.set(old);
      this.orphaned = grown;
    }
    (this.orphaned as Uint8Array).set(from, position);
    this.modified = Date.now();
    return from.length;
  }

  async start(path: string): Promise<void> {
    // createSyncAccessHandle exists in dedicated Workers only; elsewhere data goes through getFile()/createWritable().
    if (typeof this.handle.createSyncAccessHandle !== 'function') return;
    try {
      this.sync = await this.handle.createSyncAccessHandle();
    } catch (e) {
      throw translate(e, path);
    }
  }
}

class OPFSFile implements AsyncVfsFile {
  #closed = false;
  constructor(private readonly fs: OPFS, private readonly shared: Shared, private readonly path: string, private readonly ino: bigint) {}

  #live(): Shared {
    if (this.#closed) throw posix('EBADF', `${this.path}: closed`);
    return this.shared;
  }

  async read(length: number, position: number): Promise<Uint8Array> {
    const s = this.#live();
    if (s.orphaned !== undefined) return s.orphaned.slice(position, position + length);
    if (s.sync !== undefined) {
      const into = new Uint8Array(Math.max(0, Math.min(length, s.sync.getSize() - position)));
      return into.subarray(0, into.length === 0 ? 0 : s.sync.read(into, { at: position }));
    }
    const f = await s.handle.getFile().catch((e: unknown) => {
      throw translate(e, this.path);
    });
    return new Uint8Array(await f.slice(position, position + length).arrayBuffer());
  }

  async write(from: Uint8Array, position: number): Promise<number> {
    const s = this.#live();
    if (s.orphaned !== undefined) return s.orphanWrite(from, position);
    if (s.sync !== undefined) {
      try {
        const n = s.sync.write(from, { at: position });
        s.modified = Date.now();
        return n;
      } catch (e) {
        throw translate(e, this.path);
      }
    }
    await this.#writable(async (w) => {
      await w.write({ type: 'write', position, data: from as Uint8Array<ArrayBuffer> });
    });
    return from.length;
  }

  /** One committed change through createWritable: durable once it resolves. */
  async #writable(change: (w: FileSystemWritableFileStream) => Promise<void>): Promise<void> {
    try {
      const w = await this.shared.handle.createWritable({ keepExistingData: true });
      try {
        await change(w);
      } catch (e) {
        await w.abort().catch(() => {});
        throw e;
      }
      await w.close();
    } catch (e) {
      throw translate(e, this.path);
    }
  }

  stat(): Promise<VfsStat> {
    const s = this.#live();
    if (s.orphaned !== undefined) {
      const t = BigInt(s.modified) * 1_000_000n;
      return Promise.resolve({ dev: this.fs.rootId.dev, ino: this.ino, kind: 'file', nlink: 0n, size: BigInt(s.orphaned.length), atimNs: t, mtimNs: t, ctimNs: t });
    }
    return this.fs.fileStat(this.fs.pathOf(s), s.handle, this.ino);
  }

  async truncate(size: number): Promise<void> {
    const s = this.#live();
    if (s.orphaned !== undefined) {
      const bytes = new Uint8Array(size);
      bytes.set(s.orphaned.subarray(0, size));
      s.orphaned = bytes;
      return;
    }
    if (s.sync !== undefined) {
      try {
        s.sync.truncate(size);
        s.modified = Date.now();
      } catch (e) {
        throw translate(e, this.path);
      }
      return;
    }
    await this.#writable((w) => w.truncate(size));
  }

  async setTimes(_atim: VfsTime, _mtim: VfsTime): Promise<void> {
    this.#live();
    throw posix('ENOTSUP', `${this.path}: OPFS keeps no times but a file's lastModified, which cannot be set`);
  }

  async sync(): Promise<void> {
    const s = this.#live();
    try {
      s.sync?.flush();
    } catch (e) {
      throw translate(e, this.path);
    }
  }

  datasync(): Promise<void> {
    return this.sync();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const s = this.shared;
    if (--s.opens > 0) return;
    this.fs.closed(s);
    if (s.sync !== undefined) {
      try {
        s.sync.flush();
      } finally {
        s.sync.close();
      }
    }
  }
}
