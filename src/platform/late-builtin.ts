import { createRequire } from 'node:module';

/** Node's modules loaded at first use, by name. */
interface LateBuiltins {
  'node:crypto': typeof import('node:crypto');
  'node:tty': typeof import('node:tty');
  'node:worker_threads': typeof import('node:worker_threads');
}

let fallback: NodeRequire | undefined;

/**
 * One of Node's modules that only some runs use (node:crypto for random_get,
 * node:tty for a stdio's filetype, node:worker_threads for guest threads),
 * loaded at first use instead of at `import 'wasi-host'`: each costs a fresh
 * process 1–4 ms to load (BENCHMARKS.md, "Issue 14, part 7"), and most runs
 * need one of them at most. `process.getBuiltinModule` (Node 20.16+) works
 * wherever wasi-host's code ends up, a CommonJS bundle of an embedder's app
 * included, where `import.meta.url` is empty; older Node gets a `require`
 * made from this module.
 */
export function lateBuiltin<K extends keyof LateBuiltins>(id: K): LateBuiltins[K] {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get === 'function') return get(id) as LateBuiltins[K];
  return (fallback ??= createRequire(import.meta.url))(id) as LateBuiltins[K];
}
