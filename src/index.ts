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
export { Errno, ERRNO_NAMES } from './abi/errno.js';
export { WASIExit } from './syscalls/context.js';
export { SYSCALLS } from './syscalls/table.js';
export { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
export { wasiImportVersion } from './wasi.js';
export type { WASIOptions, WASIImport, WASIVersion, WriteBehindOptions } from './wasi.js';
export type { TraceEntry } from './trace.js';
export type { Interceptor, SyscallCall, SyscallInfo, HostErrorPolicy } from './binder.js';
export type { RunOptions, RunResult } from './run.js';
export type { EmbedderMemory, GuestAllocator } from './embedder-memory.js';
export type { Vfs, VfsFile, VfsStat, VfsKind, VfsDirEntry, VfsOpenFlags, VfsTime } from './vfs/types.js';
export type { StdinOption, StdoutOption, ReadableSource, WritableLike } from './stdio.js';
