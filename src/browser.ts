/**
 * The browser entry: the core (src/core.ts) plus the in-memory backend.
 * No Node built-ins are reachable from here; the browser build bundles memfs's tree
 * with small stand-ins for the few Node modules it imports (scripts/browser-build.mjs).
 */
import { WASI as CoreWASI } from './core.js';
import { mountFsOption, type FsOption } from './fs-option.js';
import type { WASIOptions } from './options.js';

export * from './core.js';
export { MemFS, type MemFSSeed } from './vfs/memfs.js';
export type { FsOption } from './fs-option.js';

/** The core's WASI, plus `fs` (src/fs-option.ts): string preopens then name directories of that fs, as @tybys/wasm-util's WASI takes them. */
export class WASI extends CoreWASI {
  constructor(options: WASIOptions & FsOption = {}) {
    super(mountFsOption(options));
  }
}
export { StdinQueue } from './stdin-queue.js';
export { saveToOPFS, loadFromOPFS } from './vfs/opfs-snapshot.js';
