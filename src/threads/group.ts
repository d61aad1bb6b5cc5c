import type { SyscallCall } from '../binder.js';
import type { WASIVersion } from '../options.js';
import { close, invokers, newControlBlock, Outcome, serveBlock, type Served } from './channel.js';
import { threadCalls, type ThreadReport, type ThreadStart } from './protocol.js';

/** A guest thread's Worker, as the owner holds it. */
export interface ThreadWorker {
  /** Ends the Worker; resolves once it has stopped running. */
  terminate(): Promise<unknown>;
}

/**
 * Starts a Worker that runs `runThread` (thread.ts) on `start`. `onReport`
 * receives what the thread reports; `onFailure` anything that kills the
 * Worker without a report (a script that fails to load, an exit).
 */
export type SpawnThreadWorker = (start: ThreadStart, onReport: (r: ThreadReport) => void, onFailure: (e: unknown) => void) => ThreadWorker;

export interface ThreadedRun {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly version: WASIVersion;
  /** The owner's imports, bound to its context with every layer (src/wasi.ts). */
  readonly imports: Readonly<Record<string, SyscallCall>>;
  readonly spawn: SpawnThreadWorker;
  /** Threads alive at once at most, the `_start` thread included; thread-spawn fails past it. */
  readonly maxThreads: number;
}

/** wasi-threads' thread-spawn failure: a negative result (EAGAIN, as pthread_create names it). */
const SPAWN_FAILED = -6;
/** Largest tid (wasi-threads: tids are positive and fit in 29 bits). */
const MAX_TID = 0x1fffffff;

/** How a threaded run ended: `_start` returned (status 0, no exit), or a thread called proc_exit. */
export interface ThreadedEnd {
  readonly status: number;
  readonly exited: boolean;
}

/**
 * Runs a threaded command: `_start` in a Worker of its own, each
 * thread-spawn in another, every WASI call served here by the owner (this
 * thread, which runs no guest code: docs/async-seam.md). Resolves once
 * `_start` returns or any thread calls proc_exit; rejects with the trap if
 * any thread traps. Either way every Worker has stopped before it settles.
 */
export function runThreaded(run: ThreadedRun): Promise<ThreadedEnd> {
  const calls = threadCalls(run.version);
  const owned = calls.map((c) => run.imports[c.name]);
  const workers = new Map<number, ThreadWorker>();
  const blocks: Int32Array[] = [];
  const canSpawn = WebAssembly.Module.exports(run.module).some((e) => e.name === 'wasi_thread_start' && e.kind === 'function');
  let nextTid = 1;
  let done = false;
  let resolveRun!: (end: ThreadedEnd) => void;
  let rejectRun!: (e: unknown) => void;
  const result = new Promise<ThreadedEnd>((resolve, reject) => {
    resolveRun = resolve;
    rejectRun = reject;
  });

  const finish = (outcome: ThreadedEnd | { error: unknown }): void => {
    if (done) return;
    done = true;
    for (const ctl of blocks) close(ctl, 'error' in outcome ? Outcome.TRAP : Outcome.EXIT, 'error' in outcome ? 0 : outcome.status);
    const stopping = [...workers.values()].map((w) => w.terminate().catch(() => undefined));
    workers.clear();
    void Promise.all(stopping).then(() => ('error' in outcome ? rejectRun(outcome.error) : resolveRun(outcome)));
  };

  const settle = (_call: number, served: Served): void => {
    if (served.kind === Outcome.EXIT) finish({ status: served.value, exited: true });
    else if (served.kind === Outcome.TRAP) finish({ error: served.value });
  };

  const start = (tid: number, startArg: number): void => {
    const ctl = newControlBlock();
    blocks.push(ctl);
    const run1 = invokers(ctl, calls, owned);
    const onReport = (r: ThreadReport): void => {
      if (r.kind === 'trap') {
        const err = new WebAssembly.RuntimeError(`${tid === 0 ? 'the main thread' : `thread ${tid}`} trapped: ${r.message}`);
        err.stack = r.stack;
        finish({ error: err });
      } else if (tid === 0) {
        finish({ status: 0, exited: false });
      } else {
        forget(tid, ctl);
      }
    };
    const onFailure = (e: unknown): void => finish({ error: e });
    workers.set(tid, run.spawn({ module: run.module, memory: run.memory, ctl, version: run.version, tid, startArg }, onReport, onFailure));
    void serveBlock(ctl, run1, settle, () => done || !workers.has(tid));
  };

  /** A thread that returned from wasi_thread_start: its Worker and block go. */
  const forget = (tid: number, ctl: Int32Array): void => {
    const w = workers.get(tid);
    workers.delete(tid);
    blocks.splice(blocks.indexOf(ctl), 1);
    close(ctl, Outcome.EXIT, 0);
    void w?.terminate();
  };

  owned[calls.length - 1] = (startArg) => {
    if (done || !canSpawn || workers.size >= run.maxThreads || nextTid > MAX_TID) return SPAWN_FAILED;
    const tid = nextTid++;
    try {
      start(tid, startArg as number);
    } catch {
      // The platform refused another Worker (out of memory, too many threads).
      return SPAWN_FAILED;
    }
    return tid;
  };

  try {
    start(0, 0);
  } catch (e) {
    finish({ error: e });
  }
  return result;
}
