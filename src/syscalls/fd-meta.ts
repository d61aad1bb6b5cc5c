import { Errno, WasiError } from '../abi/errno.js';
import { Advice, FDFLAGS_ALL, FileType, FstFlags, FSTFLAGS_ALL, Rights, rightsFromAbi } from '../abi/constants.js';
import { writeFdstat, writeFilestat } from './encode.js';
import type { Descriptor } from '../fd-table.js';
import type { VfsStat, VfsTime } from '../vfs/types.js';
import type { HostContext } from './context.js';
import { offsetArg } from './fd-io.js';
import { takeDeferred } from '../write-batch.js';

/** Releases what a descriptor holds. Streams belong to the embedder and are never closed here. */
export function release(d: Descriptor | undefined): void {
  if (d?.kind === 'file') {
    try {
      d.file.close();
    } catch {
      // The descriptor is gone either way; POSIX close() also frees the number on error.
    }
  }
}

/** A batched write that failed after the guest was told it succeeded is reported here, as close(2) does. */
export function fd_close(ctx: HostContext, fd: number): Errno {
  const d = ctx.fds.remove(fd);
  const deferred = d.kind === 'file' ? takeDeferred(d) : Errno.SUCCESS;
  release(d);
  return deferred;
}

export function fd_renumber(ctx: HostContext, from: number, to: number): Errno {
  release(ctx.fds.renumber(from, to));
  return Errno.SUCCESS;
}

export function fd_fdstat_get(ctx: HostContext, fd: number, out: number): Errno {
  const d = ctx.fds.get(fd, 0);
  writeFdstat(ctx.mem, out, d.filetype, d.fdflags, d.rightsBase, d.rightsInheriting);
  return Errno.SUCCESS;
}

export function fd_fdstat_set_flags(ctx: HostContext, fd: number, flags: number): Errno {
  const d = ctx.fds.get(fd, Rights.FD_FDSTAT_SET_FLAGS);
  if ((flags & ~FDFLAGS_ALL) !== 0) return Errno.INVAL;
  d.fdflags = flags;
  return Errno.SUCCESS;
}

/** Rights can only ever be dropped (spec: fd_fdstat_set_rights). */
export function fd_fdstat_set_rights(ctx: HostContext, fd: number, base: bigint, inheriting: bigint): Errno {
  const d = ctx.fds.get(fd, 0);
  const b = rightsFromAbi(base);
  const i = rightsFromAbi(inheriting);
  if ((b & ~d.rightsBase) !== 0 || (i & ~d.rightsInheriting) !== 0) return Errno.NOTCAPABLE;
  d.rightsBase = b;
  d.rightsInheriting = i;
  return Errno.SUCCESS;
}

/** What fstat says of a stream: a device with no inode behind it. */
function streamStat(filetype: FileType): VfsStat {
  return {
    dev: 0n, ino: 0n, kind: filetype === FileType.CHARACTER_DEVICE ? 'char' : 'unknown',
    nlink: 1n, size: 0n, atimNs: 0n, mtimNs: 0n, ctimNs: 0n,
  };
}

export function statOf(ctx: HostContext, d: Descriptor): VfsStat {
  switch (d.kind) {
    case 'file': return d.file.stat();
    case 'dir': return ctx.ns.statDir(d);
    default: return streamStat(d.filetype);
  }
}

export function fd_filestat_get(ctx: HostContext, fd: number, out: number): Errno {
  const d = ctx.fds.get(fd, Rights.FD_FILESTAT_GET);
  writeFilestat(ctx.mem, out, statOf(ctx, d));
  return Errno.SUCCESS;
}

export function fd_filestat_set_size(ctx: HostContext, fd: number, size: bigint): Errno {
  // A stream cannot be truncated: EINVAL, as Linux ftruncate on a pipe.
  const d = ctx.fds.getFile(fd, Rights.FD_FILESTAT_SET_SIZE, Errno.INVAL);
  // ftruncate on an fd not open for writing: POSIX allows EBADF or EINVAL, Linux says EINVAL and
  // memfs would truncate; decided here for every backend, as against the open mode elsewhere.
  if (!d.writable) return Errno.BADF;
  d.file.truncate(offsetArg(size));
  return Errno.SUCCESS;
}

/** Decodes fst_flags into the two times to set; both SET and SET_NOW for one time is EINVAL. */
export function timesArg(atim: bigint, mtim: bigint, flags: number): [VfsTime, VfsTime] {
  if ((flags & ~FSTFLAGS_ALL) !== 0) throw new WasiError(Errno.INVAL);
  if ((flags & FstFlags.ATIM) && (flags & FstFlags.ATIM_NOW)) throw new WasiError(Errno.INVAL);
  if ((flags & FstFlags.MTIM) && (flags & FstFlags.MTIM_NOW)) throw new WasiError(Errno.INVAL);
  const a: VfsTime = flags & FstFlags.ATIM_NOW ? 'now' : flags & FstFlags.ATIM ? BigInt.asUintN(64, atim) : undefined;
  const m: VfsTime = flags & FstFlags.MTIM_NOW ? 'now' : flags & FstFlags.MTIM ? BigInt.asUintN(64, mtim) : undefined;
  return [a, m];
}

export function fd_filestat_set_times(ctx: HostContext, fd: number, atim: bigint, mtim: bigint, flags: number): Errno {
  // Flags first, before the fd, as wasmtime and path_filestat_set_times: a bad pair is EINVAL even on a bad fd.
  const [a, m] = timesArg(atim, mtim, flags);
  const d = ctx.fds.get(fd, Rights.FD_FILESTAT_SET_TIMES);
  if (d.kind === 'file') d.file.setTimes(a, m);
  // The descriptor names the directory itself: nothing to follow, and a symlink swapped in at its path is not followed.
  else if (d.kind === 'dir') ctx.ns.setTimes(ctx.ns.enter(d), a, m, false);
  else return Errno.NOTSUP;
  return Errno.SUCCESS;
}

/**
 * Advice is a hint, so after validation there is nothing to do (POSIX allows ignoring it). A stream
 * (stdio, a pipe) has no offsets to advise or allocate: ESPIPE, as Linux answers posix_fadvise and
 * posix_fallocate on a pipe.
 */
export function fd_advise(ctx: HostContext, fd: number, offset: bigint, len: bigint, advice: number): Errno {
  ctx.fds.getFile(fd, Rights.FD_ADVISE, Errno.SPIPE);
  if (advice >>> 0 > Advice.NOREUSE) return Errno.INVAL;
  offsetArg(offset);
  offsetArg(len);
  return Errno.SUCCESS;
}

/** Ensures the file is at least offset+len bytes long (posix_fallocate); len 0 is EINVAL there. */
export function fd_allocate(ctx: HostContext, fd: number, offset: bigint, len: bigint): Errno {
  const d = ctx.fds.getFile(fd, Rights.FD_ALLOCATE, Errno.SPIPE);
  const end = offsetArg(offset) + offsetArg(len);
  if (len === 0n) return Errno.INVAL;
  if (end > Number.MAX_SAFE_INTEGER) return Errno.FBIG;
  // Not open for writing: EBADF (posix_fallocate; memfs would grow the file, Linux refuses).
  if (!d.writable) return Errno.BADF;
  if (end > Number(d.file.stat().size)) d.file.truncate(end);
  return Errno.SUCCESS;
}

export function fd_sync(ctx: HostContext, fd: number): Errno {
  // A stream has nothing to sync: EINVAL, as Linux fsync(2) on a pipe or terminal.
  const d = ctx.fds.get(fd, Rights.FD_SYNC, Errno.INVAL);
  if (d.kind === 'file') {
    d.file.sync();
    return takeDeferred(d);
  }
  return Errno.SUCCESS;
}

export function fd_datasync(ctx: HostContext, fd: number): Errno {
  // A stream has nothing to sync: EINVAL, as Linux fsync(2) on a pipe or terminal.
  const d = ctx.fds.get(fd, Rights.FD_DATASYNC, Errno.INVAL);
  if (d.kind === 'file') {
    d.file.datasync();
    return takeDeferred(d);
  }
  return Errno.SUCCESS;
}
