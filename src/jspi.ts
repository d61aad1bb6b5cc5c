import { EventType, FdFlags, SubClockFlags } from './abi/constants.js';
import { SUBSCRIPTION_PREVIEW1, SUBSCRIPTION_UNSTABLE, SubscriptionOff, type SubscriptionLayout } from './abi/layout.js';
import type { HostStream } from './platform/types.js';
import type { SyscallCall } from './binder.js';
import type { HostContext } from './syscalls/context.js';
import { readClock } from './syscalls/clock.js';
import { Suspend, type Journal } from './vfs/journal.js';

/**
 * JSPI mode (docs/async-seam.md, "wait, then run"): fd_read and poll_oneoff
 * become WebAssembly.Suspending imports that first await what the call would
 * wait for (typed input, the first clock) and then run the unchanged
 * synchronous syscall, which finds the input there or the time passed. No
 * syscall is ever half-run across a suspension. Every other import stays a
 * plain import (a Suspending import costs 130-170 ns a call even when it
 * does not wait: docs/async-seam.md, table 3).
 */

interface JSPI {
  Suspending: new (fn: (...args: never[]) => unknown) => unknown;
  promising: (fn: unknown) => (...args: unknown[]) => Promise<unknown>;
}

/** The engine's JSPI, or a TypeError that says where it is missing and what to use instead. */
export function jspi(): JSPI {
  const wa = WebAssembly as unknown as Partial<JSPI>;
  if (typeof wa.Suspending !== 'function' || typeof wa.promising !== 'function') {
    throw new TypeError(
      'JSPI (WebAssembly.Suspending and WebAssembly.promising) is not available in this engine (Chromium 137+ has it; ' +
        'Node 20, Firefox and Safari do not by default): run the program in a Worker with spawn() from wasi-host/runner instead',
    );
  }
  return wa as JSPI;
}

const TWO_32 = 4294967296;

/**
 * The stream that input for `fd` would come from, if none is there yet. A
 * read on an O_NONBLOCK fd never waits (EAGAIN), but a poll on it does.
 */
function waitingStream(ctx: HostContext, fd: number, reading: boolean): HostStream | undefined {
  const d = ctx.fds.peek(fd);
  if (d?.kind !== 'stream' || (reading && (d.fdflags & FdFlags.NONBLOCK) !== 0)) return undefined;
  const s = d.stream;
  return s.ready !== undefined && s.available?.() === -1 ? s : undefined;
}

/**
 * What poll_oneoff would wait for: the least clock wait in ms (Infinity if
 * none) and the first stream not ready, or null if some subscription is ready
 * now. Reads each subscription once, keeping a few numbers (poll.ts's rule);
 * anything odd is left for the syscall itself to answer: no wait.
 */
function pollWait(ctx: HostContext, sub: SubscriptionLayout, inPtr: number, nsubs: number): { ms: number; stream: HostStream | undefined } | null {
  const n = nsubs >>> 0;
  const at0 = inPtr >>> 0;
  if (n === 0 || at0 + n * sub.size > ctx.mem.u8.byteLength) return null;
  const v = ctx.mem.view;
  let ms = Infinity;
  let stream: HostStream | undefined;
  for (let i = 0; i < n; i++) {
    const at = at0 + i * sub.size;
    const tag = v.getUint8(at + SubscriptionOff.TAG);
    if (tag === EventType.CLOCK) {
      const id = v.getUint32(at + sub.clockId, true);
      const t = readClock(ctx, id);
      if (t === undefined) return null;
      let ns = v.getUint32(at + sub.clockTimeout + 4, true) * TWO_32 + v.getUint32(at + sub.clockTimeout, true);
      if (v.getUint16(at + sub.clockFlags, true) & SubClockFlags.ABSTIME) ns -= Number(t);
      ms = Math.min(ms, Math.max(0, ns / 1e6));
    } else if (tag === EventType.FD_READ) {
      const s = waitingStream(ctx, v.getUint32(at + sub.fd, true), false);
      if (s === undefined) return null;
      stream ??= s;
    } else return null;
  }
  return ms === 0 ? null : { ms, stream };
}

function delay(ms: number, input: Promise<void> | undefined): Promise<void> {
  if (ms === Infinity) return input ?? Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return (input === undefined ? timeout : Promise.race([timeout, input])).finally(() => clearTimeout(timer));
}

type Call = (...a: (number | bigint)[]) => number;

/**
 * `fn` run as src/vfs/journal.ts says: answered at once when every backend
 * call it makes is answered, otherwise a promise of its answer, run again
 * after each wait until it needs none.
 */
export function rerunning(journal: Journal, fn: Call): (...a: (number | bigint)[]) => number | Promise<number> {
  const again = async (args: (number | bigint)[], wait: Suspend): Promise<number> => {
    for (;;) {
      await wait.promise;
      journal.again();
      const r = attempt(journal, fn, args);
      if (!(r instanceof Suspend)) return r;
      wait = r;
    }
  };
  return (...args) => {
    journal.begin();
    const r = attempt(journal, fn, args);
    return r instanceof Suspend ? again(args, r) : r;
  };
}

/** One run of `fn`: its answer, or the Suspend whose promise comes before the next run; the journal ends with an answer or a failure. */
function attempt(journal: Journal, fn: Call, args: (number | bigint)[]): number | Suspend {
  try {
    const r = fn(...args);
    journal.end();
    return r;
  } catch (e) {
    if (e instanceof Suspend) return e;
    journal.end();
    throw e;
  }
}

/** The imports that may reach a backend, and so may wait on an AsyncVfs. */
const reachesBackend = (name: string): boolean => name.startsWith('fd_') || name.startsWith('path_') || name === 'poll_oneoff';

/**
 * The import object's functions for JSPI mode: `bound` (the plain imports,
 * bound to a context whose sleeps return at once, since the wait happened
 * here) with fd_read and poll_oneoff made Suspending; with an AsyncVfs
 * mounted (`journal`), every import that may reach a backend is Suspending
 * and re-run after each wait.
 */
export function suspendingImports(ctx: HostContext, plain: Record<string, SyscallCall>, unstable: boolean, journal?: Journal): Record<string, unknown> {
  const { Suspending } = jspi();
  const sub = unstable ? SUBSCRIPTION_UNSTABLE : SUBSCRIPTION_PREVIEW1;
  // `bound`: what the two waiting imports below call; `wrapped`: what the guest imports.
  const bound: Record<string, unknown> = { ...plain };
  const wrapped: Record<string, unknown> = { ...plain };
  if (journal !== undefined) {
    for (const [name, fn] of Object.entries(plain)) {
      if (!reachesBackend(name)) continue;
      bound[name] = rerunning(journal, fn as Call);
      wrapped[name] = new Suspending(bound[name] as (...a: never[]) => unknown);
    }
  }
  const read = bound.fd_read as (...a: number[]) => number | Promise<number>;
  const poll = bound.poll_oneoff as (...a: number[]) => number | Promise<number>;
  return {
    ...wrapped,
    fd_read: new Suspending(async (fd: number, iovs: number, n: number, out: number) => {
      const s = waitingStream(ctx, fd, true);
      if (s !== undefined) await s.ready!();
      return read(fd, iovs, n, out);
    }),
    poll_oneoff: new Suspending(async (inPtr: number, outPtr: number, nsubs: number, nout: number) => {
      const w = pollWait(ctx, sub, inPtr, nsubs);
      if (w !== null) {
        // Timers may fire a little early by the guest's clock; the guest must never wake early by it.
        const end = ctx.platform.monotonicNs() + w.ms * 1e6;
        for (let left = w.ms; left > 0; left = (end - ctx.platform.monotonicNs()) / 1e6) {
          const input = w.stream?.ready?.();
          if (w.stream !== undefined && input === undefined) break;
          await delay(left, input);
        }
      }
      return poll(inPtr, outPtr, nsubs, nout);
    }),
  };
}
