/**
 * The browser entry: the core (src/core.ts) plus the in-memory backend.
 * No Node built-ins are reachable from here; the browser build bundles memfs
 * with small polyfills for the few Node modules it imports (scripts/build.mjs).
 */
export * from './core.js';
export { MemFS, type MemFSSeed } from './vfs/memfs.js';
export { StdinQueue } from './stdin-queue.js';
export { saveToOPFS, loadFromOPFS } from './vfs/opfs-snapshot.js';
