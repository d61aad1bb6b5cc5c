/** The browser entry: no Node built-ins are reachable from here. */
import { browserPlatform } from './platform/browser.js';
import { runWith, type RunResult } from './run.js';
import { WASIHost, type WASIOptions } from './wasi.js';

export class WASI extends WASIHost {
  constructor(options: WASIOptions = {}) {
    super(options, browserPlatform);
  }
}

export function run(wasm: BufferSource | WebAssembly.Module, options?: Omit<WASIOptions, 'stdout' | 'stderr'>): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options);
}

export { MemFS } from './vfs/memfs.js';
export { Errno, ERRNO_NAMES } from './abi/errno.js';
export { WASIExit } from './syscalls/context.js';
export { SYSCALLS } from './syscalls/table.js';
export type { WASIOptions, WASIImport, TraceEntry } from './wasi.js';
export type { RunResult } from './run.js';
export type { Vfs, VfsFile, VfsStat, VfsKind, VfsDirEntry, VfsOpenFlags, VfsTime } from './vfs/types.js';
export type { StdinOption, StdoutOption, ReadableSource, WritableLike } from './stdio.js';
