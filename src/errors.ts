import { Errno, ERRNO_NAMES, WasiError } from './abi/errno.js';

/**
 * The one map from host error codes (Node's `err.code`, memfs's, and any
 * backend that follows them) to WASI errno. By name, never by number: Linux
 * ENOENT is 2, WASI `noent` is 44.
 */
let codes: Readonly<Record<string, Errno>> | undefined;

/**
 * POSIX spells every WASI errno but success and notcapable as E + its name
 * in capitals (`noent` is ENOENT, `2big` is E2BIG), plus two aliases Linux
 * gives a second name: built from the one name table (src/abi/errno.ts), at
 * the first error with a code, not at import: most runs never have one, and
 * building it cost a fresh process ~0.2 ms of `import 'wasi-host'`
 * (BENCHMARKS.md, "Issue 14, part 8").
 */
function codeMap(): Record<string, Errno> {
  // No prototype: a code such as 'toString' or '__proto__' is no POSIX code, and must not find Object's.
  const map: Record<string, Errno> = Object.assign(Object.create(null) as Record<string, Errno>, { EWOULDBLOCK: Errno.AGAIN, EOPNOTSUPP: Errno.NOTSUP });
  for (let e = Errno.TOOBIG; e < Errno.NOTCAPABLE; e++) map[`E${ERRNO_NAMES[e].toUpperCase()}`] = e;
  return map;
}

/** The errno of the POSIX code `err` carries, or undefined if it carries none this map knows. */
function errnoOfCode(err: unknown): Errno | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? (codes ??= codeMap())[code] : undefined;
}

/**
 * Whether `err` is a failure the guest is meant to see as an errno: an error
 * carrying a POSIX code this map knows (backends throw these, see
 * src/vfs/types.ts), or a JS RangeError, which typed arrays and Buffers throw
 * for a length or offset no store can honour (guest-sized). Anything else
 * thrown below a syscall is a bug in the host or a backend (src/binder.ts).
 */
export function isPosixError(err: unknown): boolean {
  return err instanceof RangeError || errnoOfCode(err) !== undefined;
}

/** The errno for anything thrown below a syscall; what has no POSIX meaning is EIO. */
export function errnoOf(err: unknown): Errno {
  if (err instanceof WasiError) return err.errno;
  return errnoOfCode(err) ?? (err instanceof RangeError ? Errno.INVAL : Errno.IO);
}

/** An error carrying a POSIX code, as backends throw them. */
export function codeError(code: string, message?: string): Error & { code: string } {
  const e = new Error(message ?? code) as Error & { code: string };
  e.code = code;
  return e;
}
