import { createRequire } from 'node:module';

/**
 * Node's modules that only some runs use (node:crypto for random_get,
 * node:tty for a stdio's filetype, node:worker_threads for guest threads),
 * loaded at first use instead of at `import 'wasi-host'`: each costs a fresh
 * process 1–4 ms to load (BENCHMARKS.md, "Issue 14, part 7"), and most runs
 * need one of them at most.
 */
export const nodeRequire = createRequire(import.meta.url);
