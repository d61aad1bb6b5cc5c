import type { Interceptor, InterceptorHost, SyscallCall } from './binder.js';
import type { ContextExtension } from './context-builder.js';
import { EmbedderMemory } from './embedder-memory.js';
import { jspi, suspendingImports } from './jspi.js';
import type { WASIOptions } from './options.js';
import type { Platform } from './platform/types.js';
import type { HostContext } from './syscalls/context.js';
import { runThreaded, type SpawnThreadWorker, type ThreadedEnd } from './threads/group.js';
import { tracing } from './trace.js';
import { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
import type { SyscallDef } from './syscalls/table.js';
import { WASIHost, type WASIImport } from './wasi.js';
import { isAsyncVfs } from './vfs/async.js';
import { Journal, JournaledVfs } from './vfs/journal.js';
import { flushFirst, WriteBehind, writeBehindBytes } from './write-behind.js';

/**
 * The full entry's part of a host's context (ContextExtension): its options
 * checked, write-behind built when asked for, and AsyncVfs preopens mounted
 * over the JSPI journal (src/context-builder.ts), which it holds once the
 * first is mounted: only JSPI imports can serve the context then.
 */
class AsyncMounts implements ContextExtension {
  declare journal: Journal | undefined;

  /** The checks of trace and interceptors, which only the full entries take, and writeBehind's (src/write-behind.ts). */
  check(options: WASIOptions): WriteBehind | undefined {
    if (options.trace !== undefined && typeof options.trace !== 'function') throw new TypeError('trace must be a function');
    const ics = options.interceptors;
    if (ics !== undefined && (!Array.isArray(ics) || ics.some((i) => typeof (i as Partial<Interceptor> | null)?.intercept !== 'function'))) {
      throw new TypeError('interceptors must be an array of objects with an intercept(call, next) method');
    }
    const bytes = writeBehindBytes(options.writeBehind);
    return bytes > 0 ? new WriteBehind(bytes) : undefined;
  }

  mount(t: unknown): JournaledVfs | undefined {
    return isAsyncVfs(t) ? new JournaledVfs(t, (this.journal ??= new Journal())) : undefined;
  }
}

/** startThreaded()'s options. */
export interface ThreadedStartOptions {
  /** Threads alive at once at most, `_start`'s included (default 64); thread-spawn answers a negative number past it. */
  maxThreads?: number;
  /**
   * The script each thread's Worker runs: dist/thread-worker.cjs (Node; its
   * ES module twin dist/thread-worker.js works too) or
   * dist/browser-thread-worker.js (browsers), found beside wasi-host's own
   * module by default; pass its URL where that is not possible (the IIFE build, a bundler).
   */
  workerUrl?: string | URL;
}

/**
 * The host of the full entries ('wasi-host' in Node and browsers): the core
 * (src/wasi.ts) plus what a synchronous single-threaded run does not need:
 * wasi_unstable (version 'unstable'), wasi-threads (startThreaded), JSPI (getAsyncImportObject, startAsync), the
 * embedder's view of guest memory (wasi.memory), and the trace and
 * interceptors options.
 */
export class WASIFullHost extends WASIHost {
  declare private embedderMemory: EmbedderMemory | undefined;
  /** Holds the journal when a preopen is an AsyncVfs: only JSPI imports can serve the context then. */
  declare private readonly asyncMounts: AsyncMounts;

  constructor(options: WASIOptions, platform: Platform) {
    const asyncMounts = new AsyncMounts();
    super(options, platform, asyncMounts);
    this.asyncMounts = asyncMounts;
  }

  override getImportObject(): Record<string, WASIImport> {
    if (this.asyncMounts.journal !== undefined) {
      throw new TypeError('WASI: a preopen is an AsyncVfs, which plain imports cannot wait for: use getAsyncImportObject() and startAsync() (JSPI), or run the program in a Worker with spawn() from wasi-host/runner');
    }
    return super.getImportObject();
  }

  /**
   * The import object for startAsync() (JSPI): fd_read and poll_oneoff may
   * wait for input and clocks without blocking the thread (src/jspi.ts).
   * A TypeError where the engine has no JSPI, pointing to the Worker runner.
   */
  getAsyncImportObject(): Record<string, Record<string, unknown>> {
    jspi();
    // The same descriptors and memory; sleeps return at once, as the Suspending import waited first.
    const ctx: HostContext = { ...this.ctx, platform: { ...this.platform, sleep: () => {} } };
    const imports = suspendingImports(ctx, this.buildImports(ctx) as unknown as Record<string, SyscallCall>, this.options.version === 'unstable', this.asyncMounts.journal);
    return this.underModule(imports);
  }

  /**
   * start() for an instance made with getAsyncImportObject(): `_start` runs
   * through WebAssembly.promising, so the thread stays free (timers, input
   * events) while the guest waits. Resolves to the exit status.
   */
  async startAsync(instance: WebAssembly.Instance): Promise<number> {
    const { promising } = jspi();
    const entry = this.command(instance);
    try {
      await promising(entry)();
      return 0;
    } catch (err) {
      return this.exitStatus(err);
    } finally {
      this.endRun();
    }
  }

  /**
   * Runs a threaded command (wasi-threads: it imports `wasi` `thread-spawn`
   * and a shared memory, passed as the `memory` option). `_start` and every
   * spawned thread run in Workers of their own; this thread owns the
   * descriptors, the namespace and stdio and serves every thread's calls, so
   * it runs no guest code (docs/async-seam.md). Resolves with the exit status
   * (0 when `_start` returns, the status of the first proc_exit on any
   * thread); rejects with the trap of any thread. Every Worker has stopped
   * by then. With `returnOnExit: false`, a proc_exit ends the process
   * instead, whatever its status, as in start().
   */
  async startThreaded(module: WebAssembly.Module, options: ThreadedStartOptions = {}): Promise<number> {
    if (!(module instanceof WebAssembly.Module)) throw new TypeError('startThreaded(module): module must be a WebAssembly.Module (WebAssembly.compile(bytes))');
    if (this.asyncMounts.journal !== undefined) {
      throw new TypeError('startThreaded(): a preopen is an AsyncVfs, which the owner thread cannot wait for in a syscall; mount a VfsBridgeClient over it (createVfsBridge + serveVfsBridge) from a thread that may block');
    }
    const memory = this.options.memory;
    if (!(memory instanceof WebAssembly.Memory) || !(memory.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('startThreaded: pass the shared memory the module imports as the memory option: new WebAssembly.Memory({ initial, maximum, shared: true })');
    }
    const max = options.maxThreads ?? 64;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`startThreaded: maxThreads must be a positive integer, got ${String(max)}`);
    const spawn = this.threadWorkers(options.workerUrl);
    this.attach(memory);
    this.ctx.writeBehind.enabled = true;
    let end: ThreadedEnd;
    try {
      end = await runThreaded({
        module, memory, spawn, maxThreads: max, version: this.options.version ?? 'preview1',
        imports: this.wasiImport as unknown as Record<string, SyscallCall>,
      });
    } finally {
      this.endRun();
    }
    // As start() (and node:wasi): any proc_exit ends the process, status 0 too; a returning _start does not.
    if (this.options.returnOnExit === false && end.exited) this.platform.exit(end.status);
    return end.status;
  }

  /** How this platform starts a guest thread's Worker; `url` overrides the built-in worker script. */
  protected threadWorkers(_url: string | URL | undefined): SpawnThreadWorker {
    throw new TypeError('startThreaded: this build of wasi-host cannot start threads');
  }

  /**
   * The guest's memory for an embedder, after `initialize()` or `start()`:
   * bounds-checked reads and writes at guest offsets, strings, and data copied
   * in through the module's malloc (src/embedder-memory.ts).
   */
  get memory(): EmbedderMemory {
    const exports = this.exports;
    if (exports === undefined) throw new TypeError('wasi.memory is there after initialize(instance) or start(instance)');
    return (this.embedderMemory ??= new EmbedderMemory(this.ctx.mem, exports));
  }

  /**
   * The write-behind flush (when asked for), the embedder's interceptors,
   * then tracing outermost, so a trace shows what the guest saw. Called by
   * the core's constructor, before this class's own fields exist: it reads
   * only the options and the context.
   */
  protected override syscalls(): readonly SyscallDef[] {
    return this.options.version === 'unstable' ? SYSCALLS_UNSTABLE : super.syscalls();
  }

  protected override outerLayers(ctx: HostContext): Interceptor[] {
    const o = this.options;
    const wb = ctx.writeBehind;
    const layers: Interceptor[] = wb instanceof WriteBehind ? [flushFirst(wb)] : [];
    if (o.interceptors === undefined && o.trace === undefined) return layers;
    return embedderLayers(ctx, o, layers);
  }
}

/**
 * `layers` and then the embedder's interceptors, attached, outermost first, then tracing. A
 * function of its own: most hosts have neither, and a fresh process's first
 * host then compiles none of this (BENCHMARKS.md, issue 14 part 10).
 */
function embedderLayers(ctx: HostContext, o: WASIOptions, layers: Interceptor[]): Interceptor[] {
  // Notes (injected faults) go to the trace line of the call in progress; without tracing, nowhere.
  const notes: string[] = [];
  if (o.interceptors !== undefined) {
    const fds = ctx.fds;
    const host: InterceptorHost = {
      memory: ctx.mem,
      descriptor(fd) {
        const d = fds.peek(fd);
        return d === undefined ? undefined : { kind: d.kind, rightsBase: BigInt(d.rightsBase), rightsInheriting: BigInt(d.rightsInheriting) };
      },
      note: o.trace === undefined ? () => {} : (text) => void notes.push(text),
    };
    for (const i of o.interceptors) i.attach?.(host);
    layers.push(...[...o.interceptors].reverse());
  }
  if (o.trace !== undefined) layers.push(tracing(ctx.mem, o.trace, notes));
  return layers;
}
