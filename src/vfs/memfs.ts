import { Volume, fs as memfsDefault } from 'memfs';
import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';
import { kindOfDirent, kindOfMode, S_IFMT, type DirentLike } from './kinds.js';
import { Quota, targetBytes, utf8Length } from './memfs-quota.js';
import { timeOf, TimeTable, type TimeStats } from './memfs-times.js';

/**
 * A backend on a memfs `Volume`, for Node and browsers alike.
 *
 * Buffers: this file never touches `Buffer`. memfs wraps whatever view it is
 * given in its own `Buffer` (`Buffer.from(view.buffer, byteOffset,
 * byteLength)`, zero-copy, and that accepts a SharedArrayBuffer or a shared
 * WebAssembly memory). memfs gets `Buffer` from `require("node:buffer")`, so a
 * browser bundle has to alias `node:buffer` (and `node:path`, `node:events`,
 * `node:stream`, `node:url`) to polyfills; that is the bundler's job, and this
 * file stays the same either way.
 *
 * What memfs lacks lives beside this file: nanosecond times (memfs-times.ts)
 * and a byte quota (memfs-quota.ts), both kept per Volume in `VolumeState`.
 */

// memfs's own flag numbers (Linux's, whatever the platform it runs on).
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW } = memfsDefault.constants;


/** The fields of memfs's `Stats<number>` this file reads. */
interface MemStats extends TimeStats {
  mode: number;
  nlink: number;
  size: number;
}

/** The fields of memfs's `Dirent` this file reads (its own type keeps `mode` private). */
interface MemDirent extends DirentLike {
  name: unknown;
}

/** State shared by every MemFS on one Volume, so two views of one volume agree. */
interface VolumeState {
  readonly vol: Volume;
  readonly dev: bigint;
  readonly times: TimeTable;
  /** The byte quota (MemFSOptions.maxBytes), if one was set on any view of this volume. */
  quota: Quota | undefined;
}

const states = new WeakMap<Volume, VolumeState>();
// Arbitrary, only distinct per volume: "mem" in ASCII.
let nextDev = 0x6d656d00n;

function stateOf(vol: Volume): VolumeState {
  let s = states.get(vol);
  if (s === undefined) {
    s = { vol, dev: nextDev++, times: new TimeTable(), quota: undefined };
    states.set(vol, s);
  }
  return s;
}

/** lstat, or undefined if nothing is there; other failures (ENOTDIR...) still throw. */
function lstatOrUndefined(vol: Volume, path: string): MemStats | undefined {
  return vol.lstatSync(path, { throwIfNoEntry: false }) as MemStats | undefined;
}

function toVfsStat(s: VolumeState, st: MemStats, size: number): VfsStat {
  const r = s.times.live(st);
  return {
    dev: s.dev,
    ino: BigInt(st.ino),
    kind: kindOfMode(st.mode),
    nlink: BigInt(st.nlink),
    size: BigInt(size),
    atimNs: timeOf(r?.a, st.atimeMs),
    mtimNs: timeOf(r?.m, st.mtimeMs),
    ctimNs: timeOf(r?.c, st.ctimeMs),
  };
}

class MemFile implements VfsFile {
  readonly #s: VolumeState;
  readonly #fd: number;
  readonly #ino: number;
  readonly #bMs: number;
  readonly #dir: boolean;

  constructor(s: VolumeState, fd: number, st: MemStats) {
    this.#s = s;
    this.#fd = fd;
    this.#ino = st.ino;
    this.#bMs = st.birthtimeMs;
    this.#dir = (st.mode & S_IFMT) === 0o040000;
  }

  read(into: Uint8Array, position: number): number {
    // memfs reads a directory fd as empty; Linux and Node say EISDIR.
    if (this.#dir) throw codeError('EISDIR', 'EISDIR: read of a directory');
    return this.#s.vol.readSync(this.#fd, into, 0, into.byteLength, position);
  }

  write(from: Uint8Array, position: number): number {
    const { vol, quota, times } = this.#s;
    if (quota !== undefined) from = quota.fit(this.#fd, from, position);
    const r = times.forNode(this.#ino, this.#bMs);
    if (r === undefined) return vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    const t0 = Date.now();
    const n = vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    // memfs leaves the times alone for an empty write, as POSIX allows.
    if (n > 0) r.modifiedSince(t0, vol, this.#fd);
    return n;
  }

  truncate(size: number): void {
    const { vol, quota, times } = this.#s;
    quota?.resize(this.#fd, size);
    const r = times.forNode(this.#ino, this.#bMs);
    const t0 = Date.now();
    vol.ftruncateSync(this.#fd, size);
    if (r !== undefined) r.modifiedSince(t0, vol, this.#fd);
  }

  stat(): VfsStat {
    const st: MemStats = this.#s.vol.fstatSync(this.#fd);
    return toVfsStat(this.#s, st, st.size);
  }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    const { vol, times } = this.#s;
    const fd = this.#fd;
    times.setTimes(() => vol.fstatSync(fd), (a, m) => vol.futimesSync(fd, a, m), atim, mtim);
  }

  // Memory has nothing to flush.
  sync(): void {}
  datasync(): void {}

  close(): void {
    this.#s.quota?.closing(this.#fd);
    this.#s.vol.closeSync(this.#fd);
  }
}

export type MemFSSeed = Record<string, string | Uint8Array | null>;

export interface MemFSOptions {
  /**
   * The Volume directory that backend path "/" maps to (default "/"). A
   * guest given this MemFS reaches that subtree only; the rest of the Volume
   * stays out of its reach. Seeds are created inside it.
   */
  root?: string;
  /**
   * Most bytes the Volume may hold: file data, symlink targets, and 128
   * bytes plus the name for each directory entry. Writes, truncates and new
   * entries past it fail with ENOSPC (a write that partly fits is cut
   * short). Counts the whole Volume, seed included; the limit is the
   * Volume's, shared by every MemFS on it (the latest one set wins).
   * Default: no limit.
   */
  maxBytes?: number;
}

function isVolume(x: Volume | MemFSSeed): x is Volume {
  // Duck-typed so a Volume from another copy of memfs is still taken as one;
  // a seed's values are never functions.
  return typeof (x as { openSync?: unknown }).openSync === 'function';
}

/** Seed and helper paths are relative to the backend root; a leading "/" is allowed. */
function rooted(p: string): string {
  return p.startsWith('/') ? p : '/' + p;
}

/** The last component of a normalised backend path. */
function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function checkOptions(options: MemFSOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('MemFS: options must be an object');
  const { root, maxBytes } = options;
  if (root !== undefined && (typeof root !== 'string' || !root.startsWith('/') || /(^|\/)\.\.?(\/|$)|\0/.test(root))) {
    throw new TypeError(`MemFS: option \`root\` must be an absolute Volume path without "." or "..", got ${String(root)}`);
  }
  if (maxBytes !== undefined && !(typeof maxBytes === 'number' && maxBytes >= 0 && Number.isSafeInteger(maxBytes))) {
    throw new RangeError(`MemFS: option \`maxBytes\` must be a non-negative integer, got ${String(maxBytes)}`);
  }
}

/** A seed's values become file contents as they are; anything else would be written as its String(). */
function checkSeed(seed: Volume | MemFSSeed): void {
  if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) {
    throw new TypeError("MemFS: the seed must be a memfs Volume or an object of files, e.g. { 'dir/a.txt': 'text', 'empty/': null }");
  }
  if (isVolume(seed)) return;
  for (const [name, value] of Object.entries(seed)) {
    if (value === null || typeof value === 'string' || value instanceof Uint8Array) continue;
    const got = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
    const fix = typeof value === 'object' ? `write nested files as '${name}/child': ...` : `write String(${String(value)})`;
    throw new TypeError(`MemFS: seed ${JSON.stringify(name)} must be a string, a Uint8Array or null (a directory), got ${got}; ${fix}`);
  }
}

export class MemFS implements Vfs {
  readonly name = 'memfs';
  readonly #s: VolumeState;
  /** The Volume path of backend "/" (MemFSOptions.root), or '' for the Volume's own root. */
  readonly #prefix: string;

  /**
   * @param seed a Volume to use as is (an embedder may share it), or files to
   *   create: `{'src/main.c': '...', 'empty-dir/': null}`; a key ending in "/"
   *   or a null value is a directory; parent directories are created.
   * @param options `root` (a Volume subtree to serve) and `maxBytes` (a quota).
   */
  constructor(seed?: Volume | MemFSSeed, options: MemFSOptions = {}) {
    checkOptions(options);
    if (seed !== undefined) checkSeed(seed);
    const given = seed !== undefined && isVolume(seed);
    const vol = given ? seed : new Volume();
    this.#s = stateOf(vol);
    let root = options.root ?? '/';
    if (root !== '/') {
      if (!given) vol.mkdirSync(root, { recursive: true });
      // Symlinks in the root itself are the embedder's; resolve them once, as NodeFS does.
      let isDir = false;
      try {
        root = String(vol.realpathSync(root));
        isDir = (vol.lstatSync(root).mode & S_IFMT) === 0o040000;
      } catch {
        // reported below
      }
      if (!isDir) throw new TypeError(`MemFS: option \`root\` is not a directory of the Volume: ${options.root}`);
    }
    this.#prefix = root === '/' ? '' : root.replace(/\/+$/, '');
    if (!given && seed !== undefined) {
      for (const key of Object.keys(seed)) {
        const value = seed[key];
        let path = this.#p(rooted(key));
        if (value === null || path.endsWith('/')) {
          while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
          vol.mkdirSync(path, { recursive: true });
          continue;
        }
        const slash = path.lastIndexOf('/');
        if (slash > 0) vol.mkdirSync(path.slice(0, slash), { recursive: true });
        vol.writeFileSync(path, value);
      }
    }
    if (options.maxBytes !== undefined) {
      const s = this.#s;
      if (s.quota === undefined) s.quota = new Quota(vol, options.maxBytes);
      else s.quota.max = options.maxBytes;
      s.quota.recount();
    }
  }

  overlaps(other: Vfs): boolean {
    if (!(other instanceof MemFS) || other.#s !== this.#s) return false;
    const a = this.#prefix;
    const b = other.#prefix;
    // '' is the Volume's root, which holds everything.
    return a === b || a === '' || b === '' || a.startsWith(b + '/') || b.startsWith(a + '/');
  }

  /** The Volume path for a backend path. */
  #p(path: string): string {
    return this.#prefix === '' ? path : path === '/' ? this.#prefix : this.#prefix + path;
  }

  /** Bytes the Volume holds as the quota counts them (file data, symlink targets, entries), or undefined without maxBytes. */
  get usedBytes(): number | undefined {
    return this.#s.quota?.count();
  }

  /** Charges a new entry at `path` (a new inode unless a hard link, plus `extra` bytes), runs `make`, and refunds if it fails. */
  #newEntry(path: string, extra: number, make: () => void, newInode = true): void {
    const q = this.#s.quota;
    if (q === undefined) return make();
    q.newEntry(this.#p(path), newInode, extra, make);
  }

  get volume(): Volume {
    return this.#s.vol;
  }

  /** A copy of a file's bytes, for reading results back after a run. */
  readFile(path: string): Uint8Array {
    const data = this.#s.vol.readFileSync(this.#p(rooted(path)));
    // A plain copy: memfs may hand back a Buffer on its shared pool.
    return typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  }

  readText(path: string): string {
    return String(this.#s.vol.readFileSync(this.#p(rooted(path)), 'utf8'));
  }

  /**
   * Every file as UTF-8 text and every empty directory as null, keyed like a
   * seed (no leading "/"). Symlinks are left out, as memfs's toJSON does.
   */
  toJSON(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const json = this.#s.vol.toJSON(this.#prefix === '' ? '/' : this.#prefix);
    const strip = this.#prefix.length + 1;
    for (const key of Object.keys(json)) {
      const value = json[key];
      out[key.slice(strip)] = value === undefined ? null : value;
    }
    return out;
  }

  lstat(path: string): VfsStat {
    const { vol } = this.#s;
    const at = this.#p(path);
    const st: MemStats = vol.lstatSync(at);
    // memfs reports 0 for a symlink; POSIX and Node report the target's length.
    const size = (st.mode & S_IFMT) === 0o120000 ? utf8Length(String(vol.readlinkSync(at))) : st.size;
    return toVfsStat(this.#s, st, size);
  }

  kind(path: string): VfsKind | undefined {
    // The resolver's per-component question.
    const st = lstatOrUndefined(this.#s.vol, this.#p(path));
    return st === undefined ? undefined : kindOfMode(st.mode);
  }

  open(path: string, flags: VfsOpenFlags): VfsFile {
    // Never O_APPEND: the host keeps positions, and memfs's O_APPEND would
    // move a positioned write to the end.
    let f = flags.write ? (flags.read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (flags.create) f |= O_CREAT;
    if (flags.exclusive) f |= O_EXCL;
    if (flags.truncate) f |= O_TRUNC;
    // memfs 4.80 honours O_NOFOLLOW (ELOOP on a final symlink), so no check of our own.
    if (flags.noFollow) f |= O_NOFOLLOW;
    const s = this.#s;
    const at = this.#p(path);
    const q = s.quota;
    let fd = -1;
    if (q !== undefined && flags.create && !this.#exists(at)) {
      this.#newEntry(path, 0, () => {
        fd = s.vol.openSync(at, f, 0o666);
      });
    } else {
      fd = s.vol.openSync(at, f, 0o666);
    }
    if (q !== undefined && flags.truncate) q.freed();
    let st: MemStats;
    try {
      st = s.vol.fstatSync(fd);
    } catch (err) {
      s.vol.closeSync(fd);
      throw err;
    }
    q?.opened(fd);
    if (flags.truncate) s.times.truncated(st);
    return new MemFile(s, fd, st);
  }

  /** Whether anything (even a dangling symlink) is at Volume path `at`. */
  #exists(at: string): boolean {
    try {
      this.#s.vol.lstatSync(at);
      return true;
    } catch {
      return false;
    }
  }

  readdir(path: string): VfsDirEntry[] {
    const list = this.#s.vol.readdirSync(this.#p(path), { withFileTypes: true }) as MemDirent[];
    const out: VfsDirEntry[] = [];
    for (const d of list) out.push({ name: String(d.name), kind: kindOfDirent(d) });
    // memfs sorts today; sorting again keeps the order ours if it stops.
    out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return out;
  }

  mkdir(path: string): void {
    this.#newEntry(path, 0, () => this.#s.vol.mkdirSync(this.#p(path), 0o777));
  }

  rmdir(path: string): void {
    this.#s.vol.rmdirSync(this.#p(path));
    this.#s.quota?.freed();
  }

  unlink(path: string): void {
    this.#s.vol.unlinkSync(this.#p(path));
    this.#s.quota?.freed();
  }

  rename(fromPath: string, toPath: string): void {
    const { vol, quota } = this.#s;
    const from = this.#p(fromPath);
    const to = this.#p(toPath);
    const src = vol.lstatSync(from) as MemStats;
    const dst = lstatOrUndefined(vol, to);
    if (dst !== undefined && dst.ino === src.ino) return; // POSIX: two links to one file, nothing to do
    const srcIsDir = (src.mode & S_IFMT) === 0o040000;
    if (dst !== undefined) {
      const dstIsDir = (dst.mode & S_IFMT) === 0o040000;
      if (dstIsDir && !srcIsDir) throw codeError('EISDIR', `EISDIR: rename onto a directory '${to}'`);
      if (!dstIsDir && srcIsDir) throw codeError('ENOTDIR', `ENOTDIR: rename a directory onto a non-directory '${to}'`);
    }
    quota?.renamed(from, to);
    // memfs 4.80's renameSync leaves a replaced destination's link in its parent (its entry
    // count stays, so a later rmdir says ENOTEMPTY, and the replaced inode keeps its nlink).
    // Removing the destination first gives POSIX's replace; rmdir refuses a non-empty one.
    if (dst !== undefined) {
      if ((dst.mode & S_IFMT) === 0o040000) vol.rmdirSync(to);
      else vol.unlinkSync(to);
    }
    // memfs's rename also follows a final symlink in `from` and moves its target. A symlink
    // is moved as a hard link instead (memfs links the symlink itself), which keeps its ino.
    if ((src.mode & S_IFMT) === 0o120000) {
      vol.linkSync(from, to);
      vol.unlinkSync(from);
      return;
    }
    vol.renameSync(from, to);
  }

  symlink(target: string, path: string): void {
    this.#newEntry(path, targetBytes(target), () => this.#s.vol.symlinkSync(target, this.#p(path)));
  }

  readlink(path: string): string {
    return String(this.#s.vol.readlinkSync(this.#p(path)));
  }

  link(existing: string, path: string): void {
    this.#newEntry(path, 0, () => this.#s.vol.linkSync(this.#p(existing), this.#p(path)), false);
  }

  setTimes(backendPath: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const { vol, times } = this.#s;
    const path = this.#p(backendPath);
    if (follow) {
      times.setTimes(() => vol.statSync(path), (a, m) => vol.utimesSync(path, a, m), atim, mtim);
    } else {
      times.setTimes(() => vol.lstatSync(path), (a, m) => vol.lutimesSync(path, a, m), atim, mtim);
    }
  }
}
