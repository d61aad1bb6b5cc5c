import { Suspend } from '../vfs/suspend.js';
import { Errno, WasiError } from '../abi/errno.js';
import { FdFlags, Rights, Whence } from '../abi/constants.js';
import type { FileDescriptor, StreamDescriptor } from '../fd-table.js';
import { Iovecs } from '../memory.js';
import { takeDeferred } from '../write-batch.js';
import { WASIExit, type HostContext } from './context.js';

/** Largest file offset we accept: positions are doubles, exact up to 2^53. */
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** A u64 filesize parameter as a safe number, or EINVAL. */
export function offsetArg(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  if (u > BigInt(MAX_OFFSET)) throw new WasiError(Errno.INVAL);
  return Number(u);
}

/**
 * The guest's iovecs, decoded and bounds-checked once (memory.ts Iovecs): a
 * bad one is EFAULT before any byte moves, and another thread changing the
 * array meanwhile changes nothing here. The caller hands it back with release().
 */
function decodeIovecs(ctx: HostContext, iovs: number, n: number): Iovecs {
  // A stream callback that calls back in finds the context's copy in use and gets its own.
  const list = ctx.iovecs.busy ? new Iovecs() : ctx.iovecs;
  list.decode(ctx.mem, iovs, n);
  list.busy = true;
  return list;
}

function release(list: Iovecs): void {
  list.busy = false;
}

/**
 * Moves bytes between a descriptor and the decoded iovecs. Views are taken
 * afresh for each iovec, because a stream callback may have grown memory
 * meanwhile. Stops at the first short transfer, as readv/writev do.
 */
function transfer(ctx: HostContext, d: FileDescriptor | StreamDescriptor, list: Iovecs, position: number, writing: boolean): number {
  const mem = ctx.mem;
  let total = 0;
  for (let i = 0; i < list.count; i++) {
    const len = list.len[i];
    if (len === 0) continue;
    const ptr = list.ptr[i];
    let done: number;
    try {
      if (d.kind === 'file') {
        // A backend that takes memory and an offset (VfsFile.writeRange) is spared a view per write.
        const f = d.file;
        done = !writing ? f.read(mem.checkedBytes(ptr, len), position + total)
          : f.writeRange !== undefined ? f.writeRange(mem.u8, ptr, len, position + total)
          : f.write(mem.checkedBytes(ptr, len), position + total);
      } else {
        const s = d.stream;
        if (writing) {
          if (s.write === undefined) throw new WasiError(Errno.BADF);
          done = s.writeRange !== undefined ? s.writeRange(mem.u8, ptr, len) : s.write(mem.checkedBytes(ptr, len));
        } else {
          if (s.read === undefined) throw new WasiError(Errno.BADF);
          // The source is embedder code and may grow memory, detaching a view of it: it
          // fills a buffer of its own, copied in through a fresh view afterwards.
          const into = new Uint8Array(len);
          done = s.read(into);
          mem.write(ptr, into.subarray(0, done));
        }
      }
    } catch (err) {
      // Bytes already moved are reported, as readv/writev do; the error comes back on the next call
      // (a quota's ENOSPC, a host I/O error). Failing the whole call would lose them. An exit
      // thrown by a stream callback still unwinds.
      if (total > 0 && !(err instanceof WASIExit) && !(err instanceof Suspend)) break;
      throw err;
    }
    total += done;
    if (done < len) break;
  }
  return total;
}

/** O_SYNC / O_DSYNC: the data (and for SYNC the metadata) is on disk before the write returns. */
function syncAfterWrite(d: FileDescriptor): void {
  if (d.fdflags & FdFlags.SYNC) d.file.sync();
  else if (d.fdflags & FdFlags.DSYNC) d.file.datasync();
}

/** Iovecs up to this total are joined into one stream write; larger ones go one by one, uncopied. */
const GATHER_MAX = 64 * 1024;

/** A stream gets one write per call, like writev(2): one callback, one system call. */
function writeStream(ctx: HostContext, d: StreamDescriptor, list: Iovecs): number {
  const total = list.total;
  if (list.count < 2 || total > GATHER_MAX || d.stream.write === undefined) return transfer(ctx, d, list, 0, true);
  const joined = list.scratch(total).subarray(0, total);
  list.gather(ctx.mem, joined);
  return d.stream.write(joined);
}

export function fd_write(ctx: HostContext, fd: number, iovs: number, iovsLen: number, nwrittenOut: number): Errno {
  const d = ctx.fds.getFile(fd, Rights.FD_WRITE);
  ctx.mem.check(nwrittenOut, 4);
  const wb = ctx.writeBehind;
  if (wb.owner !== null && wb.owner !== d) wb.flush();
  if (d.kind === 'stream') {
    const list = decodeIovecs(ctx, iovs, iovsLen);
    try {
      ctx.mem.setU32(nwrittenOut, writeStream(ctx, d, list));
    } finally {
      release(list);
    }
    return Errno.SUCCESS;
  }
  const deferred = takeDeferred(d);
  if (deferred !== Errno.SUCCESS) return deferred;
  const list = decodeIovecs(ctx, iovs, iovsLen);
  try {
    const total = list.total;
    if (wb.accepts(d, total)) {
      list.gather(ctx.mem, wb.held, wb.reserve(d, total));
      d.position += total;
      ctx.mem.setU32(nwrittenOut, total);
      return Errno.SUCCESS;
    }
    if (wb.owner === d) wb.flush();
    // O_APPEND: every write lands at the current end, whatever the offset says.
    const start = d.fdflags & FdFlags.APPEND ? Number(d.file.stat().size) : d.position;
    const written = transfer(ctx, d, list, start, true);
    d.position = start + written;
    syncAfterWrite(d);
    ctx.mem.setU32(nwrittenOut, written);
    return Errno.SUCCESS;
  } finally {
    release(list);
  }
}

export function fd_read(ctx: HostContext, fd: number, iovs: number, iovsLen: number, nreadOut: number): Errno {
  const d = ctx.fds.getFile(fd, Rights.FD_READ);
  ctx.mem.check(nreadOut, 4);
  // O_NONBLOCK on a stream that can tell: nothing buffered and not at end of input is EAGAIN, not a wait.
  if (d.kind === 'stream' && (d.fdflags & FdFlags.NONBLOCK) !== 0 && d.stream.available?.() === -1) return Errno.AGAIN;
  const list = decodeIovecs(ctx, iovs, iovsLen);
  try {
    const read = transfer(ctx, d, list, d.kind === 'file' ? d.position : 0, false);
    if (d.kind === 'file') d.position += read;
    ctx.mem.setU32(nreadOut, read);
  } finally {
    release(list);
  }
  return Errno.SUCCESS;
}

/**
 * A file for a call at an offset. A stream has no offsets: ESPIPE, as wasmtime and Linux pread(2)
 * on a pipe answer, before the rights check, since stdio never holds FD_SEEK (as for fd_advise).
 */
function positioned(ctx: HostContext, fd: number, rights: number): FileDescriptor {
  return ctx.fds.getFile(fd, rights, Errno.SPIPE);
}

/** Writes at `offset` without moving the fd position, O_APPEND or not (POSIX pwrite; design.md). */
export function fd_pwrite(
  ctx: HostContext, fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenOut: number,
): Errno {
  const d = positioned(ctx, fd, Rights.FD_WRITE | Rights.FD_SEEK);
  const at = offsetArg(offset);
  ctx.mem.check(nwrittenOut, 4);
  const list = decodeIovecs(ctx, iovs, iovsLen);
  try {
    const written = transfer(ctx, d, list, at, true);
    syncAfterWrite(d);
    ctx.mem.setU32(nwrittenOut, written);
  } finally {
    release(list);
  }
  return Errno.SUCCESS;
}

export function fd_pread(
  ctx: HostContext, fd: number, iovs: number, iovsLen: number, offset: bigint, nreadOut: number,
): Errno {
  const d = positioned(ctx, fd, Rights.FD_READ | Rights.FD_SEEK);
  const at = offsetArg(offset);
  ctx.mem.check(nreadOut, 4);
  const list = decodeIovecs(ctx, iovs, iovsLen);
  try {
    ctx.mem.setU32(nreadOut, transfer(ctx, d, list, at, false));
  } finally {
    release(list);
  }
  return Errno.SUCCESS;
}

/** `offset` is the one signed i64 (filedelta). A tell-only seek needs only FD_TELL, as in wasmtime. */
export function fd_seek(ctx: HostContext, fd: number, offset: bigint, whence: number, newOffsetOut: number): Errno {
  const tellOnly = offset === 0n && whence === Whence.CUR;
  const d = positioned(ctx, fd, tellOnly ? Rights.FD_TELL : Rights.FD_SEEK);
  let base: number;
  switch (whence) {
    case Whence.SET: base = 0; break;
    case Whence.CUR: base = d.position; break;
    case Whence.END: base = Number(d.file.stat().size); break;
    default: return Errno.INVAL;
  }
  const target = BigInt(base) + BigInt.asIntN(64, offset);
  if (target < 0n || target > BigInt(MAX_OFFSET)) return Errno.INVAL;
  ctx.mem.check(newOffsetOut, 8);
  d.position = Number(target);
  ctx.mem.setU64Number(newOffsetOut, d.position);
  return Errno.SUCCESS;
}

export function fd_tell(ctx: HostContext, fd: number, offsetOut: number): Errno {
  const d = positioned(ctx, fd, Rights.FD_TELL);
  ctx.mem.setU64Number(offsetOut, d.position);
  return Errno.SUCCESS;
}
