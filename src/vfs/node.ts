import * as fs from 'node:fs';
import { resolve } from 'node:path';
import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpened, VfsOpenFlags, VfsStat, VfsTime } from './types.js';
import { kindOfDirent, kindOfMode } from './kinds.js';
import { Beneath } from './node-beneath.js';

/**
 * A backend on the host's filesystem through `node:fs`, confined to one
 * directory. It does no sandboxing of its own (the resolver above does); it
 * only ever acts on an already normalised backend path below its root. On
 * Linux each path is looked up from held directory descriptors, so a host
 * process that swaps a directory for a symlink between the resolver's check
 * and the use cannot redirect the call (src/vfs/node-beneath.ts); elsewhere
 * the host path is root + backend path (README, "What the sandbox guarantees").
 * The two calls that may follow a final symlink (open without `noFollow`,
 * setTimes with `follow`) do so as src/vfs/types.ts says; the namespace never
 * asks them to, since the resolver follows symlinks itself.
 *
 * Node's fs takes views on a SharedArrayBuffer or a shared WebAssembly memory
 * as they are (checked on Node 20), so reads and writes go straight to the
 * caller's view.
 */

/**
 * Why `path` cannot be a NodeFS root, in words a user can act on (the
 * absolute path, "does not exist" or "is not a directory"), or undefined if it can.
 */
export function hostDirectoryProblem(path: string): string | undefined {
  const abs = resolve(path);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    return `host directory ${abs} cannot be opened (${(err as { code?: string }).code ?? String(err)})`;
  }
  if (st === undefined) return `host directory ${abs} does not exist`;
  if (!st.isDirectory()) return `host path ${abs} is not a directory`;
  return undefined;
}

const C = fs.constants;
// Options made once: the open path asks for them on every call.
const BIGINT = { bigint: true } as const;
const MAY_BE_MISSING = { throwIfNoEntry: false } as const;
// Windows has no O_NOFOLLOW; the resolver's own symlink check is all there is there.
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const WIN32 = process.platform === 'win32';
/**
 * How openFile opens a name it has not looked at (see there): never through
 * a final symlink, never waiting (a FIFO with no writer, a lease), never
 * making a terminal the process's controlling one. Zero where the host
 * lacks one of them (Windows), and openFile is then not used.
 */
const PROBE_OPEN = C.O_NOFOLLOW !== undefined && C.O_NONBLOCK !== undefined && C.O_NOCTTY !== undefined
  ? C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY : 0;



/**
 * Times Node cannot set exactly: utimes takes seconds as a double and libuv
 * keeps microseconds. Per node (dev:ino) and field, the requested ns and what
 * the host held right after the set; the requested value is reported while
 * the host still holds that. Module-wide so that two NodeFS on overlapping
 * roots agree.
 */
interface Requested {
  aHost: bigint;
  aWant: bigint;
  mHost: bigint;
  mWant: bigint;
}

const requested = new Map<bigint, Requested>();

function keyOf(st: fs.BigIntStats): bigint {
  return (st.dev << 64n) | st.ino;
}

function toVfsStat(st: fs.BigIntStats): VfsStat {
  let atim = st.atimeNs;
  let mtim = st.mtimeNs;
  if (requested.size !== 0) {
    const key = keyOf(st);
    const r = requested.get(key);
    if (r !== undefined) {
      const aLive = r.aHost === atim;
      const mLive = r.mHost === mtim;
      if (aLive) atim = r.aWant;
      if (mLive) mtim = r.mWant;
      // Both fields moved on (or the ino was reused): the entry is dead weight.
      if (!aLive && !mLive) requested.delete(key);
    }
  }
  return {
    dev: st.dev,
    ino: st.ino,
    kind: kindOfMode(Number(st.mode)),
    nlink: st.nlink,
    size: st.size,
    atimNs: atim,
    mtimNs: mtim,
    ctimNs: st.ctimeNs,
  };
}

/** Seconds as a double, the only form Node's utimes family takes with sub-ms digits. */
function toSeconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

function wanted(t: VfsTime, current: bigint, now: bigint): bigint {
  return t === undefined ? current : t === 'now' ? now : t;
}

/**
 * Sets times through `apply` (utimes, lutimes or futimes) on the node
 * `statNow` stats, and remembers what the host could not store.
 */
function setTimesWith(
  statNow: () => fs.BigIntStats,
  apply: (a: number, m: number) => void,
  atim: VfsTime,
  mtim: VfsTime,
): void {
  const before = toVfsStat(statNow());
  // Node has no UTIME_OMIT: a field left alone is set to its current value,
  // which the host may round, so it is recorded like a requested one.
  const now = atim === 'now' || mtim === 'now' ? BigInt(Date.now()) * 1_000_000n : 0n;
  const a = wanted(atim, before.atimNs, now);
  const m = wanted(mtim, before.mtimNs, now);
  apply(toSeconds(a), toSeconds(m));
  const after = statNow();
  const key = keyOf(after);
  if (after.atimeNs === a && after.mtimeNs === m) requested.delete(key);
  else requested.set(key, { aHost: after.atimeNs, aWant: a, mHost: after.mtimeNs, mWant: m });
}

class NodeFile implements VfsFile {
  readonly #fd: number;

  constructor(fd: number) {
    this.#fd = fd;
  }

  read(into: Uint8Array, position: number): number {
    return fs.readSync(this.#fd, into, 0, into.byteLength, position);
  }

  write(from: Uint8Array, position: number): number {
    return fs.writeSync(this.#fd, from, 0, from.byteLength, position);
  }

  writeRange(source: Uint8Array, offset: number, length: number, position: number): number {
    return fs.writeSync(this.#fd, source, offset, length, position);
  }

  stat(): VfsStat {
    return toVfsStat(fs.fstatSync(this.#fd, BIGINT));
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.#fd, size);
  }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    const fd = this.#fd;
    setTimesWith(() => fs.fstatSync(fd, { bigint: true }), (a, m) => fs.futimesSync(fd, a, m), atim, mtim);
  }

  sync(): void {
    fs.fsyncSync(this.#fd);
  }

  datasync(): void {
    fs.fdatasyncSync(this.#fd);
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}

// A component that is empty, "." or "..", or a NUL: the resolver never hands
// these down, so seeing one means a bug above, and it must not reach the host.
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|\0/;
const NOT_NORMAL_WIN32 = /[\\:]/;

function checkNormal(path: string): void {
  if (path !== '/' && (path.charCodeAt(0) !== 0x2f || path.endsWith('/') || NOT_NORMAL.test(path) || (WIN32 && NOT_NORMAL_WIN32.test(path)))) {
    throw codeError('EINVAL', `NodeFS: not a normalised backend path: ${JSON.stringify(path)}`);
  }
}

/** open(2) flags for `flags` but noFollow. Never O_APPEND: the host keeps positions and writes at explicit offsets. */
function openMode(flags: VfsOpenFlags): number {
  let f = flags.write ? (flags.read ? C.O_RDWR : C.O_WRONLY) : C.O_RDONLY;
  if (flags.create) f |= C.O_CREAT;
  if (flags.exclusive) f |= C.O_EXCL;
  if (flags.truncate) f |= C.O_TRUNC;
  return f;
}

/** Whether host directory `inner` is `outer` or lies below it (both realpaths without a trailing separator). */
function nests(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(outer + '/') || (WIN32 && inner.startsWith(outer + '\\'));
}

export class NodeFS implements Vfs {
  readonly name = 'node';
  /** Every write is a system call, worth batching (src/write-behind.ts). */
  readonly writeBehind = true;
  /** openFile checks each directory on a path as the resolver does (kind), then opens without following. */
  readonly walksBeneath = true;
  /** The confining directory, absolute and with symlinks resolved. */
  readonly root: string;
  readonly #prefix: string;
  /**
   * The held root and directories, where /proc/self/fd acts as openat; null until a path is first
   * mapped (#b), so a program that never names one (an empty program) costs no /proc probe: the
   * probe's first open and realpath were ~0.15 ms of a fresh process's first host (BENCHMARKS.md,
   * issue 14 part 11).
   */
  #beneath: Beneath | undefined | null = null;

  /** @param root the host directory that backend path "/" maps to. */
  constructor(root: string) {
    if (typeof root !== 'string' || root === '') {
      throw new TypeError('NodeFS: option `root` must be a path to a directory');
    }
    let real: string;
    try {
      // The native realpath is one libuv call; the JS one lstats each component from JS. With a
      // trailing "/" POSIX realpath fails (ENOTDIR) unless the path is a directory: the check
      // costs no call of its own. Windows is asked with a stat.
      real = fs.realpathSync.native(WIN32 ? root : `${root}/`);
    } catch (cause) {
      throw new TypeError(`NodeFS: option \`root\`: ${hostDirectoryProblem(root) ?? `cannot open ${resolve(root)}`}`, { cause });
    }
    if (WIN32 && !fs.statSync(real).isDirectory()) {
      throw new TypeError(`NodeFS: option \`root\`: ${hostDirectoryProblem(root) ?? `${resolve(root)} is not a directory`}`);
    }
    this.root = real;
    // "/" + "/a" would be "//a", and "C:\" + "/a" "C:\/a".
    this.#prefix = real.replace(/[\\/]+$/, '');
  }

  #b(): Beneath | undefined {
    let b = this.#beneath;
    if (b !== null) return b;
    // No answer yet (the root swapped or gone at the probe): this call goes by path, the next asks
    // again, so one unlucky probe does not leave this backend without held directories for good.
    b = Beneath.open(this, this.root, this.#prefix);
    if (b !== null) this.#beneath = b;
    return b ?? undefined;
  }

  overlaps(other: Vfs): boolean {
    if (!(other instanceof NodeFS)) return false;
    return nests(this.#prefix, other.#prefix) || nests(other.#prefix, this.#prefix);
  }

  /**
   * The host path for a backend path: its last component inside its held
   * parent directory (Beneath.at; `fresh` false for a call's second path), or
   * root + path where nothing is held.
   */
  #host(path: string, fresh = true): string {
    checkNormal(path);
    return this.#mapped(path, fresh);
  }

  /** The host path of a backend path already checked normal. */
  #mapped(path: string, fresh = true): string {
    const b = this.#b();
    if (b !== undefined) return b.at(path, fresh);
    return path === '/' ? this.root : this.#prefix + path;
  }

  lstat(path: string): VfsStat {
    const b = this.#b();
    // The root by its path, so that an identity check of it (overlapping preopens, src/namespace/resolver.ts
    // enter) sees a root renamed away as gone, as it does without held descriptors.
    if (b === undefined || path === '/') return toVfsStat(fs.lstatSync(path === '/' ? this.root : this.#host(path), { bigint: true }));
    const p = this.#host(path);
    let st: fs.BigIntStats;
    try {
      st = fs.lstatSync(p, { bigint: true });
    } catch (err) {
      b.checked(path, 0, 0, false);
      throw err;
    }
    b.checked(path, Number(st.dev), Number(st.ino), st.isDirectory());
    return toVfsStat(st);
  }

  kind(path: string): VfsKind | undefined {
    const st = this.#lstatChecked(path, this.#host(path));
    return st === undefined ? undefined : kindOfMode(st.mode);
  }

  /**
   * The resolver's per-component question: a number-mode lstat of host path `host` (for backend
   * path `path`) without an exception for a missing name, told to Beneath.
   */
  #lstatChecked(path: string, host: string): fs.Stats | undefined {
    const st = fs.lstatSync(host, MAY_BE_MISSING);
    if (st === undefined) {
      this.#b()?.checked(path, 0, 0, false);
      return undefined;
    }
    this.#b()?.checked(path, st.dev, st.ino, st.isDirectory());
    return st;
  }

  open(path: string, flags: VfsOpenFlags): VfsFile {
    const f = flags.noFollow ? openMode(flags) | O_NOFOLLOW : openMode(flags);
    return new NodeFile(fs.openSync(this.#host(path), f, 0o666));
  }

  /**
   * The open without the lstat before it: open the name (PROBE_OPEN), then
   * fstat the descriptor, which tells what was opened, and with no window
   * (the descriptor is the node, whatever the name names by now). A regular
   * file is kept: O_NONBLOCK does nothing to a regular file's reads and
   * writes on Linux or macOS (open(2)), and the host keeps the guest's
   * fdflags itself. Anything else is closed again and its kind returned, as
   * lstat would have said it: path_open refuses it as before. Opening it
   * first is what node:wasi and wasmtime do too; here a FIFO cannot block
   * the open (a FIFO opened for writing with no reader fails with ENXIO, and
   * is then looked at with lstat). Failures other than ENOENT are left to
   * the lstat and open that follow, so their errnos stay what they were.
   */
  openFile(path: string, flags: VfsOpenFlags): VfsOpened {
    if (PROBE_OPEN === 0) return undefined;
    // Once: the directories on the way are prefixes of a normal path, and so normal themselves.
    checkNormal(path);
    const b = this.#b();
    // Each directory on the way, as the resolver's walk checks it (walksBeneath); "/name" has none.
    for (let cut = path.indexOf('/', 1); cut > 0; cut = path.indexOf('/', cut + 1)) {
      const dir = path.slice(0, cut);
      const st = this.#lstatChecked(dir, this.#mapped(dir));
      if (st === undefined || !st.isDirectory()) return undefined;
    }
    let fd: number;
    try {
      fd = fs.openSync(this.#mapped(path), openMode(flags) | PROBE_OPEN, 0o666);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') return undefined;
      b?.checked(path, 0, 0, false);
      return 'none';
    }
    // Number mode, as kind() asks: only the kind and the identity are wanted here, and a
    // BigIntStats costs its BigInts and their divisions on every open.
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    // What kind() would tell Beneath: a directory held at this path that it no longer names is dropped.
    b?.checked(path, st.dev, st.ino, st.isDirectory());
    // Not kept for the guest's fd_filestat_get that often follows: another
    // process or thread may change the file in between, and the guest's
    // fstat must see it (measured: one fstat of ~1 µs; not worth a stale answer).
    if (st.isFile()) return new NodeFile(fd);
    fs.closeSync(fd);
    return kindOfMode(st.mode);
  }

  readdir(path: string): VfsDirEntry[] {
    checkNormal(path);
    // Beneath, through a descriptor on the directory itself, so a symlink swapped in there is not followed.
    const b = this.#b();
    const host = b === undefined ? this.#host(path) : b.dir(path);
    const list = fs.readdirSync(host, { withFileTypes: true });
    const out: VfsDirEntry[] = [];
    for (const d of list) out.push({ name: d.name, kind: kindOfDirent(d) });
    // The host's order is the directory's hash or creation order; sort for a stable one.
    out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return out;
  }

  mkdir(path: string): void {
    fs.mkdirSync(this.#host(path), 0o777);
  }

  rmdir(path: string): void {
    fs.rmdirSync(this.#host(path));
    this.#beneath?.forget();
  }

  unlink(path: string): void {
    fs.unlinkSync(this.#host(path));
  }

  rename(from: string, to: string): void {
    fs.renameSync(this.#host(from), this.#host(to, false));
    this.#beneath?.forget();
  }

  symlink(target: string, path: string): void {
    // The target is the guest's string, stored as is; it is resolved (and
    // confined) by the resolver when followed, never here.
    fs.symlinkSync(target, this.#host(path));
  }

  readlink(path: string): string {
    return fs.readlinkSync(this.#host(path), 'utf8');
  }

  link(existing: string, path: string): void {
    fs.linkSync(this.#host(existing), this.#host(path, false));
  }

  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const p = this.#host(path);
    if (follow) {
      setTimesWith(() => fs.statSync(p, { bigint: true }), (a, m) => fs.utimesSync(p, a, m), atim, mtim);
    } else {
      setTimesWith(() => fs.lstatSync(p, { bigint: true }), (a, m) => fs.lutimesSync(p, a, m), atim, mtim);
    }
  }
}
