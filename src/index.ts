/** The Node entry: the WASI host with host directories and fd stdio. */
import { nodePlatform } from './platform/node.js';
import { runWith, type RunOptions, type RunResult } from './run.js';
import { WASIHost, type WASIOptions } from './wasi.js';

export class WASI extends WASIHost {
  constructor(options: WASIOptions = {}) {
    super(options, nodePlatform);
  }
}

/** Runs a WASI command and returns its exit code and collected output. */
export function run(wasm: BufferSource | WebAssembly.Module, options?: RunOptions): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options);
}

export { MemFS } from './vfs/memfs.js';
export { NodeFS } from './vfs/node.js';
export * from './exports.js';
