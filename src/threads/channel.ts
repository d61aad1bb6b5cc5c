import { WASIExit } from '../syscalls/context.js';
import type { SyscallCall } from '../binder.js';
import type { ParamType } from '../syscalls/table.js';

/**
 * The thread channel (docs/async-seam.md, "What issue 12 builds"): one
 * control block of i32 cells per guest thread, in a SharedArrayBuffer. The
 * thread writes a call's number and raw arguments (pointers into the shared
 * guest memory: no bytes travel), publishes REQUEST and blocks in
 * Atomics.wait; the context's owner reads each cell once, runs the import
 * bound to its context (src/binder.ts: the same errno boundary and
 * interceptors as a direct call) and publishes the answer.
 *
 *   cell 0 STATE   IDLE | REQUEST | CLOSED  written by both, waited on by both
 *   cell 1 CALL    index into the table (table.length = thread-spawn)
 *   cells 2..19    arguments, two cells each (an i64 as low, high)
 *   cell 20 KIND   how the call ended: ERRNO | EXIT | TRAP
 *   cell 21 RESULT the errno, tid, or exit status
 */

const STATE = 0;
const CALL = 1;
const ARG0 = 2;
const MAX_PARAMS = 9; // path_open
const KIND = ARG0 + 2 * MAX_PARAMS;
const RESULT = KIND + 1;
const CELLS = RESULT + 1;

export const IDLE = 0;
export const REQUEST = 1;
/** The run is over: every call, pending or new, ends as KIND says (EXIT or TRAP). */
export const CLOSED = 2;

/** How a forwarded call ended on the owner. */
export const enum Outcome {
  ERRNO = 0,
  /** proc_exit: RESULT is the status; the thread unwinds as WASIExit. */
  EXIT = 1,
  /** The owner's import threw something other than an errno: the thread traps. */
  TRAP = 2,
}

/** What a forwarder and the owner need to know of an import: its parameters' core types. */
export interface ChannelCall {
  readonly name: string;
  readonly params: readonly (readonly [string, ParamType])[];
}

/** A fresh control block for one thread. */
export function newControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CELLS * 4));
}

/** Whether `ctl` is a control block made by newControlBlock (a Worker receives it as data). */
export function isControlBlock(ctl: unknown): ctl is Int32Array {
  return ctl instanceof Int32Array && ctl.length === CELLS && typeof SharedArrayBuffer !== 'undefined' && ctl.buffer instanceof SharedArrayBuffer;
}

const LOW = 0xffffffffn;

/**
 * The calling thread's side: one import per call of `calls`, each forwarding
 * its arguments to the owner and returning its answer. The arguments were
 * already checked by nothing: the owner's errno boundary checks them (a
 * mistyped i64 is sent as 0 and the owner's check never sees it, so the
 * forwarder answers EINVAL itself, as the boundary would).
 */
export function forwarders(ctl: Int32Array, calls: readonly ChannelCall[]): SyscallCall[] {
  return calls.map((call, index) => forwarder(ctl, index, call));
}

function forwarder(ctl: Int32Array, index: number, call: ChannelCall): SyscallCall {
  const i64 = call.params.map(([, t]) => t === 'i64');
  const n = i64.length;
  const name = call.name;
  return function (...args: (number | bigint)[]): number {
    if (args.length !== n) return EINVAL;
    for (let i = 0; i < n; i++) {
      const v = args[i];
      if (i64[i]) {
        if (typeof v !== 'bigint') return EINVAL;
        const u = BigInt.asUintN(64, v);
        ctl[ARG0 + 2 * i] = Number(u & LOW) | 0;
        ctl[ARG0 + 2 * i + 1] = Number(u >> 32n) | 0;
      } else {
        if (typeof v !== 'number' || ((v | 0) !== v && v >>> 0 !== v)) return EINVAL;
        ctl[ARG0 + 2 * i] = v | 0;
      }
    }
    ctl[CALL] = index;
    // Only an idle block takes a request: a closed one answers at once.
    if (Atomics.compareExchange(ctl, STATE, IDLE, REQUEST) === IDLE) Atomics.notify(ctl, STATE);
    while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
    if (ctl[KIND] === Outcome.ERRNO) return ctl[RESULT];
    return unwind(ctl, name);
  };
}

/** Ends the calling thread as the owner's answer, or the end of the run, says: proc_exit's status, or a trap. */
function unwind(ctl: Int32Array, name: string): never {
  if (ctl[KIND] === Outcome.EXIT) throw new WASIExit(ctl[RESULT] >>> 0);
  throw new WebAssembly.RuntimeError(`wasi-host: ${name} failed on the thread that owns the context (see the run's error)`);
}

/**
 * A call the thread makes itself (clock-only poll_oneoff, sched_yield),
 * ending with the run as a forwarded call does: once the block is closed it
 * unwinds the thread, before the call or after it (a sleep on the block
 * returns when it closes: sleepOnBlock). Without this a thread that only
 * sleeps would run on until its Worker is terminated, which Chromium does
 * to a busy Worker only after 2 s (README, Threads).
 */
export function local(ctl: Int32Array, name: string, call: SyscallCall): SyscallCall {
  return (...args) => {
    if (Atomics.load(ctl, STATE) === CLOSED) unwind(ctl, name);
    const result = call(...args);
    if (Atomics.load(ctl, STATE) === CLOSED) unwind(ctl, name);
    return result;
  };
}

/** A clock sleep of the thread of `ctl`: returns once `ns` have passed on `monotonicNs`, or at once when close() ends the run. */
export function sleepOnBlock(ctl: Int32Array, monotonicNs: () => number, ns: number): void {
  const end = monotonicNs() + ns;
  for (let left = ns; left > 0 && Atomics.load(ctl, STATE) !== CLOSED; left = end - monotonicNs()) Atomics.wait(ctl, STATE, IDLE, left / 1e6);
}

/** Errno.INVAL, spelled here so the thread side imports no errno table. */
const EINVAL = 28;

/** What the owner does with one request: the import's answer, or the outcome it ended with. */
export type Served = { kind: Outcome.ERRNO; value: number } | { kind: Outcome.EXIT; value: number } | { kind: Outcome.TRAP; value: unknown };

/**
 * The owner's side: an invoker per call that reads the arguments from the
 * block once into a reused array and calls the owner's bound import.
 */
export function invokers(ctl: Int32Array, calls: readonly ChannelCall[], imports: readonly SyscallCall[]): (() => number | undefined)[] {
  return calls.map((call, index) => {
    const i64 = call.params.map(([, t]) => t === 'i64');
    const args: (number | bigint)[] = new Array<number | bigint>(i64.length).fill(0);
    const fn = imports[index];
    return () => {
      for (let i = 0; i < i64.length; i++) {
        const lo = ctl[ARG0 + 2 * i];
        args[i] = i64[i] ? BigInt.asIntN(64, (BigInt(ctl[ARG0 + 2 * i + 1]) << 32n) | BigInt(lo >>> 0)) : lo;
      }
      return fn(...args);
    };
  });
}

/**
 * Serves one thread's block until `stopped()` says so: Atomics.waitAsync
 * keeps the owner's event loop free between calls (docs/async-seam.md, table
 * 2). `handle` runs the call and tells how it ended; an EXIT or TRAP still
 * answers the thread, so it unwinds at once. `stop` wakes the loop.
 */
export async function serveBlock(ctl: Int32Array, run: readonly (() => number | undefined)[], settle: (call: number, outcome: Served) => void, stopped: () => boolean): Promise<void> {
  for (;;) {
    while (Atomics.load(ctl, STATE) !== REQUEST) {
      if (stopped()) return;
      const w = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctl, STATE, IDLE);
      if (w.async) await w.value;
    }
    if (stopped()) return;
    const call = ctl[CALL];
    const invoke = run[call];
    let kind: Outcome = Outcome.ERRNO;
    let result = EINVAL;
    if (invoke !== undefined) {
      try {
        result = invoke() ?? 0;
      } catch (e) {
        if (e instanceof WASIExit) {
          kind = Outcome.EXIT;
          result = e.code;
          settle(call, { kind, value: e.code });
        } else {
          kind = Outcome.TRAP;
          settle(call, { kind, value: e });
        }
      }
    }
    // A call that ended the run (proc_exit, a trap) has closed every block, this one too: the closing answer stands.
    if (Atomics.load(ctl, STATE) !== REQUEST) continue;
    ctl[KIND] = kind;
    ctl[RESULT] = result;
    Atomics.store(ctl, STATE, IDLE);
    Atomics.notify(ctl, STATE);
  }
}

/** ES2024's Atomics.waitAsync (Node 16+, Chromium 87+), absent from the ES2022 lib this project compiles against. */
interface AtomicsWaitAsync {
  waitAsync(cells: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * Ends the run for the thread of `ctl`: its pending call and any later one
 * unwind it at once (as proc_exit, or as a trap), so a thread that calls
 * WASI stops before its Worker is even terminated. Also wakes the owner's
 * serveBlock loop, so it sees that it was stopped.
 */
export function close(ctl: Int32Array, outcome: Outcome.EXIT | Outcome.TRAP, status: number): void {
  ctl[KIND] = outcome;
  ctl[RESULT] = status;
  Atomics.store(ctl, STATE, CLOSED);
  Atomics.notify(ctl, STATE);
}
