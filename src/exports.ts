/**
 * What every entry exports besides its own WASI class, run() and backends:
 * one list, so the Node entry (src/index.ts), the browser entry
 * (src/browser.ts) and the core (src/core.ts) cannot drift apart. What only
 * the full entries have is in src/exports-full.ts.
 */
export { ERRNO_NAMES } from './abi/errno.js';
export { Errno } from './abi/errno-public.js';
export { WASIExit } from './syscalls/context.js';
export { SYSCALLS } from './syscalls/table.js';
export { wasiImportVersion } from './wasi.js';
export type { WASIOptions, WASIImport, WASIVersion, WriteBehindOptions } from './wasi.js';
export type { Interceptor, SyscallCall, SyscallInfo, HostErrorPolicy } from './binder.js';
export type { RunOptions, RunResult } from './run.js';
export type { Vfs, VfsFile, VfsStat, VfsKind, VfsDirEntry, VfsOpenFlags, VfsTime } from './vfs/types.js';
export type { StdinOption, StdoutOption, ReadableSource, WritableLike } from './stdio.js';
