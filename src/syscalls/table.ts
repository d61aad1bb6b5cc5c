import type { Errno } from '../abi/errno.js';
import type { HostContext } from './context.js';
import { args_get, args_sizes_get, environ_get, environ_sizes_get } from './args.js';
import { clock_res_get, clock_time_get } from './clock.js';
import { fd_pread, fd_pwrite, fd_read, fd_seek, fd_tell, fd_write } from './fd-io.js';
import {
  fd_advise, fd_allocate, fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights,
  fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_renumber, fd_sync,
} from './fd-meta.js';
import { fd_prestat_dir_name, fd_prestat_get, fd_readdir } from './fd-dir.js';
import {
  path_create_directory, path_filestat_get, path_filestat_set_times, path_link, path_open, path_readlink,
  path_remove_directory, path_rename, path_symlink, path_unlink_file,
} from './path.js';
import { poll_oneoff } from './poll.js';
import { proc_exit, proc_raise, sched_yield } from './proc.js';
import { random_get } from './random.js';
import { sock_accept, sock_recv, sock_send, sock_shutdown } from './sock.js';

/** Core wasm value types of a parameter: i64 parameters arrive as BigInt. */
export type ParamType = 'i32' | 'i64';

export interface SyscallDef<
  N extends string = string,
  P extends readonly (readonly [string, ParamType])[] = readonly (readonly [string, ParamType])[],
  R extends boolean = boolean,
> {
  readonly name: N;
  /** Parameter names as the spec spells them, each with its core type. */
  readonly params: P;
  /** False only for proc_exit, which returns nothing. */
  readonly returnsErrno: R;
  readonly fn: (ctx: HostContext, ...args: never[]) => Errno | never;
  /** Never throws, whatever the arguments: the import needs no try/catch (hot paths only). */
  readonly total?: boolean;
}

const I = 'i32' as const;
const L = 'i64' as const;

// The literal name, parameter tuple and return kind are kept in each entry's
// type, so `WASIImport` below is derived from this table, not written twice.
function def<const N extends string, const P extends readonly (readonly [string, ParamType])[], const R extends boolean = true>(
  name: N, params: P, fn: SyscallDef['fn'], returnsErrno: R = true as R, total = false,
): SyscallDef<N, P, R> {
  return { name, params, returnsErrno, fn, total };
}

/** Every import of wasi_snapshot_preview1, in witx order, with its exact core signature. */
export const SYSCALLS = [
  def('args_get', [['argv', I], ['argv_buf', I]], args_get),
  def('args_sizes_get', [['argc_out', I], ['argv_buf_size_out', I]], args_sizes_get),
  def('environ_get', [['environ', I], ['environ_buf', I]], environ_get),
  def('environ_sizes_get', [['count_out', I], ['buf_size_out', I]], environ_sizes_get),
  def('clock_res_get', [['id', I], ['resolution_out', I]], clock_res_get),
  def('clock_time_get', [['id', I], ['precision', L], ['time_out', I]], clock_time_get, true, true),
  def('fd_advise', [['fd', I], ['offset', L], ['len', L], ['advice', I]], fd_advise),
  def('fd_allocate', [['fd', I], ['offset', L], ['len', L]], fd_allocate),
  def('fd_close', [['fd', I]], fd_close),
  def('fd_datasync', [['fd', I]], fd_datasync),
  def('fd_fdstat_get', [['fd', I], ['stat_out', I]], fd_fdstat_get),
  def('fd_fdstat_set_flags', [['fd', I], ['flags', I]], fd_fdstat_set_flags),
  def('fd_fdstat_set_rights', [['fd', I], ['fs_rights_base', L], ['fs_rights_inheriting', L]], fd_fdstat_set_rights),
  def('fd_filestat_get', [['fd', I], ['buf_out', I]], fd_filestat_get),
  def('fd_filestat_set_size', [['fd', I], ['size', L]], fd_filestat_set_size),
  def('fd_filestat_set_times', [['fd', I], ['atim', L], ['mtim', L], ['fst_flags', I]], fd_filestat_set_times),
  def('fd_pread', [['fd', I], ['iovs', I], ['iovs_len', I], ['offset', L], ['nread_out', I]], fd_pread),
  def('fd_prestat_get', [['fd', I], ['buf_out', I]], fd_prestat_get),
  def('fd_prestat_dir_name', [['fd', I], ['path', I], ['path_len', I]], fd_prestat_dir_name),
  def('fd_pwrite', [['fd', I], ['iovs', I], ['iovs_len', I], ['offset', L], ['nwritten_out', I]], fd_pwrite),
  def('fd_read', [['fd', I], ['iovs', I], ['iovs_len', I], ['nread_out', I]], fd_read),
  def('fd_readdir', [['fd', I], ['buf', I], ['buf_len', I], ['cookie', L], ['bufused_out', I]], fd_readdir),
  def('fd_renumber', [['fd', I], ['to', I]], fd_renumber),
  def('fd_seek', [['fd', I], ['offset', L], ['whence', I], ['newoffset_out', I]], fd_seek),
  def('fd_sync', [['fd', I]], fd_sync),
  def('fd_tell', [['fd', I], ['offset_out', I]], fd_tell),
  def('fd_write', [['fd', I], ['iovs', I], ['iovs_len', I], ['nwritten_out', I]], fd_write),
  def('path_create_directory', [['fd', I], ['path', I], ['path_len', I]], path_create_directory),
  def('path_filestat_get', [['fd', I], ['flags', I], ['path', I], ['path_len', I], ['buf_out', I]], path_filestat_get),
  def('path_filestat_set_times', [['fd', I], ['flags', I], ['path', I], ['path_len', I], ['atim', L], ['mtim', L], ['fst_flags', I]], path_filestat_set_times),
  def('path_link', [['old_fd', I], ['old_flags', I], ['old_path', I], ['old_path_len', I], ['new_fd', I], ['new_path', I], ['new_path_len', I]], path_link),
  def('path_open', [['fd', I], ['dirflags', I], ['path', I], ['path_len', I], ['oflags', I], ['fs_rights_base', L], ['fs_rights_inheriting', L], ['fdflags', I], ['fd_out', I]], path_open),
  def('path_readlink', [['fd', I], ['path', I], ['path_len', I], ['buf', I], ['buf_len', I], ['bufused_out', I]], path_readlink),
  def('path_remove_directory', [['fd', I], ['path', I], ['path_len', I]], path_remove_directory),
  def('path_rename', [['fd', I], ['old_path', I], ['old_path_len', I], ['new_fd', I], ['new_path', I], ['new_path_len', I]], path_rename),
  def('path_symlink', [['old_path', I], ['old_path_len', I], ['fd', I], ['new_path', I], ['new_path_len', I]], path_symlink),
  def('path_unlink_file', [['fd', I], ['path', I], ['path_len', I]], path_unlink_file),
  def('poll_oneoff', [['in', I], ['out', I], ['nsubscriptions', I], ['nevents_out', I]], poll_oneoff),
  def('proc_exit', [['rval', I]], proc_exit, false),
  def('proc_raise', [['sig', I]], proc_raise),
  def('sched_yield', [], sched_yield),
  def('random_get', [['buf', I], ['buf_len', I]], random_get),
  def('sock_accept', [['fd', I], ['flags', I], ['fd_out', I]], sock_accept),
  def('sock_recv', [['fd', I], ['ri_data', I], ['ri_data_len', I], ['ri_flags', I], ['ro_datalen_out', I], ['ro_flags_out', I]], sock_recv),
  def('sock_send', [['fd', I], ['si_data', I], ['si_data_len', I], ['si_flags', I], ['so_datalen_out', I]], sock_send),
  def('sock_shutdown', [['fd', I], ['how', I]], sock_shutdown),
] as const;

/** The JS value an import receives for a core type. */
type ValueOf<T extends ParamType> = T extends 'i64' ? bigint : number;

/** One import as WebAssembly calls it: i32 as number, i64 as bigint; an errno back, or nothing (proc_exit). */
export type SyscallImport<D extends SyscallDef> = (...args: ValuesOf<D['params']>) => D['returnsErrno'] extends false ? void : number;

/** A parameter table as the tuple of values an import receives. */
type ValuesOf<P> = P extends readonly [readonly [string, infer T extends ParamType], ...infer Rest] ? [ValueOf<T>, ...ValuesOf<Rest>] : [];

/** The name of every wasi_snapshot_preview1 import, in witx order. */
export type SyscallName = (typeof SYSCALLS)[number]['name'];

/** wasi_snapshot_preview1's functions by name, each with its exact core signature. */
export type Preview1Import = { readonly [D in (typeof SYSCALLS)[number] as D['name']]: SyscallImport<D> };
