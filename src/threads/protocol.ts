import type { WASIVersion } from '../options.js';
import { SYSCALLS } from '../syscalls/table.js';
import { SYSCALLS_UNSTABLE } from '../syscalls/unstable.js';
import type { ChannelCall } from './channel.js';

/** What the owner sends a new thread's Worker (its first and only message). */
export interface ThreadStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The thread's control block (channel.ts). */
  readonly ctl: Int32Array;
  readonly version: WASIVersion;
  /** 0 for the thread that runs `_start`; wasi-threads' tid otherwise. */
  readonly tid: number;
  readonly startArg: number;
}

/** What a thread's Worker tells the owner, besides its forwarded calls. */
export type ThreadReport =
  | { readonly kind: 'returned'; readonly tid: number }
  | { readonly kind: 'trap'; readonly tid: number; readonly name: string; readonly message: string; readonly stack: string };

/** The `wasi` module's thread-spawn, as the channel carries it: after the version's table. */
const THREAD_SPAWN: ChannelCall = { name: 'thread-spawn', params: [['start_arg', 'i32']] };

/** Every call a thread forwards, by channel index: the version's table, then thread-spawn. */
export function threadCalls(version: WASIVersion): readonly ChannelCall[] {
  return [...(version === 'unstable' ? SYSCALLS_UNSTABLE : SYSCALLS), THREAD_SPAWN];
}
