/** The Node entry: the full WASI host (src/wasi-full.ts) with host directories and fd stdio. */
import { nodePlatform } from './platform/node.js';
import { runWith, type RunOptions, type RunResult } from './run.js';
import type { WASIOptions } from './wasi.js';
import { WASIFullHost } from './wasi-full.js';
import type { SpawnThreadWorker } from './threads/group.js';
import { nodeThreadWorkers } from './threads/node.js';
import { acceptFsShaped, mountFsOption, type FsOption } from './fs-option.js';
import { checkImports } from './link.js';
import { FsShapedFS } from './vfs/fs-shaped.js';

// Node has no bundle budget: `fs` takes any Node-fs-shaped object here ('wasi-host/napi' is this entry).
acceptFsShaped((fs, root, what) => new FsShapedFS(fs, root, what));

export class WASI extends WASIFullHost {
  /** node:wasi's options, plus `fs` (src/fs-option.ts): string preopens then name directories of that fs. */
  constructor(options: WASIOptions & FsOption = {}) {
    // Without fs, print or printErr there is nothing to mount or wrap: the options pass as they are, uncopied.
    super(typeof options !== 'object' || options === null || 'fs' in options || 'print' in options || 'printErr' in options ? mountFsOption(options) : options, nodePlatform);
  }

  protected override threadWorkers(url: string | URL | undefined): SpawnThreadWorker {
    return nodeThreadWorkers(url === undefined ? new URL('./thread-worker.cjs', import.meta.url) : new URL(url));
  }
}

/** Runs a WASI command and returns its exit code and collected output; a missing import is a TypeError that names it. */
export function run(wasm: BufferSource | WebAssembly.Module, options?: RunOptions): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options, checkImports);
}

export { MemFS } from './vfs/memfs.js';
export type { FsOption } from './fs-option.js';
export { NodeFS } from './vfs/node.js';
export * from './exports.js';
export * from './exports-full.js';
export { toAsyncVfs, isAsyncVfs, type AsyncVfs, type AsyncVfsFile } from './vfs/async.js';
export { createVfsBridge, serveVfsBridge, VfsBridgeClient, type VfsBridgeServer } from './vfs/bridge.js';
