/**
 * What the full entries (src/index.ts, src/browser.ts) export besides
 * src/exports.ts: what src/wasi-full.ts adds to the core.
 */
export { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
export type { ThreadedStartOptions } from './wasi-full.js';
export type { TraceEntry } from './trace.js';
export type { EmbedderMemory, GuestAllocator } from './embedder-memory.js';
