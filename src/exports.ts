/**
 * What every entry exports besides its own WASI class, run() and backends:
 * one list, so the Node entry (src/index.ts) and the browser core
 * (src/core.ts) cannot drift apart.
 */
export { ERRNO_NAMES } from './abi/errno.js';
export { Errno } from './abi/errno-public.js';
export { WASIExit } from './syscalls/context.js';
export { SYSCALLS } from './syscalls/table.js';
export { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
export { wasiImportVersion } from './wasi.js';
export type { WASIOptions, WASIImport, WASIVersion, WriteBehindOptions, ThreadedStartOptions } from './wasi.js';
export type { TraceEntry } from './trace.js';
export type { Interceptor, SyscallCall, SyscallInfo, HostErrorPolicy } from './binder.js';
export type { RunOptions, RunResult } from './run.js';
export type { EmbedderMemory, GuestAllocator } from './embedder-memory.js';
export type { Vfs, VfsFile, VfsStat, VfsKind, VfsDirEntry, VfsOpenFlags, VfsTime } from './vfs/types.js';
export type { StdinOption, StdoutOption, ReadableSource, WritableLike } from './stdio.js';
