// Small, faithful copies of three hot syscalls as src/ writes them today
// (src/memory.ts GuestMemory, src/fd-table.ts FdTable.get/getFile,
// src/syscalls/fd-io.ts fd_write → writeStream → transfer, src/syscalls/fd-meta.ts
// fd_filestat_get, src/syscalls/clock.ts clock_time_get, src/wasi.ts bind), and
// the same three written as generators that yield one backend operation per
// call, for a synchronous driver. Plain ESM without Node built-ins, so the
// browser bench (bench/seam/browser.mjs) loads this very file.
// Left out, as the measured calls never reach them: reads, gathered multi-iovec
// stream writes, file writes, and write-behind (its owner is always null here).
// Kept out of src/ on purpose: this is a measurement, not a design in waiting.

export const Errno = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, IO: 29, NOTCAPABLE: 76 };
export const Rights = { FD_READ: 0x2, FD_WRITE: 0x40, FD_FILESTAT_GET: 0x200000 };
const IOVEC_SIZE = 8;
const GATHER_MAX = 64 * 1024;
const ClockId = { REALTIME: 0, MONOTONIC: 1 };

export class WasiError extends Error {
  constructor(errno) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`errno ${errno}`);
    Error.stackTraceLimit = limit;
    this.errno = errno;
  }
}

const EMPTY = new ArrayBuffer(0);

/** src/memory.ts, the members these three syscalls use. */
export class GuestMemory {
  constructor() {
    this.memory = undefined;
    this.buffer = EMPTY;
    this._u8 = new Uint8Array(EMPTY);
    this._view = new DataView(EMPTY);
  }
  attach(memory) {
    this.memory = memory;
    this.refresh();
  }
  refresh() {
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer || buffer.byteLength !== this._u8.byteLength) {
      this.buffer = buffer;
      this._u8 = new Uint8Array(buffer);
      this._view = new DataView(buffer);
    }
  }
  get view() {
    if (this._u8.byteLength === 0) this.refresh();
    return this._view;
  }
  check(ptr, len) {
    const end = (ptr >>> 0) + (len < 0 ? len >>> 0 : len);
    if (end > this._u8.byteLength) {
      this.refresh();
      if (end > this._u8.byteLength) throw new WasiError(Errno.FAULT);
    }
  }
  fits(ptr, len) {
    const end = (ptr >>> 0) + len;
    if (end <= this._u8.byteLength) return true;
    this.refresh();
    return end <= this._u8.byteLength;
  }
  u32(ptr) {
    this.check(ptr, 4);
    return this._view.getUint32(ptr >>> 0, true);
  }
  setU32(ptr, v) {
    this.check(ptr, 4);
    this._view.setUint32(ptr >>> 0, v, true);
  }
  setU64NumberChecked(ptr, v) {
    const lo = v % 4294967296;
    this._view.setUint32(ptr >>> 0, lo, true);
    this._view.setUint32((ptr >>> 0) + 4, (v - lo) / 4294967296, true);
  }
  bytes(ptr, len) {
    this.check(ptr, len);
    const p = ptr >>> 0;
    return this._u8.subarray(p, p + (len >>> 0));
  }
}

/**
 * stdout: 'collect' (src/stdio.ts Collector), except that it starts over at
 * 1 MiB so that ten million writes measure the call, not a 160 MB buffer.
 */
export class CollectSink {
  constructor() {
    this.filetype = 0;
    this.buf = new Uint8Array(1 << 20);
    this.length = 0;
    this.total = 0;
  }
  write(data) {
    if (this.length + data.byteLength > this.buf.byteLength) this.length = 0;
    this.buf.set(data, this.length);
    this.length += data.byteLength;
    this.total += data.byteLength;
    return data.byteLength;
  }
}

/** A regular file whose stat() builds a fresh VfsStat, as the backends' stat() does (src/vfs/types.ts). */
export class MemFile {
  constructor(size) {
    this.size = size;
    this.mtim = 1700000000000000000n;
  }
  stat() {
    return {
      dev: 1n, ino: 42n, kind: 'file', nlink: 1n, size: BigInt(this.size),
      atimNs: this.mtim, mtimNs: this.mtim, ctimNs: this.mtim,
    };
  }
}

class StreamDescriptor {
  constructor(stream, rightsBase) {
    this.kind = 'stream';
    this.stream = stream;
    this.rightsBase = rightsBase;
    this.readable = false;
    this.writable = true;
  }
}

class FileDescriptor {
  constructor(file, rightsBase) {
    this.kind = 'file';
    this.file = file;
    this.rightsBase = rightsBase;
    this.readable = true;
    this.writable = false;
    this.position = 0;
  }
}

/** src/fd-table.ts: get and getFile, rights checked in the lookup. */
class FdTable {
  constructor() {
    this.slots = [];
  }
  get(fd, rights) {
    const d = this.slots[fd >>> 0];
    if (d === undefined) throw new WasiError(Errno.BADF);
    if ((d.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return d;
  }
  getFile(fd, rights) {
    const d = this.slots[fd >>> 0];
    if (d === undefined || d.kind === 'dir') throw new WasiError(Errno.BADF);
    if ((rights & Rights.FD_WRITE && !d.writable) || (rights & Rights.FD_READ && !d.readable)) {
      throw new WasiError(Errno.BADF);
    }
    if ((d.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return d;
  }
}

/**
 * A context like src/syscalls/context.ts HostContext: fd 1 a collected
 * stdout, fd 3 an open regular file. `monotonicNs` is the platform clock.
 */
export function makeContext(memory, monotonicNs) {
  const mem = new GuestMemory();
  mem.attach(memory);
  const fds = new FdTable();
  const sink = new CollectSink();
  fds.slots[1] = new StreamDescriptor(sink, Rights.FD_WRITE | Rights.FD_FILESTAT_GET);
  fds.slots[3] = new FileDescriptor(new MemFile(1234), Rights.FD_READ | Rights.FD_FILESTAT_GET);
  let scratch = new Uint8Array(4096);
  return {
    mem, fds, sink,
    platform: { monotonicNs },
    writeBehind: { owner: null, flush() {} },
    scratch(size) {
      if (scratch.byteLength < size) scratch = new Uint8Array(Math.max(size, scratch.byteLength * 2));
      return scratch;
    },
    /** One reusable operation record, for the generator variant that allocates none per yield. */
    op: { kind: 0, target: null, data: null },
  };
}

// ---------------------------------------------------------------- plain functions (today)

function checkIovecs(ctx, iovs, n) {
  const mem = ctx.mem;
  mem.check(iovs, n * IOVEC_SIZE);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const at = (iovs >>> 0) + i * IOVEC_SIZE;
    const len = mem.u32(at + 4);
    if (len !== 0) mem.check(mem.u32(at), len);
    total += len;
  }
  return total;
}

function transfer(ctx, d, iovs, iovsLen, position, writing) {
  const n = iovsLen >>> 0;
  const mem = ctx.mem;
  checkIovecs(ctx, iovs, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const at = (iovs >>> 0) + i * IOVEC_SIZE;
    const len = mem.u32(at + 4);
    if (len === 0) continue;
    const ptr = mem.u32(at);
    let done;
    try {
      if (d.kind === 'file') {
        const buf = mem.bytes(ptr, len);
        done = writing ? d.file.write(buf, position + total) : d.file.read(buf, position + total);
      } else {
        const s = d.stream;
        if (!writing || s.write === undefined) throw new WasiError(Errno.BADF);
        done = s.write(mem.bytes(ptr, len));
      }
    } catch (err) {
      if (total > 0) break;
      throw err;
    }
    total += done;
    if (done < len) break;
  }
  return total;
}

function writeStream(ctx, d, iovs, n) {
  const total = n < 2 ? 0 : checkIovecs(ctx, iovs, n);
  if (n < 2 || total > GATHER_MAX || d.stream.write === undefined) return transfer(ctx, d, iovs, n, 0, true);
  throw new Error('not measured: gathered writes');
}

export function fd_write(ctx, fd, iovs, iovsLen, nwrittenOut) {
  const d = ctx.fds.getFile(fd, Rights.FD_WRITE);
  ctx.mem.check(nwrittenOut, 4);
  const wb = ctx.writeBehind;
  if (wb.owner !== null && wb.owner !== d) wb.flush();
  const n = iovsLen >>> 0;
  if (d.kind === 'stream') {
    ctx.mem.setU32(nwrittenOut, writeStream(ctx, d, iovs, n));
    return Errno.SUCCESS;
  }
  throw new Error('not measured: file writes');
}

/** src/abi/encode.ts writeFilestat, preview1 layout. */
function writeFilestat(mem, ptr, st) {
  mem.check(ptr, 64);
  const v = mem.view;
  const p = ptr >>> 0;
  v.setBigUint64(p, st.dev, true);
  v.setBigUint64(p + 8, st.ino, true);
  v.setBigUint64(p + 16, 0n, true);
  v.setUint8(p + 16, st.kind === 'file' ? 4 : 0);
  v.setBigUint64(p + 24, st.nlink, true);
  v.setBigUint64(p + 32, st.size, true);
  v.setBigUint64(p + 40, st.atimNs, true);
  v.setBigUint64(p + 48, st.mtimNs, true);
  v.setBigUint64(p + 56, st.ctimNs, true);
}

export function fd_filestat_get(ctx, fd, out) {
  const d = ctx.fds.get(fd, Rights.FD_FILESTAT_GET);
  writeFilestat(ctx.mem, out, d.file.stat());
  return Errno.SUCCESS;
}

export function clock_time_get(ctx, id, _precision, timeOut) {
  if (!ctx.mem.fits(timeOut, 8)) return Errno.FAULT;
  switch (id) {
    case ClockId.MONOTONIC:
      ctx.mem.setU64NumberChecked(timeOut, ctx.platform.monotonicNs());
      return Errno.SUCCESS;
    default:
      return Errno.INVAL;
  }
}

// ---------------------------------------------------------------- generators yielding backend operations

export const OP_STREAM_WRITE = 1;
export const OP_FILE_STAT = 2;

/**
 * The synchronous driver: performs each yielded operation at once and resumes
 * the generator with its result. A JSPI or Worker driver would await here instead.
 */
export function runSync(g) {
  let r = g.next();
  while (r.done !== true) r = g.next(perform(r.value));
  return r.value;
}

function perform(op) {
  switch (op.kind) {
    case OP_STREAM_WRITE: return op.target.write(op.data);
    case OP_FILE_STAT: return op.target.stat();
    default: throw new Error(`unknown operation ${op.kind}`);
  }
}

/** An operation as a fresh object per yield (the natural way to write it). */
function fresh(kind, target, data) {
  return { kind, target, data };
}

/** The same operation in the context's one reusable record (no allocation per yield). */
function reused(ctx, kind, target, data) {
  const op = ctx.op;
  op.kind = kind;
  op.target = target;
  op.data = data;
  return op;
}

/** transfer() with the backend call yielded; `reuse` picks the operation record. */
function* transferG(ctx, d, iovs, iovsLen, reuse) {
  const n = iovsLen >>> 0;
  const mem = ctx.mem;
  checkIovecs(ctx, iovs, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const at = (iovs >>> 0) + i * IOVEC_SIZE;
    const len = mem.u32(at + 4);
    if (len === 0) continue;
    const ptr = mem.u32(at);
    let done;
    try {
      const s = d.stream;
      if (s.write === undefined) throw new WasiError(Errno.BADF);
      const data = mem.bytes(ptr, len);
      done = yield reuse ? reused(ctx, OP_STREAM_WRITE, s, data) : fresh(OP_STREAM_WRITE, s, data);
    } catch (err) {
      if (total > 0) break;
      throw err;
    }
    total += done;
    if (done < len) break;
  }
  return total;
}

function* writeStreamG(ctx, d, iovs, n, reuse) {
  const total = n < 2 ? 0 : checkIovecs(ctx, iovs, n);
  if (n < 2 || total > GATHER_MAX || d.stream.write === undefined) return yield* transferG(ctx, d, iovs, n, reuse);
  throw new Error('not measured: gathered writes');
}

/** fd_write with today's helper structure: three generators per call (fd_write → writeStream → transfer). */
function* fdWriteNested(ctx, fd, iovs, iovsLen, nwrittenOut, reuse) {
  const d = ctx.fds.getFile(fd, Rights.FD_WRITE);
  ctx.mem.check(nwrittenOut, 4);
  const wb = ctx.writeBehind;
  if (wb.owner !== null && wb.owner !== d) wb.flush();
  const n = iovsLen >>> 0;
  if (d.kind === 'stream') {
    ctx.mem.setU32(nwrittenOut, yield* writeStreamG(ctx, d, iovs, n, reuse));
    return Errno.SUCCESS;
  }
  throw new Error('not measured: file writes');
}

export function* fd_write_g(ctx, fd, iovs, iovsLen, nwrittenOut) {
  return yield* fdWriteNested(ctx, fd, iovs, iovsLen, nwrittenOut, false);
}

export function* fd_write_g_reused(ctx, fd, iovs, iovsLen, nwrittenOut) {
  return yield* fdWriteNested(ctx, fd, iovs, iovsLen, nwrittenOut, true);
}

/** fd_write with the helpers folded into one generator and the reusable record: the cheapest generator form. */
export function* fd_write_g_flat(ctx, fd, iovs, iovsLen, nwrittenOut) {
  const d = ctx.fds.getFile(fd, Rights.FD_WRITE);
  ctx.mem.check(nwrittenOut, 4);
  const wb = ctx.writeBehind;
  if (wb.owner !== null && wb.owner !== d) wb.flush();
  const n = iovsLen >>> 0;
  if (d.kind !== 'stream' || n >= 2) throw new Error('not measured');
  const mem = ctx.mem;
  checkIovecs(ctx, iovs, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const at = (iovs >>> 0) + i * IOVEC_SIZE;
    const len = mem.u32(at + 4);
    if (len === 0) continue;
    const done = yield reused(ctx, OP_STREAM_WRITE, d.stream, mem.bytes(mem.u32(at), len));
    total += done;
    if (done < len) break;
  }
  ctx.mem.setU32(nwrittenOut, total);
  return Errno.SUCCESS;
}

export function* fd_filestat_get_g(ctx, fd, out) {
  const d = ctx.fds.get(fd, Rights.FD_FILESTAT_GET);
  writeFilestat(ctx.mem, out, yield fresh(OP_FILE_STAT, d.file, null));
  return Errno.SUCCESS;
}

export function* fd_filestat_get_g_reused(ctx, fd, out) {
  const d = ctx.fds.get(fd, Rights.FD_FILESTAT_GET);
  writeFilestat(ctx.mem, out, yield reused(ctx, OP_FILE_STAT, d.file, null));
  return Errno.SUCCESS;
}

/** A clock read is no backend operation: the generator form yields nothing and costs only its own shape. */
export function* clock_time_get_g(ctx, id, _precision, timeOut) {
  if (!ctx.mem.fits(timeOut, 8)) return Errno.FAULT;
  switch (id) {
    case ClockId.MONOTONIC:
      ctx.mem.setU64NumberChecked(timeOut, ctx.platform.monotonicNs());
      return Errno.SUCCESS;
    default:
      return Errno.INVAL;
  }
}

// ---------------------------------------------------------------- import wrappers (src/wasi.ts bind)

function failure(e) {
  if (e instanceof WasiError) return e.errno;
  throw e;
}

/** The fixed-arity wrapper src/wasi.ts binds today, around a plain function. */
export function bindPlain(ctx, f, arity) {
  const wb = ctx.writeBehind;
  switch (arity) {
    case 3: return (a, b, c) => { if (wb.owner !== null) wb.flush(); try { return f(ctx, a, b, c); } catch (e) { return failure(e); } };
    case 4: return (a, b, c, d) => { if (wb.owner !== null) wb.flush(); try { return f(ctx, a, b, c, d); } catch (e) { return failure(e); } };
    default: throw new Error(`arity ${arity}`);
  }
}

/** The same wrapper around a generator, run to completion by the synchronous driver. */
export function bindGenerator(ctx, g, arity) {
  const wb = ctx.writeBehind;
  switch (arity) {
    case 3: return (a, b, c) => { if (wb.owner !== null) wb.flush(); try { return runSync(g(ctx, a, b, c)); } catch (e) { return failure(e); } };
    case 4: return (a, b, c, d) => { if (wb.owner !== null) wb.flush(); try { return runSync(g(ctx, a, b, c, d)); } catch (e) { return failure(e); } };
    default: throw new Error(`arity ${arity}`);
  }
}

/** Guest memory layout the benches use: one 16-byte iovec at IOV, its bytes at DATA, out-params at OUT. */
export const IOV = 1024;
export const DATA = 2048;
export const OUT = 4096;
export const MSG_LEN = 16;

/** Writes the iovec { DATA, MSG_LEN } and the message bytes into guest memory. */
export function layoutGuest(memory) {
  const v = new DataView(memory.buffer);
  v.setUint32(IOV, DATA, true);
  v.setUint32(IOV + 4, MSG_LEN, true);
  new Uint8Array(memory.buffer, DATA, MSG_LEN).set(new TextEncoder().encode('hello, seam!  \n\n').subarray(0, MSG_LEN));
}
