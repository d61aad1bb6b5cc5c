import type { Interceptor, InterceptorHost, SyscallCall } from '../binder.js';
import { checkSeed, SeededRandom } from './rng.js';
import { wellTyped } from './typed.js';

/**
 * Deterministic runs (issue 15): the same program with the same seed answers
 * byte for byte the same, so its output and trace can be golden files.
 *
 * - clocks are virtual: every clock_time_get read advances one clock by
 *   `stepNs`; realtime is `epochNs` plus it, monotonic and CPU time are it;
 * - random_get comes from a generator seeded with `seed`;
 * - inode and device numbers are renumbered in the order the guest first sees
 *   them (fd_filestat_get, path_filestat_get, fd_readdir), and timestamps the
 *   host stamped during this run (not those the guest set far in the past or
 *   future) become the virtual clock's time when first seen (so stamps first
 *   seen in one call read equal).
 *
 * Each call still runs on the real host first, so errnos and bounds checks
 * are the host's own; only the values written back are replaced.
 */
export interface DeterministicOptions {
  readonly seed?: number;
  /** How far the virtual clock moves per read, ns. Default 1,000,000 (1 ms). */
  readonly stepNs?: bigint;
  /** Realtime at the start, ns since 1970. Default 2000-01-01T00:00:00Z. */
  readonly epochNs?: bigint;
}

const FILESTAT_SIZE = 64;
const DIRENT_HEADER = 24;
/** Host stamps this long before the run started are still the run's (a MemFS seeded just before). */
const STAMP_WINDOW_NS = 600_000_000_000n;

export function deterministic(options: DeterministicOptions = {}): Interceptor {
  if (typeof options !== 'object' || options === null) throw new TypeError('deterministic must be true or { seed, stepNs, epochNs }');
  const rng = new SeededRandom(checkSeed(options.seed, 'deterministic.seed'));
  const step = options.stepNs ?? 1_000_000n;
  const epoch = options.epochNs ?? 946_684_800_000_000_000n;
  if (typeof step !== 'bigint' || step < 1n) throw new RangeError('deterministic.stepNs must be a bigint of at least 1n');
  if (typeof epoch !== 'bigint' || epoch < 0n) throw new RangeError('deterministic.epochNs must be a bigint of at least 0n');
  const realStart = BigInt(Date.now()) * 1_000_000n - STAMP_WINDOW_NS;
  let now = 0n;
  let host: InterceptorHost | undefined;
  const inos = new Map<bigint, bigint>();
  const devs = new Map<bigint, bigint>();
  const stamps = new Map<bigint, bigint>();
  const renumber = (map: Map<bigint, bigint>, v: bigint, first: bigint): bigint => {
    let out = map.get(v);
    if (out === undefined) map.set(v, (out = first + BigInt(map.size)));
    return out;
  };
  const chunk = new Uint8Array(4096);
  const tick = (): bigint => (now += step);
  const stamp = (v: bigint): bigint => {
    if (v < realStart) return v;
    let out = stamps.get(v);
    // The clock as it reads now, not a tick per stamp: whether two host stamps
    // fell in one millisecond (memfs keeps ms) must not change what follows.
    if (out === undefined) stamps.set(v, (out = epoch + now));
    return out;
  };
  const filestat = (at: number): void => {
    const mem = (host as InterceptorHost).memory;
    if (!mem.fits(at, FILESTAT_SIZE)) return;
    mem.setU64(at, renumber(devs, mem.u64(at), 1n));
    mem.setU64(at + 8, renumber(inos, mem.u64(at + 8), 1000n));
    for (const off of [40, 48, 56]) mem.setU64(at + off, stamp(mem.u64(at + off)));
  };

  const layers: Readonly<Record<string, (next: SyscallCall) => SyscallCall>> = {
    clock_time_get: (next) => (id, precision, timeOut) => {
      const errno = next(id, precision, timeOut);
      if (errno === 0) (host as InterceptorHost).memory.setU64(Number(timeOut), (id === 0 ? epoch : 0n) + tick());
      return errno;
    },
    clock_res_get: (next) => (id, out) => {
      const errno = next(id, out);
      if (errno === 0) (host as InterceptorHost).memory.setU64(Number(out), step);
      return errno;
    },
    random_get: (next) => (buf, len) => {
      const errno = next(buf, len);
      if (errno === 0) {
        const mem = (host as InterceptorHost).memory;
        const total = Number(len) >>> 0;
        for (let done = 0; done < total; done += chunk.byteLength) {
          const part = chunk.subarray(0, Math.min(chunk.byteLength, total - done));
          rng.fill(part);
          mem.write((Number(buf) >>> 0) + done, part);
        }
      }
      return errno;
    },
    fd_filestat_get: (next) => (fd, out) => {
      const errno = next(fd, out);
      if (errno === 0) filestat(Number(out));
      return errno;
    },
    path_filestat_get: (next) => (fd, flags, path, pathLen, out) => {
      const errno = next(fd, flags, path, pathLen, out);
      if (errno === 0) filestat(Number(out));
      return errno;
    },
    fd_readdir: (next) => (fd, buf, bufLen, cookie, usedOut) => {
      const errno = next(fd, buf, bufLen, cookie, usedOut);
      if (errno !== 0) return errno;
      const mem = (host as InterceptorHost).memory;
      const base = Number(buf) >>> 0;
      const used = mem.u32(Number(usedOut));
      // Whole headers only; a cut-off last entry keeps its bytes, the guest reads it again.
      for (let at = 0; at + DIRENT_HEADER <= used; at += DIRENT_HEADER + mem.u32(base + at + 16)) {
        mem.setU64(base + at + 8, renumber(inos, mem.u64(base + at + 8), 1000n));
      }
      return errno;
    },
  };

  return {
    attach(h) {
      host = h;
    },
    intercept(call, next) {
      const fn = layers[call.name]?.(next);
      if (fn === undefined) return undefined;
      return (...args) => (wellTyped(call, args) ? fn(...args) : next(...args));
    },
  };
}
