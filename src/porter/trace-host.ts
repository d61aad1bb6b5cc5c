import { GuestMemory } from '../memory.js';
import { SYSCALLS } from '../syscalls/table.js';
import { tracing, type TraceEntry } from '../trace.js';

/**
 * Traces of any host (issue 15): wraps another host's import object
 * (node:wasi's `wasiImport`, browser_wasi_shim's `wasiImport`) in the same
 * tracing layer wasi-host uses, so its calls read like `--trace` lines.
 * Functions the table does not know are passed through untouched.
 */
export interface TracedHost<T> {
  /** The wrapped functions, to hand to WebAssembly.instantiate in place of the originals. */
  readonly wasiImport: T;
  /** Call with the instance's memory after instantiating, before the program runs. */
  attach(memory: WebAssembly.Memory): void;
}

type HostFn = (...args: (number | bigint)[]) => number | undefined;

export function traceHost<T extends object>(wasiImport: T, trace: (entry: TraceEntry) => void): TracedHost<T> {
  if (typeof wasiImport !== 'object' || wasiImport === null) throw new TypeError('traceHost: pass the other host\'s import functions, e.g. nodeWasi.wasiImport');
  if (typeof trace !== 'function') throw new TypeError('traceHost: trace must be a function');
  const mem = new GuestMemory();
  const layer = tracing(mem, trace);
  const source = wasiImport as Record<string, unknown>;
  const out: Record<string, unknown> = { ...source };
  for (const def of SYSCALLS) {
    const fn = source[def.name];
    if (typeof fn !== 'function') continue;
    const bound = (fn as HostFn).bind(wasiImport);
    out[def.name] = layer.intercept(def, bound) ?? bound;
  }
  return {
    wasiImport: out as T,
    attach(memory) {
      if (!(memory instanceof WebAssembly.Memory)) throw new TypeError('traceHost().attach: pass instance.exports.memory');
      mem.attach(memory);
    },
  };
}
