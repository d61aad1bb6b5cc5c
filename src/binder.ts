import { Errno, restoreStackTraces, stackTracesOff, WasiError } from './abi/errno.js';
import { errnoOf, isPosixError } from './errors.js';
import { WASIExit, type HostContext } from './syscalls/context.js';
import { Suspend } from './vfs/suspend.js';
import type { GuestMemory } from './memory.js';
import type { ParamType, SyscallDef } from './syscalls/table.js';

/**
 * The import binder: one function per import of the table, built from the
 * plain syscall function and the interceptors installed around it.
 *
 *   guest -> [interceptors, outermost first] -> errno boundary -> syscall fn
 *
 * The errno boundary is the only place exceptions become errnos (the error
 * idioms, src/syscalls/context.ts). Interceptors see a function of the
 * host-side arguments that returns the errno, and may call it, change the
 * arguments, answer by themselves, or time and record it. An interceptor
 * that declines an import (returns undefined) costs that import nothing, so
 * with none installed an import is the boundary alone: a fixed-arity closure
 * with no rest arguments or allocation per call.
 */

/** What an interceptor is told of an import: its name and its parameters as the spec names them. */
export interface SyscallInfo {
  readonly name: string;
  readonly params: readonly (readonly [string, ParamType])[];
}

/**
 * An import as interceptors call it: the guest's arguments (i32 as number,
 * i64 as bigint), and the errno it answers (undefined from proc_exit, which
 * unwinds instead).
 */
export type SyscallCall = (...args: (number | bigint)[]) => number | undefined;

/** One layer around the imports: tracing, fault injection, checks, forwarding. */
export interface Interceptor {
  /**
   * Called once per import when a host binds its imports. Returns the
   * function that stands in for `next`, or undefined to leave the import
   * alone. Exceptions it lets out are the guest's to see: a `WASIExit`
   * unwinds as proc_exit, anything else traps.
   */
  intercept(call: SyscallInfo, next: SyscallCall): SyscallCall | undefined;
  /**
   * Called once, before `intercept`, by the host the layer is installed in:
   * what a layer needs to read the guest's pointers (fault injection, strict
   * checks, recording) and to mark the trace line of the call it changes.
   */
  attach?(host: InterceptorHost): void;
}

/** What a host hands its interceptors (Interceptor.attach). */
export interface InterceptorHost {
  /** The guest's memory, usable once start() or initialize() has attached it. */
  readonly memory: GuestMemory;
  /** What the guest's descriptor `fd` is and the rights it holds, or undefined when it is not open. */
  descriptor(fd: number): DescriptorInfo | undefined;
  /** Adds a note (an injected fault) to the trace line of the call in progress; nothing without tracing. */
  note(text: string): void;
}

export interface DescriptorInfo {
  readonly kind: 'file' | 'dir' | 'stream';
  readonly rightsBase: bigint;
  readonly rightsInheriting: bigint;
}

/** What a host bug (an exception with no POSIX code) does: trap the guest (default), or answer EIO. */
export type HostErrorPolicy = 'trap' | 'eio';

/** The imports of `table` bound to `ctx`, with `layers` around each (innermost first). */
export function bindImports(
  ctx: HostContext, table: readonly SyscallDef[], layers: readonly Interceptor[], onHostError: HostErrorPolicy,
): Record<string, SyscallCall> {
  const out: Record<string, SyscallCall> = {};
  for (const def of table) {
    let fn = boundary(ctx, def, onHostError);
    for (const layer of layers) fn = layer.intercept(def, fn) ?? fn;
    out[def.name] = fn;
  }
  return out;
}

type AnyFn = (ctx: HostContext, ...args: (number | bigint)[]) => number;
type V = number & bigint;

/**
 * The plain import: checks the arguments, calls the syscall with the context
 * and turns what it throws into an errno (`failure`).
 *
 * The arguments are first checked against the import's core signature
 * (table.ts): as many as declared, a BigInt for each i64, a 32-bit integer
 * (signed or unsigned) for each i32. A module that declared the import otherwise gets EINVAL, as
 * from node:wasi, and nothing runs. The checks are typeof tests on values
 * already in registers. Fixed arities avoid rest arguments on the hot
 * paths; imports marked `total` skip the try/catch.
 */
function boundary(ctx: HostContext, def: SyscallDef, policy: HostErrorPolicy): SyscallCall {
  const f = def.fn as unknown as AnyFn;
  const k = i64Params(def);
  const k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6];
  const INVAL = Errno.INVAL;
  if (def.total === true && k.length === 3) {
    return function (a: V, b: V, c: V) {
      if (arguments.length !== 3 || bad(a, k0) || bad(b, k1) || bad(c, k2)) return INVAL;
      return f(ctx, a, b, c);
    } as SyscallCall;
  }
  switch (k.length) {
    case 0: return function () {
      if (arguments.length !== 0) return INVAL;
      try { return f(ctx); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 1: return function (a: V) {
      if (arguments.length !== 1 || bad(a, k0)) return INVAL;
      try { return f(ctx, a); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 2: return function (a: V, b: V) {
      if (arguments.length !== 2 || bad(a, k0) || bad(b, k1)) return INVAL;
      try { return f(ctx, a, b); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 3: return function (a: V, b: V, c: V) {
      if (arguments.length !== 3 || bad(a, k0) || bad(b, k1) || bad(c, k2)) return INVAL;
      try { return f(ctx, a, b, c); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 4: return function (a: V, b: V, c: V, d: V) {
      if (arguments.length !== 4 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3)) return INVAL;
      try { return f(ctx, a, b, c, d); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 5: return function (a: V, b: V, c: V, d: V, e1: V) {
      if (arguments.length !== 5 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4)) return INVAL;
      try { return f(ctx, a, b, c, d, e1); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 6: return function (a: V, b: V, c: V, d: V, e1: V, f1: V) {
      if (arguments.length !== 6 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4) || bad(f1, k5)) return INVAL;
      try { return f(ctx, a, b, c, d, e1, f1); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    case 7: return function (a: V, b: V, c: V, d: V, e1: V, f1: V, g: V) {
      if (arguments.length !== 7 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4) || bad(f1, k5) || bad(g, k6)) return INVAL;
      try { return f(ctx, a, b, c, d, e1, f1, g); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    // path_open, the one import with nine.
    case 9: return function (a: V, b: V, c: V, d: V, e1: V, f1: V, g: V, h: V, i: V) {
      if (arguments.length !== 9 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4) || bad(f1, k5) || bad(g, k6) || bad(h, k[7]) || bad(i, k[8])) return INVAL;
      try { return f(ctx, a, b, c, d, e1, f1, g, h, i); } catch (e) { return failure(e, def, policy); }
    } as SyscallCall;
    default: return (...args: (number | bigint)[]) => {
      if (mistyped(args, k)) return INVAL;
      try { return f(ctx, ...args); } catch (e) { return failure(e, def, policy); }
    };
  }
}

/** Per import, which parameters are i64: the same for every host, so worked out once, not per construction. */
const i64Cache = new WeakMap<SyscallDef, readonly boolean[]>();

function i64Params(def: SyscallDef): readonly boolean[] {
  let k = i64Cache.get(def);
  if (k === undefined) {
    k = def.params.map(([, type]) => type === 'i64');
    i64Cache.set(def, k);
  }
  return k;
}

/**
 * Whether `v` is not an i64 (a BigInt) or an i32: a 32-bit integer, signed as
 * the engine passes it, or unsigned as an embedder calling an import from JS
 * may write a pointer.
 */
function bad(v: unknown, i64: boolean | undefined): boolean {
  return i64 === true ? typeof v !== 'bigint' : typeof v !== 'number' || ((v | 0) !== v && v >>> 0 !== v);
}

/** bad() over a whole argument list, which must also have the declared length. */
function mistyped(args: readonly unknown[], i64: readonly boolean[]): boolean {
  if (args.length !== i64.length) return true;
  for (let i = 0; i < args.length; i++) if (bad(args[i], i64[i])) return true;
  return false;
}

/** WebAssembly.RuntimeError takes ES2022's error options in every engine we run on; lib.dom's type predates them. */
const TrapError = WebAssembly.RuntimeError as unknown as new (message: string, options: { cause: unknown }) => WebAssembly.RuntimeError;

/**
 * What a syscall's exception becomes. proc_exit's unwinding passes through;
 * a WASI or POSIX error is the guest's errno. Anything else is a bug in the host or a backend: it traps, carrying the
 * original error as `cause`, unless the embedder asked for EIO.
 */
function failure(e: unknown, def: SyscallDef, policy: HostErrorPolicy): number {
  if (e instanceof WASIExit || e instanceof Suspend) throw e;
  if (e instanceof WasiError || isPosixError(e)) return errnoOf(e);
  if (policy === 'eio') return Errno.IO;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  throw new TrapError(`wasi-host: ${def.name} failed inside the host (a bug in wasi-host or its backend, not the guest's doing): ${what}`, { cause: e });
}

/**
 * Path lookups miss as a matter of course (stat probes, O_CREAT|O_EXCL,
 * mkdir -p), and every miss is an exception below, from Node's fs or memfs:
 * the guest gets an errno, so their stacks are never read (stackTracesOff).
 */
export const quietPathErrors: Interceptor = {
  intercept(call, next) {
    if (!call.name.startsWith('path_')) return undefined;
    // `apply` with `arguments` keeps the guest's argument count for the boundary's check, and V8
    // passes them on without the array rest arguments allocate per call (path_open is hot).
    return function (this: unknown) {
      const limit = stackTracesOff();
      try {
        return next.apply(undefined, arguments as unknown as (number | bigint)[]);
      } finally {
        restoreStackTraces(limit);
      }
    };
  },
};
