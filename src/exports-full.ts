/**
 * What the full entries (src/index.ts, src/browser.ts) export besides
 * src/exports.ts: the types of what src/wasi-full.ts adds to the core.
 */
export type { ThreadedStartOptions } from './wasi-full.js';
export type { TraceEntry } from './trace.js';
export type { EmbedderMemory, GuestAllocator } from './embedder-memory.js';
