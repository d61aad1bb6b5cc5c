import { Errno, WasiError } from '../abi/errno.js';
import { PreopenType, Rights } from '../abi/constants.js';
import { DIRENT_SIZE, DirentOff, PRESTAT_SIZE } from '../abi/layout.js';
import { encodeUtf8 } from '../memory.js';
import type { HostContext } from './context.js';

/**
 * Fills the buffer with dirents from `cookie` on. When an entry does not fit,
 * as many of its bytes as fit are written, so bufused == buf_len means "more
 * to come" and anything shorter means the end (spec/abi-cheatsheet.md rule 1).
 */
export function fd_readdir(
  ctx: HostContext, fd: number, buf: number, bufLen: number, cookie: bigint, bufusedOut: number,
): Errno {
  const d = ctx.fds.getDir(fd, Rights.FD_READDIR);
  const len = bufLen >>> 0;
  const mem = ctx.mem;
  mem.check(buf, len);
  mem.check(bufusedOut, 4);
  const start = BigInt.asUintN(64, cookie);
  if (start === 0n || d.listing === undefined) d.listing = ctx.ns.listing(d);
  const list = d.listing;
  let used = 0;
  const base = buf >>> 0;
  for (let i = start > BigInt(list.length) ? list.length : Number(start); i < list.length && used < len; i++) {
    const e = list[i];
    const size = DIRENT_SIZE + e.name.byteLength;
    const room = len - used;
    // A whole entry is written in place; a partial one goes through scratch and is cut to fit.
    const out = size <= room ? mem.bytes(base + used, size) : ctx.iovecs.scratch(size).subarray(0, size);
    const v = new DataView(out.buffer, out.byteOffset, DIRENT_SIZE);
    v.setBigUint64(DirentOff.NEXT, BigInt(i + 1), true);
    v.setBigUint64(DirentOff.INO, ctx.ns.inoOf(d, e), true);
    v.setUint32(DirentOff.NAMLEN, e.name.byteLength, true);
    v.setUint32(DirentOff.TYPE, e.filetype, true);
    out.set(e.name, DIRENT_SIZE);
    if (size > room) mem.write(base + used, out.subarray(0, room));
    used += Math.min(size, room);
  }
  mem.setU32(bufusedOut, used);
  return Errno.SUCCESS;
}

/** The guest path a preopen was mounted at; a closed fd is EBADF, an open one that is no preopen `notPreopen`. */
function preopenName(ctx: HostContext, fd: number, notPreopen: Errno): string {
  const d = ctx.fds.peek(fd);
  if (d === undefined) throw new WasiError(Errno.BADF);
  if (d.kind !== 'dir' || d.preopenName === undefined) throw new WasiError(notPreopen);
  return d.preopenName;
}

export function fd_prestat_get(ctx: HostContext, fd: number, out: number): Errno {
  // libc scans fds from 3 and stops at exactly EBADF (spec/abi-cheatsheet.md rule 5), open or not.
  const name = preopenName(ctx, fd, Errno.BADF);
  ctx.mem.check(out, PRESTAT_SIZE);
  ctx.mem.setU32(out, PreopenType.DIR);
  ctx.mem.setU32(out + 4, encodeUtf8(name).byteLength);
  return Errno.SUCCESS;
}

/** Writes the name without a NUL; a buffer too small is ENAMETOOLONG, as wasmtime. */
export function fd_prestat_dir_name(ctx: HostContext, fd: number, path: number, pathLen: number): Errno {
  // An open fd that is no preopen: ENOTDIR, as wasmtime (p1.rs, kept from its legacy host). Only
  // fd_prestat_get must say EBADF there: libc's scan of the preopens stops at it.
  const name = encodeUtf8(preopenName(ctx, fd, Errno.NOTDIR));
  if (pathLen >>> 0 < name.byteLength) return Errno.NAMETOOLONG;
  ctx.mem.write(path, name);
  return Errno.SUCCESS;
}
