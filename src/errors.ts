import { Errno, WasiError } from './abi/errno.js';

/**
 * The one map from host error codes (Node's `err.code`, memfs's, and any
 * backend that follows them) to WASI errno. By name, never by number: Linux
 * ENOENT is 2, WASI `noent` is 44.
 */
const CODE_TO_ERRNO: Readonly<Record<string, Errno>> = {
  E2BIG: Errno.TOOBIG, EACCES: Errno.ACCES, EADDRINUSE: Errno.ADDRINUSE,
  EADDRNOTAVAIL: Errno.ADDRNOTAVAIL, EAFNOSUPPORT: Errno.AFNOSUPPORT, EAGAIN: Errno.AGAIN,
  EWOULDBLOCK: Errno.AGAIN, EALREADY: Errno.ALREADY, EBADF: Errno.BADF, EBADMSG: Errno.BADMSG,
  EBUSY: Errno.BUSY, ECANCELED: Errno.CANCELED, ECHILD: Errno.CHILD,
  ECONNABORTED: Errno.CONNABORTED, ECONNREFUSED: Errno.CONNREFUSED, ECONNRESET: Errno.CONNRESET,
  EDEADLK: Errno.DEADLK, EDESTADDRREQ: Errno.DESTADDRREQ, EDOM: Errno.DOM, EDQUOT: Errno.DQUOT,
  EEXIST: Errno.EXIST, EFAULT: Errno.FAULT, EFBIG: Errno.FBIG, EHOSTUNREACH: Errno.HOSTUNREACH,
  EIDRM: Errno.IDRM, EILSEQ: Errno.ILSEQ, EINPROGRESS: Errno.INPROGRESS, EINTR: Errno.INTR,
  EINVAL: Errno.INVAL, EIO: Errno.IO, EISCONN: Errno.ISCONN, EISDIR: Errno.ISDIR,
  ELOOP: Errno.LOOP, EMFILE: Errno.MFILE, EMLINK: Errno.MLINK, EMSGSIZE: Errno.MSGSIZE,
  EMULTIHOP: Errno.MULTIHOP, ENAMETOOLONG: Errno.NAMETOOLONG, ENETDOWN: Errno.NETDOWN,
  ENETRESET: Errno.NETRESET, ENETUNREACH: Errno.NETUNREACH, ENFILE: Errno.NFILE,
  ENOBUFS: Errno.NOBUFS, ENODEV: Errno.NODEV, ENOENT: Errno.NOENT, ENOEXEC: Errno.NOEXEC,
  ENOLCK: Errno.NOLCK, ENOLINK: Errno.NOLINK, ENOMEM: Errno.NOMEM, ENOMSG: Errno.NOMSG,
  ENOPROTOOPT: Errno.NOPROTOOPT, ENOSPC: Errno.NOSPC, ENOSYS: Errno.NOSYS,
  ENOTCONN: Errno.NOTCONN, ENOTDIR: Errno.NOTDIR, ENOTEMPTY: Errno.NOTEMPTY,
  ENOTRECOVERABLE: Errno.NOTRECOVERABLE, ENOTSOCK: Errno.NOTSOCK, ENOTSUP: Errno.NOTSUP,
  EOPNOTSUPP: Errno.NOTSUP, ENOTTY: Errno.NOTTY, ENXIO: Errno.NXIO, EOVERFLOW: Errno.OVERFLOW,
  EOWNERDEAD: Errno.OWNERDEAD, EPERM: Errno.PERM, EPIPE: Errno.PIPE, EPROTO: Errno.PROTO,
  EPROTONOSUPPORT: Errno.PROTONOSUPPORT, EPROTOTYPE: Errno.PROTOTYPE, ERANGE: Errno.RANGE,
  EROFS: Errno.ROFS, ESPIPE: Errno.SPIPE, ESRCH: Errno.SRCH, ESTALE: Errno.STALE,
  ETIMEDOUT: Errno.TIMEDOUT, ETXTBSY: Errno.TXTBSY, EXDEV: Errno.XDEV,
};

/**
 * Whether `err` is a failure the guest is meant to see as an errno: an error
 * carrying a POSIX code this map knows (backends throw these, see
 * src/vfs/types.ts), or a JS RangeError, which typed arrays and Buffers throw
 * for a length or offset no store can honour (guest-sized). Anything else
 * thrown below a syscall is a bug in the host or a backend (src/binder.ts).
 */
export function isPosixError(err: unknown): boolean {
  if (err instanceof RangeError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CODE_TO_ERRNO[code] !== undefined;
}

/** The errno for anything thrown below a syscall; what has no POSIX meaning is EIO. */
export function errnoOf(err: unknown): Errno {
  if (err instanceof WasiError) return err.errno;
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') {
      const errno = CODE_TO_ERRNO[code];
      if (errno !== undefined) return errno;
    }
    if (err instanceof RangeError) return Errno.INVAL;
  }
  return Errno.IO;
}

/** An error carrying a POSIX code, as backends throw them. */
export function codeError(code: string, message?: string): Error & { code: string } {
  const e = new Error(message ?? code) as Error & { code: string };
  e.code = code;
  return e;
}
