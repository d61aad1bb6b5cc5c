import { ERRNO_NAMES } from '../abi/errno.js';

/**
 * The errnos a fault plan may inject, per call. The preview1 docs
 * (shared/spec/docs.md) describe each function as "similar to" a POSIX one
 * and list no errors of their own, so the lists are those POSIX gives for
 * that function (readv, writev, openat, ...). A fault outside its list would
 * test a path no real host takes.
 */
const POSIX_ERRNOS: Readonly<Record<string, readonly string[]>> = {
  fd_read: ['again', 'badf', 'intr', 'inval', 'io', 'isdir'],
  fd_pread: ['again', 'badf', 'intr', 'inval', 'io', 'isdir', 'nxio', 'overflow', 'spipe'],
  fd_write: ['again', 'badf', 'dquot', 'fbig', 'intr', 'inval', 'io', 'nospc', 'perm', 'pipe'],
  fd_pwrite: ['again', 'badf', 'dquot', 'fbig', 'intr', 'inval', 'io', 'nospc', 'nxio', 'overflow', 'perm', 'pipe', 'spipe'],
  fd_readdir: ['badf', 'inval', 'io', 'noent', 'notdir'],
  fd_close: ['badf', 'intr', 'io'],
  fd_sync: ['badf', 'dquot', 'intr', 'inval', 'io', 'nospc'],
  fd_datasync: ['badf', 'dquot', 'intr', 'inval', 'io', 'nospc'],
  fd_seek: ['badf', 'inval', 'overflow', 'spipe'],
  fd_filestat_get: ['badf', 'io', 'overflow'],
  fd_filestat_set_size: ['badf', 'fbig', 'intr', 'inval', 'io', 'perm', 'rofs'],
  fd_allocate: ['badf', 'fbig', 'intr', 'inval', 'io', 'nodev', 'nospc', 'spipe'],
  path_open: [
    'acces', 'again', 'dquot', 'exist', 'intr', 'inval', 'io', 'isdir', 'loop', 'mfile', 'nametoolong', 'nfile',
    'noent', 'nomem', 'nospc', 'notdir', 'nxio', 'perm', 'rofs', 'txtbsy',
  ],
  path_filestat_get: ['acces', 'badf', 'io', 'loop', 'nametoolong', 'noent', 'nomem', 'notdir', 'overflow'],
  path_create_directory: ['acces', 'dquot', 'exist', 'io', 'loop', 'mlink', 'nametoolong', 'noent', 'nomem', 'nospc', 'notdir', 'perm', 'rofs'],
  path_remove_directory: ['acces', 'busy', 'inval', 'io', 'loop', 'nametoolong', 'noent', 'nomem', 'notdir', 'notempty', 'perm', 'rofs'],
  path_unlink_file: ['acces', 'busy', 'io', 'isdir', 'loop', 'nametoolong', 'noent', 'nomem', 'notdir', 'perm', 'rofs'],
  path_rename: [
    'acces', 'busy', 'dquot', 'exist', 'inval', 'io', 'isdir', 'loop', 'mlink', 'nametoolong', 'noent', 'nomem',
    'nospc', 'notdir', 'notempty', 'perm', 'rofs', 'xdev',
  ],
  path_link: ['acces', 'dquot', 'exist', 'io', 'loop', 'mlink', 'nametoolong', 'noent', 'nospc', 'notdir', 'perm', 'rofs', 'xdev'],
  path_symlink: ['acces', 'dquot', 'exist', 'io', 'loop', 'nametoolong', 'noent', 'nospc', 'notdir', 'rofs'],
  path_readlink: ['acces', 'inval', 'io', 'loop', 'nametoolong', 'noent', 'notdir'],
  poll_oneoff: ['again', 'intr', 'inval'],
  clock_time_get: ['inval', 'overflow'],
  sock_accept: ['again', 'badf', 'connaborted', 'intr', 'inval', 'mfile', 'nfile', 'nobufs', 'nomem', 'notsock', 'proto'],
  sock_recv: ['again', 'badf', 'connreset', 'intr', 'inval', 'io', 'nobufs', 'nomem', 'notconn', 'notsock', 'timedout'],
  sock_send: ['again', 'badf', 'connreset', 'intr', 'io', 'msgsize', 'nobufs', 'notconn', 'notsock', 'pipe'],
};

/** The calls a fault plan can make fail. */
export const FAULTABLE_CALLS: readonly string[] = Object.keys(POSIX_ERRNOS);

/**
 * The errno number for `name` ("ENOSPC", "nospc") injected into `call`, or a
 * RangeError naming what that call may return.
 */
export function injectableErrno(call: string, name: string, option: string): number {
  const allowed = POSIX_ERRNOS[call];
  if (allowed === undefined) throw new RangeError(`${option}: ${call} cannot be made to fail (calls that can: ${FAULTABLE_CALLS.join(', ')})`);
  // "ENOSPC" as C spells it, or witx's "nospc".
  const lower = name.toLowerCase();
  const key = ERRNO_NAMES.includes(lower) ? lower : lower.slice(1);
  const errno = ERRNO_NAMES.indexOf(key);
  if (errno <= 0 || !allowed.includes(key)) {
    throw new RangeError(`${option}: ${call} may not return ${name} (POSIX gives it: ${allowed.map((e) => 'E' + e.toUpperCase()).join(', ')})`);
  }
  return errno;
}
