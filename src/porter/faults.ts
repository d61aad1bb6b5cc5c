import { ERRNO_NAMES } from '../abi/errno.js';
import type { Interceptor, InterceptorHost, SyscallCall } from '../binder.js';
import { injectableErrno } from './errnos.js';
import { checkSeed, SeededRandom } from './rng.js';
import { wellTyped } from './typed.js';

/**
 * Seeded fault injection (issue 15): the host answers as a correct but
 * unhelpful host may — short transfers, one directory entry per call, a
 * chosen errno, clocks that jump — so a program's error and retry paths run
 * on purpose. The same plan and seed give the same faults at the same calls,
 * and every fault is named on the call's trace line.
 */
export interface FaultPlan {
  /** Seeds every random choice (transfer sizes, probabilities). Default 1. */
  readonly seed?: number;
  /** fd_read and fd_pread transfer 1 to n bytes of the n asked for, into the first non-empty iovec only. */
  readonly shortReads?: boolean;
  /** fd_write and fd_pwrite likewise. */
  readonly shortWrites?: boolean;
  /**
   * fd_readdir returns one entry per call, each call answered from a fresh
   * listing (cookies index into it, as in wasmtime): a program that deletes
   * entries while it reads the directory skips entries.
   */
  readonly readdirOneEntry?: boolean;
  /** Calls that fail with a chosen errno. */
  readonly errnos?: readonly ErrnoFault[];
  /** clock_time_get's realtime and monotonic answers jump by `ns` at every `every`-th read (realtime may jump back). */
  readonly clockJump?: ClockJump;
}

export interface ErrnoFault {
  /** The import, e.g. 'fd_write'. */
  readonly call: string;
  /** The errno as C spells it ('ENOSPC') or as witx does ('nospc'); only those POSIX gives for the call. */
  readonly errno: string;
  /** Fail the nth call (1-based) to `call`; default 1 unless `probability` is given. */
  readonly nth?: number;
  /** Fail each call with this probability (0..1), from the seeded generator. */
  readonly probability?: number;
  /** Only calls on this descriptor. */
  readonly fd?: number;
}

export interface ClockJump {
  readonly every: number;
  readonly ns: bigint;
}

interface ErrnoRule {
  readonly errno: number;
  readonly nth: number | undefined;
  readonly probability: number | undefined;
  readonly fd: number | undefined;
  seen: number;
}

const IOV_SIZE = 8;
/** Iovecs looked at for the first non-empty one: enough for any libc, bounded whatever the guest passes. */
const IOV_SCAN = 64;
const DIRENT_HEADER = 24;

function checkPlan(plan: FaultPlan): Map<string, ErrnoRule[]> {
  if (typeof plan !== 'object' || plan === null) throw new TypeError('faults must be an object such as { shortReads: true, seed: 7 }');
  const rules = new Map<string, ErrnoRule[]>();
  (plan.errnos ?? []).forEach((f, i) => {
    const where = `faults.errnos[${i}]`;
    if (typeof f?.call !== 'string' || typeof f.errno !== 'string') throw new TypeError(`${where} must be { call: 'fd_write', errno: 'ENOSPC', nth?: n, probability?: p }`);
    const errno = injectableErrno(f.call, f.errno, where);
    if (f.nth !== undefined && (!Number.isInteger(f.nth) || f.nth < 1)) throw new RangeError(`${where}.nth must be an integer of at least 1`);
    if (f.probability !== undefined && !(f.probability >= 0 && f.probability <= 1)) throw new RangeError(`${where}.probability must be from 0 to 1`);
    if (f.nth !== undefined && f.probability !== undefined) throw new TypeError(`${where}: give nth or probability, not both`);
    const list = rules.get(f.call) ?? [];
    list.push({ errno, nth: f.probability === undefined ? (f.nth ?? 1) : undefined, probability: f.probability, fd: f.fd, seen: 0 });
    rules.set(f.call, list);
  });
  const j = plan.clockJump;
  if (j !== undefined && (!Number.isInteger(j.every) || j.every < 1 || typeof j.ns !== 'bigint')) {
    throw new TypeError('faults.clockJump must be { every: n (1 or more), ns: bigint }');
  }
  return rules;
}

/** The fault-injection layer for `plan`. */
export function faultInjection(plan: FaultPlan): Interceptor {
  const rules = checkPlan(plan);
  const rng = new SeededRandom(checkSeed(plan.seed, 'faults.seed'));
  let host: InterceptorHost | undefined;
  let clockReads = 0;
  let jumped = 0n;

  /** The rule that fires on this call, if any (each rule counts the calls it applies to). */
  const firing = (list: ErrnoRule[], fd: number | bigint | undefined): ErrnoRule | undefined => {
    for (const r of list) {
      if (r.fd !== undefined && r.fd !== fd) continue;
      r.seen++;
      if (r.nth !== undefined ? r.seen === r.nth : rng.float() < (r.probability as number)) return r;
    }
    return undefined;
  };

  /** Passes at most a random 1..n bytes of the first non-empty iovec to `next`. */
  const shortTransfer = (name: string, next: SyscallCall): SyscallCall => (fd, iovs, iovsLen, ...rest) => {
    const mem = (host as InterceptorHost).memory;
    const base = Number(iovs) >>> 0;
    const count = Math.min(Number(iovsLen) >>> 0, IOV_SCAN);
    if (!mem.fits(base, count * IOV_SIZE)) return next(fd, iovs, iovsLen, ...rest);
    for (let i = 0; i < count; i++) {
      const at = base + i * IOV_SIZE;
      const len = mem.u32(at + 4);
      if (len === 0) continue;
      const cut = rng.int(1, len);
      // The guest's iovec says `cut` for the length of this one call; its own value is put back after.
      mem.setU32(at + 4, cut);
      try {
        const errno = next(fd, at, 1, ...rest);
        if (errno === 0) host?.note(`fault: short ${name === 'fd_read' || name === 'fd_pread' ? 'read' : 'write'}, ${cut} of ${len} bytes offered`);
        return errno;
      } finally {
        if (mem.fits(at, IOV_SIZE)) mem.setU32(at + 4, len);
      }
    }
    return next(fd, iovs, iovsLen, ...rest);
  };

  /** One entry per call, from a fresh listing: the rest of the buffer becomes a truncated entry, so bufused == buf_len still says "more". */
  const oneEntry = (next: SyscallCall): SyscallCall => (fd, buf, bufLen, cookie, bufusedOut) => {
    const mem = (host as InterceptorHost).memory;
    // Cookie 0 makes the host list the directory afresh; the call that counts is the next one.
    if (cookie !== 0n && next(fd, buf, bufLen, 0n, bufusedOut) !== 0) return next(fd, buf, bufLen, cookie, bufusedOut);
    const errno = next(fd, buf, bufLen, cookie, bufusedOut);
    if (errno !== 0) return errno;
    const b = Number(buf) >>> 0;
    const len = Number(bufLen) >>> 0;
    const used = mem.u32(Number(bufusedOut));
    if (used < DIRENT_HEADER) return errno;
    const first = DIRENT_HEADER + mem.u32(b + 16);
    if (used <= first) return errno;
    const rest = len - first;
    // The spec lets the last entry be cut short (docs.md#fd_readdir); a name that runs past the buffer is what cut means to a reader.
    if (rest >= DIRENT_HEADER) mem.setU32(b + first + 16, Math.max(mem.u32(b + first + 16), rest - DIRENT_HEADER + 1));
    mem.setU32(Number(bufusedOut), len);
    host?.note('fault: one entry per fd_readdir call');
    return errno;
  };

  const clock = (next: SyscallCall): SyscallCall => (id, precision, timeOut) => {
    const errno = next(id, precision, timeOut);
    const j = plan.clockJump as ClockJump;
    if (errno !== 0 || (id !== 0 && id !== 1)) return errno;
    if (++clockReads % j.every === 0) {
      jumped += id === 1 && j.ns < 0n ? 0n : j.ns;
      host?.note(`fault: clock jumped by ${j.ns} ns`);
    }
    if (jumped === 0n) return errno;
    const mem = (host as InterceptorHost).memory;
    const t = mem.u64(Number(timeOut)) + jumped;
    mem.setU64(Number(timeOut), t < 0n ? 0n : t);
    return errno;
  };

  return {
    attach(h) {
      host = h;
    },
    intercept(call, next) {
      let fn: SyscallCall | undefined;
      const name = call.name;
      if (plan.shortReads === true && (name === 'fd_read' || name === 'fd_pread')) fn = shortTransfer(name, next);
      if (plan.shortWrites === true && (name === 'fd_write' || name === 'fd_pwrite')) fn = shortTransfer(name, next);
      if (plan.readdirOneEntry === true && name === 'fd_readdir') fn = oneEntry(next);
      if (plan.clockJump !== undefined && name === 'clock_time_get') fn = clock(next);
      const list = rules.get(name);
      const inner = fn ?? next;
      if (list === undefined) return fn === undefined ? undefined : (...args) => (wellTyped(call, args) ? inner(...args) : next(...args));
      const fdAt = call.params.findIndex(([p]) => p === 'fd');
      return (...args) => {
        if (!wellTyped(call, args)) return next(...args);
        const r = firing(list, fdAt < 0 ? undefined : args[fdAt]);
        if (r === undefined) return inner(...args);
        host?.note(`fault: injected E${ERRNO_NAMES[r.errno].toUpperCase()} at call ${r.seen} of ${name}`);
        return r.errno;
      };
    },
  };
}
