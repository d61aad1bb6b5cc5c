import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';
import { kindOfDirent, kindOfMode, type DirentLike } from './kinds.js';

/**
 * A backend over any object with Node's synchronous fs API (openSync,
 * readSync, fstatSync, readdirSync, ...), rooted at one of its directories:
 * what @tybys/wasm-util's `fs` option takes (src/fs-option.ts). The napi-rs
 * browser workers pass one whose every method posts the call to the thread
 * that owns a memfs Volume and waits with Atomics.wait
 * (@napi-rs/wasm-runtime's createFsProxy): arguments travel by structured
 * clone and results as JSON, so this file only passes numbers, strings and
 * byte views, and reads only plain fields of what comes back (bigint stats,
 * never Dates).
 *
 * Such objects are as wrong as what is behind them (memfs renames onto
 * directories, reads a directory as an empty file, gives symlinks size 0 and
 * keeps milliseconds: test/vfs-contract.test.ts runs over it), so what the Vfs
 * contract (src/vfs/types.ts) asks beyond storing and fetching is done here:
 * rename's POSIX checks, EISDIR on reading a directory, a symlink's size,
 * sorted listings, and nanosecond times. Those checks
 * read then act, so another thread changing the same store in between can
 * slip past them, as it can with the stock runtime this replaces.
 */

/** A stat with `{ bigint: true }`: Node's BigIntStats and memfs's alike. */
export interface FsShapedStats {
  dev: bigint;
  ino: bigint;
  mode: bigint;
  nlink: bigint;
  size: bigint;
  atimeNs?: bigint;
  mtimeNs?: bigint;
  ctimeNs?: bigint;
  atimeMs: bigint;
  mtimeMs: bigint;
  ctimeMs: bigint;
}

/** The synchronous methods this backend calls, with the arguments it passes. */
export interface FsShaped {
  openSync(path: string, flags: number, mode: number): number;
  closeSync(fd: number): void;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fstatSync(fd: number, options: { bigint: true }): FsShapedStats;
  lstatSync(path: string, options: { bigint: true }): FsShapedStats;
  statSync(path: string, options: { bigint: true }): FsShapedStats;
  ftruncateSync(fd: number, len: number): void;
  futimesSync(fd: number, atime: number, mtime: number): void;
  utimesSync(path: string, atime: number, mtime: number): void;
  lutimesSync(path: string, atime: number, mtime: number): void;
  fsyncSync(fd: number): void;
  fdatasyncSync(fd: number): void;
  readdirSync(path: string, options: { withFileTypes: true }): (DirentLike & { name: string })[];
  mkdirSync(path: string, mode: number): void;
  rmdirSync(path: string): void;
  unlinkSync(path: string): void;
  renameSync(from: string, to: string): void;
  symlinkSync(target: string, path: string): void;
  readlinkSync(path: string): string;
  linkSync(existing: string, path: string): void;
}

/** Every method of FsShaped: src/fs-option.ts checks an `fs` object has them all. */
export const FS_SHAPED_METHODS: readonly (keyof FsShaped)[] = [
  'openSync', 'closeSync', 'readSync', 'writeSync', 'fstatSync', 'lstatSync', 'statSync', 'ftruncateSync',
  'futimesSync', 'utimesSync', 'lutimesSync', 'fsyncSync', 'fdatasyncSync', 'readdirSync', 'mkdirSync',
  'rmdirSync', 'unlinkSync', 'renameSync', 'symlinkSync', 'readlinkSync', 'linkSync',
];

/** open(2) flags: the object's own `constants` where it has them (Node on macOS differs), else Linux's, which memfs uses. */
interface OpenConstants {
  O_RDONLY: number;
  O_WRONLY: number;
  O_RDWR: number;
  O_CREAT: number;
  O_EXCL: number;
  O_TRUNC: number;
  O_NOFOLLOW: number;
}
const LINUX: OpenConstants = { O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 0o100, O_EXCL: 0o200, O_TRUNC: 0o1000, O_NOFOLLOW: 0o400000 };

function openConstants(fs: object): OpenConstants {
  // A forwarding proxy answers a function for every name, `constants` included.
  const c = (fs as { constants?: unknown }).constants;
  if (typeof c !== 'object' || c === null || typeof (c as { O_CREAT?: unknown }).O_CREAT !== 'number') return LINUX;
  const own = c as Partial<OpenConstants>;
  // Windows has no O_NOFOLLOW; the resolver's own symlink check is all there is there.
  return { ...LINUX, ...own, O_NOFOLLOW: own.O_NOFOLLOW ?? 0 };
}

/** A bigint field, or the number a JSON round trip or a number-mode stat left. */
function big(v: bigint | number | undefined): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v ?? 0)));
}

/**
 * Times the store cannot keep exactly (memfs keeps milliseconds, Node's
 * utimes microseconds): per node and field, the ns asked for and what the
 * store held right after the set. The asked-for value is reported while the
 * store still holds that; a write that moves the time ends it. One table per
 * fs object, so two preopens on one object agree.
 */
interface Requested {
  aHost: bigint;
  aWant: bigint;
  mHost: bigint;
  mWant: bigint;
}
const tables = new WeakMap<object, Map<bigint, Requested>>();

function toSeconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

function nsOf(exact: bigint | number | undefined, ms: bigint | number): bigint {
  return exact !== undefined ? big(exact) : big(ms) * 1_000_000n;
}

/**
 * Where reads into views not on a SharedArrayBuffer land first: a forwarding
 * proxy's clone of a view shares its bytes only if they are shared. Bounded:
 * a longer read is a short read, which the guest reads on from.
 */
const STAGING_BYTES = 64 * 1024;
let staging: Uint8Array | undefined;

/** An entry's kind by its methods, or by memfs's `mode` field where a JSON round trip left a plain object. */
function kindOf(d: DirentLike | { mode?: unknown }): VfsKind {
  if (typeof (d as DirentLike).isFile === 'function') return kindOfDirent(d as DirentLike);
  const mode = (d as { mode?: unknown }).mode;
  return typeof mode === 'number' ? kindOfMode(mode) : 'unknown';
}

export class FsShapedFile implements VfsFile {
  readonly #vfs: FsShapedFS;
  readonly #fd: number;
  #isDir: boolean | undefined;

  constructor(vfs: FsShapedFS, fd: number) {
    this.#vfs = vfs;
    this.#fd = fd;
  }

  read(into: Uint8Array, position: number): number {
    const fs = this.#vfs.fs;
    // memfs reads a directory descriptor as an empty file; the contract says EISDIR.
    this.#isDir ??= kindOfMode(Number(fs.fstatSync(this.#fd, { bigint: true }).mode)) === 'directory';
    if (this.#isDir) throw codeError('EISDIR', 'EISDIR: read of a directory');
    const n = into.byteLength;
    if (n === 0 || typeof SharedArrayBuffer !== 'function' || into.buffer instanceof SharedArrayBuffer) {
      return fs.readSync(this.#fd, into, 0, n, position);
    }
    // A view on an ArrayBuffer would be copied on its way to another thread and the bytes read lost.
    staging ??= new Uint8Array(new SharedArrayBuffer(STAGING_BYTES));
    const got = fs.readSync(this.#fd, staging, 0, Math.min(n, STAGING_BYTES), position);
    into.set(staging.subarray(0, got));
    return got;
  }

  write(from: Uint8Array, position: number): number {
    return this.#vfs.fs.writeSync(this.#fd, from, 0, from.byteLength, position);
  }

  stat(): VfsStat {
    return this.#vfs.toVfsStat(this.#vfs.fs.fstatSync(this.#fd, { bigint: true }), undefined);
  }

  truncate(size: number): void {
    this.#vfs.fs.ftruncateSync(this.#fd, size);
  }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    const { fs } = this.#vfs;
    const fd = this.#fd;
    this.#vfs.setTimesWith(() => fs.fstatSync(fd, { bigint: true }), (a, m) => fs.futimesSync(fd, a, m), atim, mtim);
  }

  sync(): void {
    this.#vfs.fs.fsyncSync(this.#fd);
  }

  datasync(): void {
    this.#vfs.fs.fdatasyncSync(this.#fd);
  }

  close(): void {
    this.#vfs.fs.closeSync(this.#fd);
  }
}

export class FsShapedFS implements Vfs {
  readonly name = 'fs-shaped';
  readonly fs: FsShaped;
  /** The directory of `fs` that backend path "/" names, without a trailing slash ("" for "/"). */
  readonly #prefix: string;
  readonly #o: OpenConstants;
  readonly #times: Map<bigint, Requested>;

  /**
   * @param fs an object with Node's synchronous fs methods (FS_SHAPED_METHODS)
   * @param root an absolute path to a directory of `fs`
   * @param what how to name this mount in an error (e.g. "preopens['/']")
   */
  constructor(fs: FsShaped, root: string, what = 'root') {
    if (typeof root !== 'string' || !root.startsWith('/')) throw new TypeError(`${what} must be an absolute path of a directory in the fs object, got ${JSON.stringify(root)}`);
    this.fs = fs;
    this.#prefix = root.replace(/\/+$/, '');
    this.#o = openConstants(fs);
    let times = tables.get(fs);
    if (times === undefined) tables.set(fs, (times = new Map()));
    this.#times = times;
    let kind: VfsKind;
    try {
      kind = kindOfMode(Number(fs.statSync(root, { bigint: true }).mode));
    } catch (cause) {
      throw new TypeError(`${what}: ${root} cannot be opened in the fs object (${String((cause as { code?: unknown }).code ?? cause)})`, { cause });
    }
    if (kind !== 'directory') throw new TypeError(`${what}: ${root} is not a directory in the fs object`);
  }

  #at(path: string): string {
    return path === '/' ? this.#prefix || '/' : this.#prefix + path;
  }

  /**
   * Whether a guest could change, through `other`, the names that lead to
   * this root (src/namespace/namespace.ts then checks the roots' identity
   * before each use). Two different objects may front one store (each
   * napi-rs worker's fs proxy is its own object over the loader's volume;
   * two createFsFromVolume(vol) are two objects), and nothing here can tell
   * that they do not: any other FsShapedFS counts, whatever its object.
   * Nesting is known only on one object; across objects every pair counts.
   */
  overlaps(other: Vfs): boolean {
    if (!(other instanceof FsShapedFS)) return false;
    if (other.fs !== this.fs) return true;
    const [a, b] = [this.#prefix + '/', other.#prefix + '/'];
    return a.startsWith(b) || b.startsWith(a);
  }

  /** `st` as the contract has it; `symlinkAt` is its path when it may be a symlink, whose size the store may not know. */
  toVfsStat(st: FsShapedStats, symlinkAt: string | undefined): VfsStat {
    const kind = kindOfMode(Number(st.mode));
    let atim = nsOf(st.atimeNs, st.atimeMs);
    let mtim = nsOf(st.mtimeNs, st.mtimeMs);
    const ino = big(st.ino);
    const key = (big(st.dev) << 64n) | ino;
    const r = this.#times.get(key);
    if (r !== undefined) {
      const aLive = r.aHost === atim;
      const mLive = r.mHost === mtim;
      if (aLive) atim = r.aWant;
      if (mLive) mtim = r.mWant;
      if (!aLive && !mLive) this.#times.delete(key);
    }
    // A symlink's size is its target's length in bytes (POSIX); memfs says 0.
    const size = kind === 'symlink' && symlinkAt !== undefined
      ? BigInt(new TextEncoder().encode(this.fs.readlinkSync(symlinkAt)).byteLength)
      : big(st.size);
    return { dev: big(st.dev), ino, kind, nlink: big(st.nlink), size, atimNs: atim, mtimNs: mtim, ctimNs: nsOf(st.ctimeNs, st.ctimeMs) };
  }

  /** Sets times through `apply` on the node `statNow` stats, and remembers what the store could not keep. */
  setTimesWith(statNow: () => FsShapedStats, apply: (a: number, m: number) => void, atim: VfsTime, mtim: VfsTime): void {
    const before = this.toVfsStat(statNow(), undefined);
    // No UTIME_OMIT in this API: a field left alone is set to its current value, which the store may round.
    const now = atim === 'now' || mtim === 'now' ? BigInt(Date.now()) * 1_000_000n : 0n;
    const a = atim === undefined ? before.atimNs : atim === 'now' ? now : atim;
    const m = mtim === undefined ? before.mtimNs : mtim === 'now' ? now : mtim;
    apply(toSeconds(a), toSeconds(m));
    const after = statNow();
    const aHost = nsOf(after.atimeNs, after.atimeMs);
    const mHost = nsOf(after.mtimeNs, after.mtimeMs);
    const key = (big(after.dev) << 64n) | big(after.ino);
    if (aHost === a && mHost === m) this.#times.delete(key);
    else this.#times.set(key, { aHost, aWant: a, mHost, mWant: m });
  }

  lstat(path: string): VfsStat {
    const p = this.#at(path);
    return this.toVfsStat(this.fs.lstatSync(p, { bigint: true }), p);
  }

  open(path: string, flags: VfsOpenFlags): VfsFile {
    const o = this.#o;
    // Never O_APPEND: the host keeps positions and writes at explicit offsets.
    let f = flags.write ? (flags.read ? o.O_RDWR : o.O_WRONLY) : o.O_RDONLY;
    if (flags.create) f |= o.O_CREAT;
    if (flags.exclusive) f |= o.O_EXCL;
    if (flags.truncate) f |= o.O_TRUNC;
    if (flags.noFollow) f |= o.O_NOFOLLOW;
    return new FsShapedFile(this, this.fs.openSync(this.#at(path), f, 0o666));
  }

  readdir(path: string): VfsDirEntry[] {
    const out: VfsDirEntry[] = [];
    for (const d of this.fs.readdirSync(this.#at(path), { withFileTypes: true })) out.push({ name: String(d.name), kind: kindOf(d) });
    out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return out;
  }

  mkdir(path: string): void {
    this.fs.mkdirSync(this.#at(path), 0o777);
  }

  rmdir(path: string): void {
    this.fs.rmdirSync(this.#at(path));
  }

  unlink(path: string): void {
    this.fs.unlinkSync(this.#at(path));
  }

  rename(from: string, to: string): void {
    const src = this.#at(from);
    const dst = this.#at(to);
    // memfs renames a directory onto a non-empty one (losing its files) and a file onto a directory.
    const fromDir = kindOfMode(Number(this.fs.lstatSync(src, { bigint: true }).mode)) === 'directory';
    if (fromDir && to.startsWith(from + '/')) throw codeError('EINVAL', `EINVAL: rename of a directory into itself '${from}' -> '${to}'`);
    let target: FsShapedStats | undefined;
    try {
      target = this.fs.lstatSync(dst, { bigint: true });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
    }
    if (target !== undefined && from !== to) {
      const toKind = kindOfMode(Number(target.mode));
      if (fromDir && toKind !== 'directory') throw codeError('ENOTDIR', `ENOTDIR: rename of a directory onto a non-directory '${to}'`);
      if (!fromDir && toKind === 'directory') throw codeError('EISDIR', `EISDIR: rename onto a directory '${to}'`);
      if (toKind === 'directory' && this.fs.readdirSync(dst, { withFileTypes: true }).length > 0) {
        throw codeError('ENOTEMPTY', `ENOTEMPTY: rename onto a non-empty directory '${to}'`);
      }
      // memfs leaves a replaced empty directory counted in its parent (which then cannot be
      // removed), and does not count down the links of a replaced file. So the replaced empty
      // directory, and a replaced file another name still reaches, are removed first: not atomic.
      if (toKind === 'directory') this.fs.rmdirSync(dst);
      else if (big(target.nlink) > 1n) this.fs.unlinkSync(dst);
    }
    this.fs.renameSync(src, dst);
  }

  symlink(target: string, path: string): void {
    this.fs.symlinkSync(target, this.#at(path));
  }

  readlink(path: string): string {
    return String(this.fs.readlinkSync(this.#at(path)));
  }

  link(existing: string, path: string): void {
    this.fs.linkSync(this.#at(existing), this.#at(path));
  }

  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const p = this.#at(path);
    const fs = this.fs;
    if (follow) this.setTimesWith(() => fs.statSync(p, { bigint: true }), (a, m) => fs.utimesSync(p, a, m), atim, mtim);
    else this.setTimesWith(() => fs.lstatSync(p, { bigint: true }), (a, m) => fs.lutimesSync(p, a, m), atim, mtim);
  }
}
