/**
 * The browser entry: the core (src/core.ts) plus the in-memory backend.
 * No Node built-ins are reachable from here; the browser build bundles memfs's tree
 * with small stand-ins for the few Node modules it imports (scripts/browser-build.mjs).
 */
export * from './core.js';
export { MemFS, type MemFSSeed } from './vfs/memfs.js';
