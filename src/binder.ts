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
   * Called once per import, when the host binds it: the first time the
   * import is read (instantiation reads those the module declares). Returns the
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

/**
 * The imports of `table` bound to the context, with `layers` around each (innermost
 * first): an object with every name of the table, each import's closure made
 * the first time it is read (a module reads the imports it declares when it is
 * instantiated: a program importing 8 of 46 makes 8). Reads, spreads,
 * Object.keys/entries and property descriptors all see functions, each made
 * once; a name the embedder sets or deletes stays as set.
 */
export function bindImports(
  ctx: HostContext, table: readonly SyscallDef[], layers: readonly Interceptor[], onHostError: HostErrorPolicy,
): Record<string, SyscallCall> {
  const b = bindingOf(table, onHostError);
  const get = (out: Record<string, SyscallCall | null>, name: string): SyscallCall | null => {
    let fn = out[name];
    const p = fn === null ? planOf(b, name) : undefined;
    if (p !== undefined) {
      fn = boundary(ctx, p);
      for (let j = 0; j < layers.length; j++) fn = layers[j].intercept(p.def, fn) ?? fn;
      out[name] = fn;
    }
    return fn;
  };
  // A copy of a fast object of every name (null until bound): a fresh object grown name by name costs ten times as much.
  return new Proxy({ ...b.unbound } as Record<string, SyscallCall | null>, {
    get,
    getOwnPropertyDescriptor: (out, name: string) => (get(out, name), Reflect.getOwnPropertyDescriptor(out, name)),
  }) as Record<string, SyscallCall>;
}

/**
 * The plain import, the errno boundary: checks the arguments against the
 * import's core signature (table.ts: as many as declared, a BigInt for each
 * i64, a 32-bit integer, signed or unsigned, for each i32; otherwise EINVAL,
 * as from node:wasi, and nothing runs), then calls the syscall with the
 * context and turns what it throws into an errno (guarded, failure). Fixed
 * arities avoid rest arguments on the hot paths; each closure holds the
 * context and the plan only.
 */
function boundary(ctx: HostContext, p: Plan): SyscallCall {
  // clock_time_get: no try/catch to set up (measured with bench/ab.mjs: 43 ns a call against 48 through guarded()).
  if (p.def.total === true && p.n === 3) {
    return function (a: V, b: V, c: V) {
      if (arguments.length !== 3 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4)) return INVAL;
      return p.f(ctx, a, b, c);
    } as SyscallCall;
  }
  switch (p.n) {
    case 0: return function () {
      if (arguments.length !== 0) return INVAL;
      return guarded(ctx, p);
    } as SyscallCall;
    case 1: return function (a: V) {
      if (arguments.length !== 1 || bad(a, p.m & 1)) return INVAL;
      return guarded(ctx, p, a);
    } as SyscallCall;
    case 2: return function (a: V, b: V) {
      if (arguments.length !== 2 || bad(a, p.m & 1) || bad(b, p.m & 2)) return INVAL;
      return guarded(ctx, p, a, b);
    } as SyscallCall;
    case 3: return function (a: V, b: V, c: V) {
      if (arguments.length !== 3 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4)) return INVAL;
      return guarded(ctx, p, a, b, c);
    } as SyscallCall;
    case 4: return function (a: V, b: V, c: V, d: V) {
      if (arguments.length !== 4 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4) || bad(d, p.m & 8)) return INVAL;
      return guarded(ctx, p, a, b, c, d);
    } as SyscallCall;
    case 5: return function (a: V, b: V, c: V, d: V, e1: V) {
      if (arguments.length !== 5 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4) || bad(d, p.m & 8) || bad(e1, p.m & 16)) return INVAL;
      return guarded(ctx, p, a, b, c, d, e1);
    } as SyscallCall;
    case 6: return function (a: V, b: V, c: V, d: V, e1: V, f1: V) {
      if (arguments.length !== 6 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4) || bad(d, p.m & 8) || bad(e1, p.m & 16) || bad(f1, p.m & 32)) return INVAL;
      return guarded(ctx, p, a, b, c, d, e1, f1);
    } as SyscallCall;
    case 7: return function (a: V, b: V, c: V, d: V, e1: V, f1: V, g: V) {
      if (arguments.length !== 7 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4) || bad(d, p.m & 8) || bad(e1, p.m & 16) || bad(f1, p.m & 32) || bad(g, p.m & 64)) return INVAL;
      return guarded(ctx, p, a, b, c, d, e1, f1, g);
    } as SyscallCall;
    // path_open, the one import with nine: every import of both tables has one of these arities
    // (test/witx-table.test.ts), so no other is left to refuse here.
    default: return function (a: V, b: V, c: V, d: V, e1: V, f1: V, g: V, h: V, i: V) {
      if (arguments.length !== 9 || bad(a, p.m & 1) || bad(b, p.m & 2) || bad(c, p.m & 4) || bad(d, p.m & 8) || bad(e1, p.m & 16) || bad(f1, p.m & 32) || bad(g, p.m & 64) || bad(h, p.m & 128) || bad(i, p.m & 256)) return INVAL;
      return guarded(ctx, p, a, b, c, d, e1, f1, g, h, i);
    } as SyscallCall;
  }
}

type AnyFn = (ctx: HostContext, ...args: (number | bigint)[]) => number;
type V = number & bigint;

/**
 * What the boundary of one import needs besides the context, the same for
 * every host: worked out once per table and error policy, so binding an
 * import allocates its closure and nothing else.
 */
interface Plan {
  readonly def: SyscallDef;
  /** The syscall, with stack traces off while it runs for path_* imports (quietly). */
  readonly f: AnyFn;
  /** How many parameters, and which are i64 (bit i for parameter i). */
  readonly n: number;
  readonly m: number;
  readonly eio: boolean;
}

interface Binding {
  /** The table's imports by name. */
  readonly byName: ReadonlyMap<string, SyscallDef>;
  /** Their plans, each worked out the first time a host binds the import. */
  readonly plans: Map<string, Plan>;
  readonly eio: boolean;
  /** An object with every import's name (null: not bound yet), in table order, copied for each host. */
  readonly unbound: object;
}

/** Per error policy and table: tables are module constants, so each is worked out once per process. */
const bindings = { trap: new WeakMap<readonly SyscallDef[], Binding>(), eio: new WeakMap<readonly SyscallDef[], Binding>() };

function bindingOf(table: readonly SyscallDef[], policy: HostErrorPolicy): Binding {
  let b = bindings[policy].get(table);
  if (b === undefined) {
    b = {
      byName: new Map(table.map((def) => [def.name, def])),
      plans: new Map(),
      eio: policy === 'eio',
      unbound: Object.fromEntries(table.map((def) => [def.name, null])),
    };
    bindings[policy].set(table, b);
  }
  return b;
}

/** The plan of import `name`, or undefined if the table has none of that name. */
function planOf(b: Binding, name: string): Plan | undefined {
  let p = b.plans.get(name);
  const def = p === undefined ? b.byName.get(name) : undefined;
  if (def !== undefined) {
    const fn = def.fn as unknown as AnyFn;
    p = {
      def, f: name.startsWith('path_') ? quietly(fn) : fn, n: def.params.length,
      m: def.params.reduce((m, [, type], i) => (type === 'i64' ? m | (1 << i) : m), 0),
      eio: b.eio,
    };
    b.plans.set(name, p);
  }
  return p;
}

/**
 * Path lookups miss as a matter of course (stat probes, O_CREAT|O_EXCL,
 * mkdir -p), and every miss is an exception below, from Node's fs or memfs:
 * the guest gets an errno, so their stacks are never read (stackTracesOff).
 * Made once per syscall, not per host.
 */
function quietly(fn: AnyFn): AnyFn {
  // `apply` with `arguments` passes the arguments on without the array rest arguments allocate per call (path_open is hot).
  return function (this: unknown) {
    const limit = stackTracesOff();
    try {
      return fn.apply(undefined, arguments as unknown as [HostContext, ...(number | bigint)[]]);
    } finally {
      restoreStackTraces(limit);
    }
  };
}

const INVAL = Errno.INVAL;

/** The syscall inside the errno boundary; arguments past its own are undefined, and it ignores them. */
function guarded(ctx: HostContext, p: Plan, a?: V, b?: V, c?: V, d?: V, e1?: V, f1?: V, g?: V, h?: V, i?: V): number {
  try {
    return p.f(ctx, a!, b!, c!, d!, e1!, f1!, g!, h!, i!);
  } catch (e) {
    return failure(e, p);
  }
}

/**
 * Whether `v` is not an i64 (a BigInt) or an i32: a 32-bit integer, signed as
 * the engine passes it, or unsigned as an embedder calling an import from JS
 * may write a pointer.
 */
function bad(v: unknown, i64: number): boolean {
  return i64 !== 0 ? typeof v !== 'bigint' : typeof v !== 'number' || ((v | 0) !== v && v >>> 0 !== v);
}

/** WebAssembly.RuntimeError takes ES2022's error options in every engine we run on; lib.dom's type predates them. */
const TrapError = WebAssembly.RuntimeError as unknown as new (message: string, options: { cause: unknown }) => WebAssembly.RuntimeError;

/**
 * What a syscall's exception becomes. proc_exit's unwinding passes through;
 * a WASI or POSIX error is the guest's errno. Anything else is a bug in the host or a backend: it traps, carrying the
 * original error as `cause`, unless the embedder asked for EIO.
 */
function failure(e: unknown, p: Plan): number {
  if (e instanceof WASIExit || e instanceof Suspend) throw e;
  if (e instanceof WasiError || isPosixError(e)) return errnoOf(e);
  if (p.eio) return Errno.IO;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  throw new TrapError(`wasi-host: ${p.def.name} failed inside the host (a bug in wasi-host or its backend, not the guest's doing): ${what}`, { cause: e });
}
