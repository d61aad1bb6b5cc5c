import { Volume, fs as memfsDefault } from 'memfs';
import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';

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
 */

// memfs's own flag numbers (Linux's, whatever the platform it runs on).
const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_NOFOLLOW } = memfsDefault.constants;

const S_IFMT = 0o170000;

/** The fields of memfs's `Stats<number>` this file reads. */
interface MemStats {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
}

/** The fields of memfs's `Dirent` this file reads (its own type keeps `mode` private). */
interface MemDirent {
  name: unknown;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

function kindOfMode(mode: number): VfsKind {
  switch (mode & S_IFMT) {
    case 0o100000: return 'file';
    case 0o040000: return 'directory';
    case 0o120000: return 'symlink';
    case 0o020000: return 'char';
    case 0o060000: return 'block';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    default: return 'unknown';
  }
}

function kindOfDirent(d: MemDirent): VfsKind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'directory';
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isCharacterDevice()) return 'char';
  if (d.isBlockDevice()) return 'block';
  if (d.isFIFO()) return 'fifo';
  if (d.isSocket()) return 'socket';
  return 'unknown';
}

/** UTF-8 length of a string, without encoding it: a symlink's size is its target's byte count. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 4; i++; } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Floor of ns / 1e6, as a Date-compatible number: BigInt division truncates toward zero. */
function nsToMs(ns: bigint): number {
  const q = ns / 1_000_000n;
  return Number(ns < 0n && q * 1_000_000n !== ns ? q - 1n : q);
}

// memfs stamps times with `new Date()`, so two stamps in one millisecond look
// equal. We hand out nanosecond digits from a process-wide counter inside each
// millisecond, so that whatever this process records later reads later.
let clockMs = -Infinity;
let clockSub = 0;
function subFor(ms: number): number {
  if (ms > clockMs) {
    clockMs = ms;
    clockSub = 0;
  } else if (ms === clockMs && clockSub < 999_999) {
    clockSub++;
  } else if (ms < clockMs) {
    // memfs read its clock before a stamp we have handed out since: the last
    // digits keep this one as late in its millisecond as it can be.
    return 999_999;
  }
  return clockSub;
}

/** One time field: the ns we report while memfs still holds `ms` for it. */
class NsTime {
  ms = NaN;
  sub = 0;
  /** An exact requested value (setTimes); null means `ms` and `sub` make the value. */
  exact: bigint | null = null;

  /** A requested value, with the ms memfs holds after storing it. */
  setExact(ns: bigint, heldMs: number): void {
    this.ms = heldMs;
    this.exact = ns;
  }

  /** "Now", as memfs stamped it: kept as numbers so a write allocates no BigInt. */
  setStamp(heldMs: number, sub: number): void {
    this.ms = heldMs;
    this.sub = sub;
    this.exact = null;
  }

  value(): bigint {
    return this.exact ?? BigInt(this.ms) * 1_000_000n + BigInt(this.sub);
  }
}

/**
 * What memfs cannot hold: nanosecond times. Keyed by ino; memfs reuses a
 * freed ino at once, so each entry also keeps the node's birth time, which a
 * recycled ino almost never shares, and every field is only believed while
 * memfs's own millisecond value for it is the one we saw.
 */
class Recorded {
  readonly a = new NsTime();
  readonly m = new NsTime();
  readonly c = new NsTime();
  constructor(public bMs: number) {}
}

/** State shared by every MemFS on one Volume, so two views of one volume agree. */
interface VolumeState {
  readonly vol: Volume;
  readonly dev: bigint;
  readonly times: Map<number, Recorded>;
}

const states = new WeakMap<Volume, VolumeState>();
// Arbitrary, only distinct per volume: "mem" in ASCII.
let nextDev = 0x6d656d00n;

function stateOf(vol: Volume): VolumeState {
  let s = states.get(vol);
  if (s === undefined) {
    s = { vol, dev: nextDev++, times: new Map() };
    states.set(vol, s);
  }
  return s;
}

/**
 * A live entry for this node, or undefined. Drops an entry whose ino was
 * recycled or whose every field memfs has since moved on from, so that the
 * node's writes go back to the fast path.
 */
function recordedFor(s: VolumeState, st: MemStats): Recorded | undefined {
  if (s.times.size === 0) return undefined;
  const r = s.times.get(st.ino);
  if (r === undefined) return undefined;
  if (r.bMs !== st.birthtimeMs || (r.a.ms !== st.atimeMs && r.m.ms !== st.mtimeMs && r.c.ms !== st.ctimeMs)) {
    s.times.delete(st.ino);
    return undefined;
  }
  return r;
}

function recordFor(s: VolumeState, st: MemStats): Recorded {
  let r = recordedFor(s, st);
  if (r === undefined) {
    r = new Recorded(st.birthtimeMs);
    s.times.set(st.ino, r);
  }
  return r;
}

function timeOf(field: NsTime | undefined, heldMs: number): bigint {
  return field !== undefined && field.ms === heldMs ? field.value() : BigInt(heldMs) * 1_000_000n;
}

function toVfsStat(s: VolumeState, st: MemStats, size: number): VfsStat {
  const r = recordedFor(s, st);
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

/** The ns to store for one field of a setTimes call. */
function wanted(t: VfsTime, current: bigint, now: bigint): bigint {
  return t === undefined ? current : t === 'now' ? now : t;
}

function nowNs(): bigint {
  const ms = Date.now();
  return BigInt(ms) * 1_000_000n + BigInt(subFor(ms));
}

/**
 * Sets times through `apply` (utimes, lutimes or futimes) and records the ns
 * values memfs rounds to milliseconds. `statNow` stats the same node.
 */
function setTimesWith(
  s: VolumeState,
  statNow: () => MemStats,
  apply: (a: Date, m: Date) => void,
  atim: VfsTime,
  mtim: VfsTime,
): void {
  const before = statNow();
  const r0 = recordedFor(s, before);
  const now = atim === 'now' || mtim === 'now' ? nowNs() : 0n;
  const a = wanted(atim, timeOf(r0?.a, before.atimeMs), now);
  const m = wanted(mtim, timeOf(r0?.m, before.mtimeMs), now);
  apply(new Date(nsToMs(a)), new Date(nsToMs(m)));
  const after = statNow();
  const r = recordFor(s, after);
  r.a.setExact(a, after.atimeMs);
  r.m.setExact(m, after.mtimeMs);
  // memfs moved ctime to its own "now" when it stored mtime.
  r.c.setStamp(after.ctimeMs, subFor(after.ctimeMs));
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
    const r = this.#recorded();
    if (r === undefined) return this.#s.vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    const t0 = Date.now();
    const n = this.#s.vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    // memfs leaves the times alone for an empty write, as POSIX allows.
    if (n > 0) this.#modified(r, t0);
    return n;
  }

  truncate(size: number): void {
    const r = this.#recorded();
    const t0 = Date.now();
    this.#s.vol.ftruncateSync(this.#fd, size);
    if (r !== undefined) this.#modified(r, t0);
  }

  /**
   * This node's entry in the side table, if it has one. Without one, memfs's
   * own millisecond stamps are all there is to read and are right (two writes
   * in one millisecond share an mtime, as on a host filesystem's coarse
   * clock), so the common write costs no clock reads at all.
   */
  #recorded(): Recorded | undefined {
    const { times } = this.#s;
    if (times.size === 0) return undefined;
    const r = times.get(this.#ino);
    return r !== undefined && r.bMs === this.#bMs ? r : undefined;
  }

  /**
   * With an entry, memfs's new ms stamp may equal the recorded one (a
   * setTimes in the same millisecond), and the entry would hide the write:
   * record mtime = ctime = now at ns precision. If the clock did not tick
   * across the call, memfs's stamp is `t0`; otherwise ask memfs (rare).
   */
  #modified(r: Recorded, t0: number): void {
    let mMs = Date.now();
    let cMs = mMs;
    if (mMs !== t0) {
      const st = this.#s.vol.fstatSync(this.#fd);
      mMs = st.mtimeMs;
      cMs = st.ctimeMs;
    }
    const sub = subFor(mMs);
    r.m.setStamp(mMs, sub);
    r.c.setStamp(cMs, cMs === mMs ? sub : subFor(cMs));
  }

  stat(): VfsStat {
    const st: MemStats = this.#s.vol.fstatSync(this.#fd);
    return toVfsStat(this.#s, st, st.size);
  }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    const { vol } = this.#s;
    const fd = this.#fd;
    setTimesWith(this.#s, () => vol.fstatSync(fd), (a, m) => vol.futimesSync(fd, a, m), atim, mtim);
  }

  // Memory has nothing to flush.
  sync(): void {}
  datasync(): void {}

  close(): void {
    this.#s.vol.closeSync(this.#fd);
  }
}

export type MemFSSeed = Record<string, string | Uint8Array | null>;

function isVolume(x: Volume | MemFSSeed): x is Volume {
  // Duck-typed so a Volume from another copy of memfs is still taken as one;
  // a seed's values are never functions.
  return typeof (x as { openSync?: unknown }).openSync === 'function';
}

/** Seed and helper paths are relative to the backend root; a leading "/" is allowed. */
function rooted(p: string): string {
  return p.startsWith('/') ? p : '/' + p;
}

export class MemFS implements Vfs {
  readonly name = 'memfs';
  readonly #s: VolumeState;

  /**
   * @param seed a Volume to use as is (an embedder may share it), or files to
   *   create: `{'src/main.c': '...', 'empty-dir/': null}`; a key ending in "/"
   *   or a null value is a directory; parent directories are created.
   */
  constructor(seed?: Volume | MemFSSeed) {
    if (seed !== undefined && isVolume(seed)) {
      this.#s = stateOf(seed);
      return;
    }
    const vol = new Volume();
    this.#s = stateOf(vol);
    if (seed === undefined) return;
    for (const key of Object.keys(seed)) {
      const value = seed[key];
      let path = rooted(key);
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

  get volume(): Volume {
    return this.#s.vol;
  }

  /** A copy of a file's bytes, for reading results back after a run. */
  readFile(path: string): Uint8Array {
    const data = this.#s.vol.readFileSync(rooted(path));
    // A plain copy: memfs may hand back a Buffer on its shared pool.
    return typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
  }

  readText(path: string): string {
    return String(this.#s.vol.readFileSync(rooted(path), 'utf8'));
  }

  /**
   * Every file as UTF-8 text and every empty directory as null, keyed like a
   * seed (no leading "/"). Symlinks are left out, as memfs's toJSON does.
   */
  toJSON(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    const json = this.#s.vol.toJSON();
    for (const key of Object.keys(json)) {
      const value = json[key];
      out[key.startsWith('/') ? key.slice(1) : key] = value === undefined ? null : value;
    }
    return out;
  }

  lstat(path: string): VfsStat {
    const { vol } = this.#s;
    const st: MemStats = vol.lstatSync(path);
    // memfs reports 0 for a symlink; POSIX and Node report the target's length.
    const size = (st.mode & S_IFMT) === 0o120000 ? utf8Length(String(vol.readlinkSync(path))) : st.size;
    return toVfsStat(this.#s, st, size);
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
    const fd = s.vol.openSync(path, f, 0o666);
    let st: MemStats;
    try {
      st = s.vol.fstatSync(fd);
    } catch (err) {
      s.vol.closeSync(fd);
      throw err;
    }
    const r = flags.truncate ? recordedFor(s, st) : undefined;
    if (r !== undefined) {
      // O_TRUNC stamped mtime and ctime; record them so that a setTimes in
      // the same millisecond does not hide the truncation.
      const sub = subFor(st.mtimeMs);
      r.m.setStamp(st.mtimeMs, sub);
      r.c.setStamp(st.ctimeMs, st.ctimeMs === st.mtimeMs ? sub : subFor(st.ctimeMs));
    }
    return new MemFile(s, fd, st);
  }

  readdir(path: string): VfsDirEntry[] {
    const list = this.#s.vol.readdirSync(path, { withFileTypes: true }) as MemDirent[];
    const out: VfsDirEntry[] = [];
    for (const d of list) out.push({ name: String(d.name), kind: kindOfDirent(d) });
    // memfs sorts today; sorting again keeps the order ours if it stops.
    out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    return out;
  }

  mkdir(path: string): void {
    this.#s.vol.mkdirSync(path, 0o777);
  }

  rmdir(path: string): void {
    this.#s.vol.rmdirSync(path);
  }

  unlink(path: string): void {
    this.#s.vol.unlinkSync(path);
  }

  rename(from: string, to: string): void {
    this.#s.vol.renameSync(from, to);
  }

  symlink(target: string, path: string): void {
    this.#s.vol.symlinkSync(target, path);
  }

  readlink(path: string): string {
    return String(this.#s.vol.readlinkSync(path));
  }

  link(existing: string, path: string): void {
    this.#s.vol.linkSync(existing, path);
  }

  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const { vol } = this.#s;
    if (follow) {
      setTimesWith(this.#s, () => vol.statSync(path), (a, m) => vol.utimesSync(path, a, m), atim, mtim);
    } else {
      setTimesWith(this.#s, () => vol.lstatSync(path), (a, m) => vol.lutimesSync(path, a, m), atim, mtim);
    }
  }
}
