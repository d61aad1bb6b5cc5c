import { bindImports, type SyscallCall } from '../binder.js';
import { FdTable } from '../fd-table.js';
import { GuestMemory, Iovecs, StringList } from '../memory.js';
import { Namespace } from '../namespace/namespace.js';
import type { Platform } from '../platform/types.js';
import { WASIExit, type HostContext } from '../syscalls/context.js';
import { SYSCALLS } from '../syscalls/table.js';
import { SYSCALLS_UNSTABLE } from '../syscalls/unstable.js';
import { noWriteBehind } from '../write-batch.js';
import { forwarders, isControlBlock, local, sleepOnBlock } from './channel.js';
import { threadCalls, type ThreadStart, type ThreadReport } from './protocol.js';

/**
 * One guest thread, inside its Worker: a new instance of the module on the
 * shared memory whose WASI imports forward to the context's owner
 * (channel.ts), then `_start` (the main thread) or
 * `wasi_thread_start(tid, start_arg)` (wasi-threads). Only clock-only
 * poll_oneoff runs here, against a context with no descriptors: a sleep must
 * block this thread, not the owner that serves every thread.
 */
export async function runThread(data: unknown, platform: Platform, report: (r: ThreadReport) => void): Promise<void> {
  const start = data as ThreadStart;
  try {
    if (!isControlBlock(start.ctl) || !(start.module instanceof WebAssembly.Module) || !(start.memory instanceof WebAssembly.Memory)) {
      throw new TypeError('wasi-host thread: bad start message');
    }
    const { module, memory, ctl, version, tid, startArg } = start;
    const calls = threadCalls(version);
    const forward = forwarders(ctl, calls);
    const table = version === 'unstable' ? SYSCALLS_UNSTABLE : SYSCALLS;
    const wasiImport: Record<string, SyscallCall> = {};
    table.forEach((def, i) => (wasiImport[def.name] = forward[i]));
    // Its sleeps wait on the thread's block, so the end of the run wakes them.
    const context = localContext(memory, { ...platform, sleep: (ns) => sleepOnBlock(ctl, platform.monotonicNs, ns) });
    const localPoll = bindImports(context, table.filter((d) => d.name === 'poll_oneoff' || d.name === 'sched_yield'), [], 'trap');
    wasiImport.poll_oneoff = clockOnly(memory, version === 'unstable' ? 56 : 48, local(ctl, 'poll_oneoff', localPoll.poll_oneoff), wasiImport.poll_oneoff);
    wasiImport.sched_yield = local(ctl, 'sched_yield', localPoll.sched_yield);
    const imports: Record<string, Record<string, unknown>> = {
      [version === 'unstable' ? 'wasi_unstable' : 'wasi_snapshot_preview1']: wasiImport,
      wasi: { 'thread-spawn': forward[table.length] },
    };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.kind === 'memory') (imports[imp.module] ??= {})[imp.name] = memory;
    }
    const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
    const exports = instance.exports;
    if (tid === 0) {
      (exports._start as () => void)();
    } else {
      (exports.wasi_thread_start as (tid: number, arg: number) => void)(tid, startArg);
    }
    report({ kind: 'returned', tid });
  } catch (e) {
    // proc_exit was served by the owner, which already ends the run.
    if (e instanceof WASIExit) return;
    const err = e instanceof Error ? e : new Error(String(e));
    report({ kind: 'trap', tid: start.tid, name: err.name, message: err.message, stack: err.stack ?? '' });
  }
}

/** A context with no descriptors or names, for the calls this thread makes itself. */
function localContext(memory: WebAssembly.Memory, platform: Platform): HostContext {
  const fds = new FdTable(4);
  const mem = new GuestMemory();
  mem.attach(memory);
  return {
    mem, fds, ns: new Namespace(fds), platform,
    args: new StringList([]), env: new StringList([]),
    writeBehind: noWriteBehind(), iovecs: new Iovecs(),
  };
}

/**
 * poll_oneoff that runs here when every subscription is a clock (its sleep
 * blocks this thread in Atomics.wait), and on the owner otherwise. If another
 * thread rewrites a tag between this look and the call, the local call finds
 * no descriptor and answers EBADF in that event: the guest's own race.
 */
function clockOnly(memory: WebAssembly.Memory, size: number, local: SyscallCall, forward: SyscallCall): SyscallCall {
  const TAG = 8;
  return (inPtr, outPtr, nsubs, neventsOut) => {
    if (typeof inPtr !== 'number' || typeof nsubs !== 'number') return forward(inPtr, outPtr, nsubs, neventsOut);
    const at = inPtr >>> 0;
    const n = nsubs >>> 0;
    const u8 = new Uint8Array(memory.buffer);
    if (n === 0 || at + n * size > u8.length) return forward(inPtr, outPtr, nsubs, neventsOut);
    for (let i = 0; i < n; i++) if (u8[at + i * size + TAG] !== 0) return forward(inPtr, outPtr, nsubs, neventsOut);
    return local(inPtr, outPtr, nsubs, neventsOut);
  };
}
