import { Volume, fs as memfsDefault } from 'memfs';
import { codeError } from '../errors.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';
import { kindOfDirent, kindOfMode, S_IFMT, type DirentLike } from './kinds.js';

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
interface MemDirent extends DirentLike {
  name: unknown;
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
  /** The byte quota (MemFSOptions.maxBytes), if one was set on any view of this volume. */
  quota: Quota | undefined;
}

/** What one directory entry costs against a quota besides its name: memfs keeps a link and a node per entry. */
const ENTRY_BYTES = 128;

function noSpace(what: string): Error {
  return codeError('ENOSPC', `ENOSPC: ${what} would exceed the MemFS quota (maxBytes)`);
}

/**
 * A byte quota for one Volume: file data, symlink targets and a fixed cost
 * plus the name for each directory entry. `used` never undercounts what went
 * through a MemFS: growth is charged as it happens, and frees (unlink, rmdir,
 * rename over a name, shrinking, closing an unlinked file) only mark the
 * count stale. A stale count is redone by walking the volume, and only when
 * a charge would not fit otherwise, so a guest at its limit costs a walk per
 * free, not per write. Bytes of files unlinked while still open stay counted
 * until they are closed, as on a POSIX filesystem (once per descriptor: an
 * overcount, never an undercount).
 */
class Quota {
  used = 0;
  stale = true;
  /** Files opened through MemFS, by memfs fd: an unlinked one still holds its bytes. */
  readonly open = new Set<number>();

  constructor(readonly vol: Volume, public max: number) {}

  /** Bytes still free, recounting first if `want` does not fit a stale count. */
  room(want: number): number {
    if (this.used + want > this.max && this.stale) this.recount();
    return Math.max(0, this.max - this.used);
  }

  /** Takes `n` bytes or throws ENOSPC. */
  charge(n: number, what: string): void {
    if (n <= 0) return;
    if (n > this.room(n)) throw noSpace(what);
    this.used += n;
  }

  recount(): void {
    const { vol } = this;
    let used = 0;
    const seen = new Set<number>();
    const dirs = ['/'];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      for (const d of vol.readdirSync(dir, { withFileTypes: true }) as MemDirent[]) {
        const name = String(d.name);
        const path = dir === '/' ? '/' + name : dir + '/' + name;
        used += ENTRY_BYTES + utf8Length(name);
        const st: MemStats = vol.lstatSync(path);
        if (seen.has(st.ino)) continue;
        seen.add(st.ino);
        const kind = st.mode & S_IFMT;
        if (kind === 0o040000) dirs.push(path);
        else if (kind === 0o120000) used += utf8Length(String(vol.readlinkSync(path)));
        else used += st.size;
      }
    }
    for (const fd of this.open) {
      const st: MemStats = vol.fstatSync(fd);
      if (st.nlink === 0) used += st.size;
    }
    this.used = used;
    this.stale = false;
  }
}

const states = new WeakMap<Volume, VolumeState>();
// Arbitrary, only distinct per volume: "mem" in ASCII.
let nextDev = 0x6d656d00n;

function stateOf(vol: Volume): VolumeState {
  let s = states.get(vol);
  if (s === undefined) {
    s = { vol, dev: nextDev++, times: new Map(), quota: undefined };
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
    if (this.#s.quota !== undefined) from = this.#fit(this.#s.quota, from, position);
    const r = this.#recorded();
    if (r === undefined) return this.#s.vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    const t0 = Date.now();
    const n = this.#s.vol.writeSync(this.#fd, from, 0, from.byteLength, position);
    // memfs leaves the times alone for an empty write, as POSIX allows.
    if (n > 0) this.#modified(r, t0);
    return n;
  }

  truncate(size: number): void {
    const q = this.#s.quota;
    if (q !== undefined) {
      const current: number = this.#s.vol.fstatSync(this.#fd).size;
      if (size > current) q.charge(size - current, 'growing a file');
      else if (size < current) q.stale = true;
    }
    const r = this.#recorded();
    const t0 = Date.now();
    this.#s.vol.ftruncateSync(this.#fd, size);
    if (r !== undefined) this.#modified(r, t0);
  }

  /**
   * The part of a write that fits the quota, charged: a write that would grow
   * the file past it is cut short (write(2) then returns a short count), and
   * one that cannot store a single byte is ENOSPC.
   */
  #fit(q: Quota, from: Uint8Array, position: number): Uint8Array {
    // An empty write stores nothing, even past the end (memfs does not extend the file for it).
    if (from.byteLength === 0) return from;
    const size: number = this.#s.vol.fstatSync(this.#fd).size;
    const end = position + from.byteLength;
    if (end <= size) return from;
    const room = q.room(end - size);
    if (end - size <= room) {
      q.used += end - size;
      return from;
    }
    const keep = size + room - position;
    if (keep <= 0) throw noSpace('a write');
    q.used += room;
    return from.subarray(0, keep);
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
    const q = this.#s.quota;
    // Closing the last descriptor of an unlinked file frees its bytes.
    if (q !== undefined && q.open.delete(this.#fd) && this.#s.vol.fstatSync(this.#fd).nlink === 0) q.stale = true;
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

  /** The Volume path for a backend path. */
  #p(path: string): string {
    return this.#prefix === '' ? path : path === '/' ? this.#prefix : this.#prefix + path;
  }

  /** Bytes the Volume holds as the quota counts them (file data, symlink targets, entries), or undefined without maxBytes. */
  get usedBytes(): number | undefined {
    const q = this.#s.quota;
    if (q === undefined) return undefined;
    if (q.stale) q.recount();
    return q.used;
  }

  /** Charges a new entry at `path` (plus `extra` bytes), runs `make`, and refunds if it fails. */
  #newEntry(path: string, extra: number, make: () => void): void {
    const q = this.#s.quota;
    if (q === undefined) return make();
    const cost = ENTRY_BYTES + utf8Length(baseName(path)) + extra;
    q.charge(cost, 'a new directory entry');
    try {
      make();
    } catch (err) {
      q.used -= cost;
      throw err;
    }
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
    if (q !== undefined && flags.truncate) q.stale = true;
    let st: MemStats;
    try {
      st = s.vol.fstatSync(fd);
    } catch (err) {
      s.vol.closeSync(fd);
      throw err;
    }
    q?.open.add(fd);
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
    if (this.#s.quota !== undefined) this.#s.quota.stale = true;
  }

  unlink(path: string): void {
    this.#s.vol.unlinkSync(this.#p(path));
    if (this.#s.quota !== undefined) this.#s.quota.stale = true;
  }

  rename(fromPath: string, toPath: string): void {
    const { vol, quota } = this.#s;
    const from = this.#p(fromPath);
    const to = this.#p(toPath);
    if (quota !== undefined) {
      // The entry keeps its cost under a new name; a longer name costs its extra bytes.
      quota.charge(utf8Length(baseName(to)) - utf8Length(baseName(from)), 'a longer name');
      quota.stale = true;
    }
    // memfs 4.80's rename follows a final symlink in `from` and moves its target. A symlink
    // is moved as a hard link instead (memfs links the symlink itself), which keeps its ino.
    if ((vol.lstatSync(from).mode & S_IFMT) === 0o120000) {
      let dst: MemStats | undefined;
      try {
        dst = vol.lstatSync(to);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
      if (dst !== undefined && (dst.mode & S_IFMT) === 0o040000) throw codeError('EISDIR', `EISDIR: rename onto a directory '${to}'`);
      if (dst !== undefined) vol.unlinkSync(to);
      vol.linkSync(from, to);
      vol.unlinkSync(from);
      return;
    }
    vol.renameSync(from, to);
  }

  symlink(target: string, path: string): void {
    this.#newEntry(path, utf8Length(target), () => this.#s.vol.symlinkSync(target, this.#p(path)));
  }

  readlink(path: string): string {
    return String(this.#s.vol.readlinkSync(this.#p(path)));
  }

  link(existing: string, path: string): void {
    this.#newEntry(path, 0, () => this.#s.vol.linkSync(this.#p(existing), this.#p(path)));
  }

  setTimes(backendPath: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    const { vol } = this.#s;
    const path = this.#p(backendPath);
    if (follow) {
      setTimesWith(this.#s, () => vol.statSync(path), (a, m) => vol.utimesSync(path, a, m), atim, mtim);
    } else {
      setTimesWith(this.#s, () => vol.lstatSync(path), (a, m) => vol.lutimesSync(path, a, m), atim, mtim);
    }
  }
}
