import type { AsyncVfs, AsyncVfsFile } from './async.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsKind, VfsOpenFlags, VfsStat, VfsTime } from './types.js';

/**
 * The blocking bridge (docs/async-seam.md, decision A): a sync Vfs for a
 * thread that may block (a Worker, any Node thread) whose every call is
 * served by an AsyncVfs on another thread. One SharedArrayBuffer carries one
 * call at a time, like the thread channel of src/threads/channel.ts: the
 * client writes the request, publishes REQUEST and waits in Atomics.wait;
 * the server, waiting in Atomics.waitAsync (its event loop stays free),
 * awaits the AsyncVfs and publishes DONE. Paths and file data travel as raw
 * bytes in the buffer, never as JSON; a read or write larger than the buffer
 * goes in pieces.
 *
 *   bytes 0..63     i32 cells: STATE, OP, HANDLE, A, B, C, STATUS, RESULT; f64 POSITION at byte 32; LOCK at byte 40
 *   bytes 64..127   eight i64: a stat's fields, or the two times of a setTimes
 *   bytes 128..     data: a request's paths (B bytes, then C bytes), file bytes, a reply's bytes
 */

const STATE = 0;
const OP = 1;
const HANDLE = 2;
const A = 3;
const B = 4;
const C = 5;
const STATUS = 6;
const RESULT = 7;
const POSITION_AT = 32;
/** 0 free, 1 held by a client for one call and its pieces, 2 held with others waiting (a futex mutex: no notify when none wait). */
const LOCK = 10;
const WORDS_AT = 64;
const DATA_AT = 128;

const IDLE = 0;
const REQUEST = 1;
const DONE = 2;
/** The server stopped: every call fails with EIO. */
const CLOSED = 3;

const OK = 0;
/** The backend refused with a POSIX code (the data holds the code). */
const POSIX = 1;
/** The backend threw without a code: a bug; the data holds its message. */
const BUG = 2;

const enum Op {
  LSTAT, KIND, OPEN, READDIR, LISTING_MORE, MKDIR, RMDIR, UNLINK, RENAME, SYMLINK, READLINK, LINK, SET_TIMES,
  F_READ, F_WRITE, F_STAT, F_TRUNCATE, F_SET_TIMES, F_SYNC, F_DATASYNC, F_CLOSE,
}

const KINDS: readonly VfsKind[] = ['file', 'directory', 'symlink', 'char', 'block', 'socket', 'fifo', 'unknown'];

/** Default data area: 1 MiB, so a typical read or write is one round trip. */
export const BRIDGE_DATA_BYTES = 1 << 20;

/** A buffer for one bridge: hand it to serveVfsBridge on the serving thread and to VfsBridgeClient on the blocking one. */
export function createVfsBridge(dataBytes = BRIDGE_DATA_BYTES): SharedArrayBuffer {
  if (!Number.isInteger(dataBytes) || dataBytes < 4096) throw new RangeError(`createVfsBridge: dataBytes must be an integer of at least 4096, got ${dataBytes}`);
  return new SharedArrayBuffer(DATA_AT + dataBytes);
}

/** Whether `v` is a buffer made by createVfsBridge (it arrives in a Worker as plain data). */
export function isVfsBridge(v: unknown): v is SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' && v instanceof SharedArrayBuffer && v.byteLength >= DATA_AT + 4096;
}

interface Views {
  ctl: Int32Array;
  f64: Float64Array;
  words: BigInt64Array;
  data: Uint8Array;
}

function views(sab: SharedArrayBuffer): Views {
  return { ctl: new Int32Array(sab, 0, 16), f64: new Float64Array(sab, 0, 8), words: new BigInt64Array(sab, WORDS_AT, 8), data: new Uint8Array(sab, DATA_AT) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function flagBits(f: VfsOpenFlags): number {
  return (f.read ? 1 : 0) | (f.write ? 2 : 0) | (f.create ? 4 : 0) | (f.exclusive ? 8 : 0) | (f.truncate ? 16 : 0) | (f.noFollow ? 32 : 0);
}

function flagsOf(bits: number): VfsOpenFlags {
  return { read: (bits & 1) !== 0, write: (bits & 2) !== 0, create: (bits & 4) !== 0, exclusive: (bits & 8) !== 0, truncate: (bits & 16) !== 0, noFollow: (bits & 32) !== 0 };
}

/** A time as (tag, value): 0 leave, 1 now, 2 the value. */
function timeTag(t: VfsTime): number {
  return t === undefined ? 0 : t === 'now' ? 1 : 2;
}

function timeOf(tag: number, value: bigint): VfsTime {
  return tag === 0 ? undefined : tag === 1 ? 'now' : value;
}

function codeError(code: string, message: string): Error & { code: string } {
  const e = new Error(message) as Error & { code: string };
  e.code = code;
  return e;
}

/**
 * The blocking side: a Vfs whose calls wait in Atomics.wait for the server.
 * Use it only on a thread that may block (a Worker; any Node thread).
 */
export class VfsBridgeClient implements Vfs {
  readonly name: string;
  readonly #v: Views;
  readonly #cap: number;
  /** How deep this client is in calls holding LOCK (a call may make calls: a file's pieces). */
  #held = 0;

  constructor(sab: SharedArrayBuffer, name = 'bridge') {
    if (!isVfsBridge(sab)) throw new TypeError('VfsBridgeClient: pass the SharedArrayBuffer made by createVfsBridge()');
    this.#v = views(sab);
    this.#cap = this.#v.data.byteLength;
    this.name = name;
  }

  /** Writes the paths into the data area: ENAMETOOLONG past its size, as a store with a path limit says. */
  #paths(a: string, b = ''): void {
    const { ctl, data } = this.#v;
    const ea = encoder.encode(a);
    const eb = encoder.encode(b);
    if (ea.length + eb.length > this.#cap) throw codeError('ENAMETOOLONG', `path longer than the bridge's ${this.#cap} bytes`);
    data.set(ea, 0);
    data.set(eb, ea.length);
    ctl[B] = ea.length;
    ctl[C] = eb.length;
  }

  /**
   * Runs `body` holding the buffer's LOCK: another thread's client waits
   * (Atomics.wait) until this call and its pieces are done, so requests and
   * answers in the shared cells and data never mix.
   */
  /** @internal */
  exclusive<T>(body: () => T): T {
    const { ctl } = this.#v;
    if (this.#held === 0) {
      let c = Atomics.compareExchange(ctl, LOCK, 0, 1);
      while (c !== 0) {
        if (c === 2 || Atomics.compareExchange(ctl, LOCK, 1, 2) !== 0) Atomics.wait(ctl, LOCK, 2);
        c = Atomics.compareExchange(ctl, LOCK, 0, 2);
      }
    }
    this.#held++;
    try {
      return body();
    } finally {
      if (--this.#held === 0 && Atomics.sub(ctl, LOCK, 1) !== 1) {
        Atomics.store(ctl, LOCK, 0);
        Atomics.notify(ctl, LOCK, 1);
      }
    }
  }

  /** Sends the request set up in the cells and waits for the answer; throws the backend's error. */
  #call(op: Op): number {
    const { ctl, data } = this.#v;
    ctl[OP] = op;
    if (Atomics.compareExchange(ctl, STATE, IDLE, REQUEST) !== IDLE) throw codeError('EIO', 'the bridge is closed: its server stopped');
    Atomics.notify(ctl, STATE);
    while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
    if (Atomics.load(ctl, STATE) === CLOSED) throw codeError('EIO', 'the bridge is closed: its server stopped');
    const status = ctl[STATUS];
    const result = ctl[RESULT];
    if (status === OK) {
      Atomics.store(ctl, STATE, IDLE);
      return result;
    }
    const text = decoder.decode(data.slice(0, result));
    Atomics.store(ctl, STATE, IDLE);
    if (status === POSIX) throw codeError(text, `${text} (from the bridged backend)`);
    throw new Error(`the bridged backend failed: ${text}`);
  }

  #stat(): VfsStat {
    const w = this.#v.words;
    return { dev: w[0], ino: w[1], kind: KINDS[Number(w[2])] ?? 'unknown', nlink: w[3], size: w[4], atimNs: w[5], mtimNs: w[6], ctimNs: w[7] };
  }

  #times(atim: VfsTime, mtim: VfsTime): void {
    const w = this.#v.words;
    w[0] = typeof atim === 'bigint' ? atim : 0n;
    w[1] = typeof mtim === 'bigint' ? mtim : 0n;
    this.#v.ctl[A] = timeTag(atim) | (timeTag(mtim) << 2);
  }

  lstat(path: string): VfsStat {
    return this.exclusive(() => {
      this.#paths(path);
      this.#call(Op.LSTAT);
      return this.#stat();
    });
  }

  kind(path: string): VfsKind | undefined {
    return this.exclusive(() => {
      this.#paths(path);
      const k = this.#call(Op.KIND);
      return k < 0 ? undefined : KINDS[k];
    });
  }

  open(path: string, flags: VfsOpenFlags): VfsFile {
    return this.exclusive(() => {
      this.#paths(path);
      this.#v.ctl[A] = flagBits(flags);
      return new BridgedFile(this, this.#call(Op.OPEN));
    });
  }

  readdir(path: string): VfsDirEntry[] {
    return this.exclusive(() => this.#readdir(path));
  }

  #readdir(path: string): VfsDirEntry[] {
    this.#paths(path);
    const { ctl, data } = this.#v;
    const total = this.#call(Op.READDIR);
    // A listing bigger than the data area comes in pieces the server kept.
    const bytes = new Uint8Array(total);
    let got = Math.min(total, this.#cap);
    bytes.set(data.subarray(0, got));
    while (got < total) {
      ctl[A] = got;
      const n = this.#call(Op.LISTING_MORE);
      bytes.set(data.subarray(0, n), got);
      got += n;
    }
    return decodeListing(bytes);
  }

  mkdir(path: string): void { this.exclusive(() => { this.#paths(path); this.#call(Op.MKDIR); }); }
  rmdir(path: string): void { this.exclusive(() => { this.#paths(path); this.#call(Op.RMDIR); }); }
  unlink(path: string): void { this.exclusive(() => { this.#paths(path); this.#call(Op.UNLINK); }); }
  rename(from: string, to: string): void { this.exclusive(() => { this.#paths(from, to); this.#call(Op.RENAME); }); }
  symlink(target: string, path: string): void { this.exclusive(() => { this.#paths(target, path); this.#call(Op.SYMLINK); }); }
  link(existing: string, path: string): void { this.exclusive(() => { this.#paths(existing, path); this.#call(Op.LINK); }); }

  readlink(path: string): string {
    return this.exclusive(() => {
      this.#paths(path);
      const n = this.#call(Op.READLINK);
      return decoder.decode(this.#v.data.slice(0, n));
    });
  }

  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    this.exclusive(() => {
      this.#paths(path);
      this.#times(atim, mtim);
      this.#v.ctl[HANDLE] = follow ? 1 : 0;
      this.#call(Op.SET_TIMES);
    });
  }

  /** @internal BridgedFile's way in. */
  fileCall(op: Op, handle: number, a = 0, position = 0): number {
    return this.exclusive(() => {
      this.#v.ctl[HANDLE] = handle;
      this.#v.ctl[A] = a;
      this.#v.f64[POSITION_AT / 8] = position;
      return this.#call(op);
    });
  }

  /** @internal */ get cap(): number { return this.#cap; }
  /** @internal */ get data(): Uint8Array { return this.#v.data; }
  /** @internal */ fileStat(): VfsStat { return this.#stat(); }
  /** @internal */ fileTimes(atim: VfsTime, mtim: VfsTime): void { this.#times(atim, mtim); }
}

class BridgedFile implements VfsFile {
  constructor(private readonly c: VfsBridgeClient, private readonly handle: number) {}

  read(into: Uint8Array, position: number): number {
    return this.c.exclusive(() => this.#read(into, position));
  }

  #read(into: Uint8Array, position: number): number {
    let total = 0;
    while (total < into.length) {
      const want = Math.min(into.length - total, this.c.cap);
      const n = this.c.fileCall(Op.F_READ, this.handle, want, position + total);
      into.set(this.c.data.subarray(0, n), total);
      total += n;
      if (n < want) break;
    }
    return total;
  }

  write(from: Uint8Array, position: number): number {
    return this.c.exclusive(() => this.#write(from, position));
  }

  #write(from: Uint8Array, position: number): number {
    let total = 0;
    while (total < from.length) {
      const piece = Math.min(from.length - total, this.c.cap);
      this.c.data.set(from.subarray(total, total + piece), 0);
      const n = this.c.fileCall(Op.F_WRITE, this.handle, piece, position + total);
      total += n;
      if (n < piece) break;
    }
    return total;
  }

  stat(): VfsStat {
    return this.c.exclusive(() => {
      this.c.fileCall(Op.F_STAT, this.handle);
      return this.c.fileStat();
    });
  }

  truncate(size: number): void { this.c.fileCall(Op.F_TRUNCATE, this.handle, 0, size); }

  setTimes(atim: VfsTime, mtim: VfsTime): void {
    this.c.exclusive(() => {
      this.c.fileTimes(atim, mtim);
      this.c.fileCall(Op.F_SET_TIMES, this.handle, timeTag(atim) | (timeTag(mtim) << 2));
    });
  }

  sync(): void { this.c.fileCall(Op.F_SYNC, this.handle); }
  datasync(): void { this.c.fileCall(Op.F_DATASYNC, this.handle); }
  close(): void { this.c.fileCall(Op.F_CLOSE, this.handle); }
}

/** A listing as bytes: per entry its kind (u8), whether an inode follows (u8), the inode (i64), the name's length (u32), the name. */
function encodeListing(entries: readonly VfsDirEntry[]): Uint8Array {
  const names = entries.map((e) => encoder.encode(e.name));
  const out = new Uint8Array(names.reduce((n, b) => n + 14 + b.length, 0));
  const dv = new DataView(out.buffer);
  let at = 0;
  entries.forEach((e, i) => {
    out[at] = KINDS.indexOf(e.kind) < 0 ? KINDS.length - 1 : KINDS.indexOf(e.kind);
    out[at + 1] = e.ino === undefined ? 0 : 1;
    dv.setBigInt64(at + 2, e.ino ?? 0n, true);
    dv.setUint32(at + 10, names[i].length, true);
    out.set(names[i], at + 14);
    at += 14 + names[i].length;
  });
  return out;
}

function decodeListing(bytes: Uint8Array): VfsDirEntry[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: VfsDirEntry[] = [];
  for (let at = 0; at < bytes.length;) {
    const len = dv.getUint32(at + 10, true);
    const entry: VfsDirEntry = { name: decoder.decode(bytes.subarray(at + 14, at + 14 + len)), kind: KINDS[bytes[at]] };
    if (bytes[at + 1] === 1) entry.ino = dv.getBigInt64(at + 2, true);
    out.push(entry);
    at += 14 + len;
  }
  return out;
}

/** ES2024's Atomics.waitAsync, absent from the ES2022 lib this project compiles against. */
interface AtomicsWaitAsync {
  waitAsync?(cells: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** A bridge's server: `stop()` ends it (a pending and every later client call fails with EIO); `done` settles when it has stopped. */
export interface VfsBridgeServer {
  stop(): void;
  readonly done: Promise<void>;
}

/**
 * Serves the backend vfs to the client of `sab` until stop(): run it on a thread that
 * must not block (a page's main thread, Node's main thread) or in a
 * dedicated Worker (where OPFS has sync access handles). Calls are served
 * one at a time, in order.
 */
export function serveVfsBridge(vfs: AsyncVfs, sab: SharedArrayBuffer): VfsBridgeServer {
  if (!isVfsBridge(sab)) throw new TypeError('serveVfsBridge: pass the SharedArrayBuffer made by createVfsBridge()');
  const waitAsync = (Atomics as unknown as AtomicsWaitAsync).waitAsync;
  if (typeof waitAsync !== 'function') throw new TypeError('serveVfsBridge needs Atomics.waitAsync (Node 16+, Chromium 87+, Firefox 145+)');
  const v = views(sab);
  const files = new Map<number, AsyncVfsFile>();
  let nextHandle = 1;
  let listing: Uint8Array = new Uint8Array(0);
  // File bytes leave the shared buffer through a private copy: some stores refuse views of shared memory.
  let scratch: Uint8Array = new Uint8Array(0);
  let stopped = false;

  const path = (which: 0 | 1): string => {
    const b = v.ctl[B];
    return which === 0 ? decoder.decode(v.data.slice(0, b)) : decoder.decode(v.data.slice(b, b + v.ctl[C]));
  };
  const file = (): AsyncVfsFile => {
    const f = files.get(v.ctl[HANDLE]);
    if (f === undefined) throw codeError('EBADF', 'no such bridged file');
    return f;
  };
  const putStat = (s: VfsStat): number => {
    const w = v.words;
    w[0] = s.dev; w[1] = s.ino; w[2] = BigInt(Math.max(0, KINDS.indexOf(s.kind))); w[3] = s.nlink;
    w[4] = s.size; w[5] = s.atimNs; w[6] = s.mtimNs; w[7] = s.ctimNs;
    return 0;
  };
  const putBytes = (bytes: Uint8Array, offset: number): number => {
    const n = Math.min(bytes.length - offset, v.data.length);
    v.data.set(bytes.subarray(offset, offset + n), 0);
    return n;
  };
  const times = (): [VfsTime, VfsTime] => {
    const tags = v.ctl[A];
    return [timeOf(tags & 3, v.words[0]), timeOf((tags >> 2) & 3, v.words[1])];
  };

  const serve = async (op: Op): Promise<number> => {
    switch (op) {
      case Op.LSTAT: return putStat(await vfs.lstat(path(0)));
      case Op.KIND: {
        const k = await vfs.kind(path(0));
        return k === undefined ? -1 : KINDS.indexOf(k);
      }
      case Op.OPEN: {
        const f = await vfs.open(path(0), flagsOf(v.ctl[A]));
        const h = nextHandle++;
        files.set(h, f);
        return h;
      }
      case Op.READDIR:
        listing = encodeListing(await vfs.readdir(path(0)));
        putBytes(listing, 0);
        return listing.length;
      case Op.LISTING_MORE: return putBytes(listing, v.ctl[A]);
      case Op.MKDIR: await vfs.mkdir(path(0)); return 0;
      case Op.RMDIR: await vfs.rmdir(path(0)); return 0;
      case Op.UNLINK: await vfs.unlink(path(0)); return 0;
      case Op.RENAME: await vfs.rename(path(0), path(1)); return 0;
      case Op.SYMLINK: await vfs.symlink(path(0), path(1)); return 0;
      case Op.LINK: await vfs.link(path(0), path(1)); return 0;
      case Op.READLINK: {
        const bytes = encoder.encode(await vfs.readlink(path(0)));
        if (bytes.length > v.data.length) throw codeError('ENAMETOOLONG', 'link target longer than the bridge');
        return putBytes(bytes, 0);
      }
      case Op.SET_TIMES: {
        const [a, m] = times();
        await vfs.setTimes(path(0), a, m, v.ctl[HANDLE] === 1);
        return 0;
      }
      case Op.F_READ: {
        const bytes = await file().read(Math.min(v.ctl[A] >>> 0, v.data.length), v.f64[POSITION_AT / 8]);
        return putBytes(bytes, 0);
      }
      case Op.F_WRITE: {
        const n = Math.min(v.ctl[A] >>> 0, v.data.length);
        if (scratch.length < n) scratch = new Uint8Array(Math.max(n, 65536));
        scratch.set(v.data.subarray(0, n));
        return await file().write(scratch.subarray(0, n), v.f64[POSITION_AT / 8]);
      }
      case Op.F_STAT: return putStat(await file().stat());
      case Op.F_TRUNCATE: await file().truncate(v.f64[POSITION_AT / 8]); return 0;
      case Op.F_SET_TIMES: {
        const [a, m] = times();
        await file().setTimes(a, m);
        return 0;
      }
      case Op.F_SYNC: await file().sync(); return 0;
      case Op.F_DATASYNC: await file().datasync(); return 0;
      case Op.F_CLOSE: {
        const f = file();
        files.delete(v.ctl[HANDLE]);
        await f.close();
        return 0;
      }
      default: throw new Error(`unknown bridge operation ${op as number}`);
    }
  };

  const reply = (status: number, result: number): void => {
    v.ctl[STATUS] = status;
    v.ctl[RESULT] = result;
    if (Atomics.compareExchange(v.ctl, STATE, REQUEST, DONE) === REQUEST) Atomics.notify(v.ctl, STATE);
  };

  const loop = async (): Promise<void> => {
    for (;;) {
      let state: number;
      while ((state = Atomics.load(v.ctl, STATE)) !== REQUEST) {
        if (stopped || state === CLOSED) return;
        const w = waitAsync(v.ctl, STATE, state);
        if (w.async) await w.value;
      }
      if (stopped) return;
      try {
        reply(OK, await serve(v.ctl[OP]));
      } catch (e) {
        const code = (e as { code?: unknown })?.code;
        const posix = typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
        const text = encoder.encode(posix ? code : e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        reply(posix ? POSIX : BUG, putBytes(text, 0));
      }
    }
  };

  const done = loop().finally(async () => {
    for (const f of files.values()) await f.close().catch(() => {});
    files.clear();
  });
  return {
    stop: () => {
      stopped = true;
      Atomics.store(v.ctl, STATE, CLOSED);
      Atomics.notify(v.ctl, STATE);
    },
    done,
  };
}
