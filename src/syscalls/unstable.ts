import { Errno } from '../abi/errno.js';
import { Rights, Whence } from '../abi/constants.js';
import { writeFilestat } from './encode.js';
import { FILESTAT_UNSTABLE } from '../abi/layout.js';
import type { HostContext } from './context.js';
import { fd_seek } from './fd-io.js';
import { statOf } from './fd-meta.js';
import { statAtPath } from './path.js';
import { poll_oneoff_unstable } from './poll.js';
import { SYSCALLS, type SyscallDef } from './table.js';

/**
 * `wasi_unstable` (WASI preview 0, node:wasi's `version: 'unstable'`), for
 * modules built by toolchains from before 2020. Its functions are preview1's
 * minus sock_accept, with the same core signatures and semantics; only three
 * encodings differ (WASI legacy/preview0 typenames.witx): `whence` counts
 * cur, end, set; `filestat.nlink` is a u32; `subscription_clock` begins with
 * a u64 identifier. Those three calls get their own decoding here; the rest
 * are preview1's handlers as they are.
 */

/** Preview 0's whence values (cur = 0, end = 1, set = 2) as preview1's. */
const WHENCE_FROM_UNSTABLE: readonly number[] = [Whence.CUR, Whence.END, Whence.SET];

function fd_seek_unstable(ctx: HostContext, fd: number, offset: bigint, whence: number, newOffsetOut: number): Errno {
  // Anything else stays out of preview1's range too, so fd_seek answers EINVAL as for a bad whence.
  return fd_seek(ctx, fd, offset, WHENCE_FROM_UNSTABLE[whence] ?? 0xff, newOffsetOut);
}

function fd_filestat_get_unstable(ctx: HostContext, fd: number, out: number): Errno {
  writeFilestat(ctx.mem, out, statOf(ctx, ctx.fds.get(fd, Rights.FD_FILESTAT_GET)), FILESTAT_UNSTABLE);
  return Errno.SUCCESS;
}

function path_filestat_get_unstable(
  ctx: HostContext, fd: number, flags: number, path: number, pathLen: number, out: number,
): Errno {
  writeFilestat(ctx.mem, out, statAtPath(ctx, fd, flags, path, pathLen), FILESTAT_UNSTABLE);
  return Errno.SUCCESS;
}

const OVERRIDES: Readonly<Record<string, SyscallDef['fn']>> = {
  fd_seek: fd_seek_unstable,
  fd_filestat_get: fd_filestat_get_unstable,
  path_filestat_get: path_filestat_get_unstable,
  poll_oneoff: poll_oneoff_unstable,
};

/** Every import of wasi_unstable: 45 functions, in witx order. */
export const SYSCALLS_UNSTABLE: readonly SyscallDef[] = SYSCALLS
  .filter((d) => d.name !== 'sock_accept')
  .map((d) => (OVERRIDES[d.name] === undefined ? d : { ...d, fn: OVERRIDES[d.name], total: false }));
