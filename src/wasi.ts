import { bindImports, quietPathErrors, type Interceptor, type InterceptorHost, type SyscallCall } from './binder.js';
import { buildContext } from './context-builder.js';
import type { WASIOptions, WASIVersion } from './options.js';
import type { HostStream, Platform } from './platform/types.js';
import { Collector } from './stdio.js';
import { WASIExit, type HostContext } from './syscalls/context.js';
import { release } from './syscalls/fd-meta.js';
import { SYSCALLS, type Preview1Import } from './syscalls/table.js';
import { tracing } from './trace.js';
import { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
import { flushFirst } from './write-behind.js';
import { EmbedderMemory } from './embedder-memory.js';
import { runThreaded, type SpawnThreadWorker } from './threads/group.js';
import { jspi, suspendingImports } from './jspi.js';
import type { Journal } from './vfs/journal.js';

export type { WASIOptions, WASIVersion, WriteBehindOptions } from './options.js';

/** startThreaded()'s options. */
export interface ThreadedStartOptions {
  /** Threads alive at once at most, `_start`'s included (default 64); thread-spawn answers a negative number past it. */
  maxThreads?: number;
  /**
   * The script each thread's Worker runs: dist/thread-worker.js (Node) or
   * dist/browser-thread-worker.js (browsers), found beside wasi-host's own
   * module by default; pass its URL where that is not possible (the IIFE build, a bundler).
   */
  workerUrl?: string | URL;
}

/** The import module each version's functions are found under. */
const MODULE_OF: Readonly<Record<WASIVersion, string>> = { preview1: 'wasi_snapshot_preview1', unstable: 'wasi_unstable' };

/**
 * The WASI version a compiled module imports ('preview1' or 'unstable'), or
 * undefined if it imports neither (a module that needs no host).
 */
export function wasiImportVersion(module: WebAssembly.Module): WASIVersion | undefined {
  let found: WASIVersion | undefined;
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'wasi_snapshot_preview1') return 'preview1';
    if (imp.module === 'wasi_unstable') found = 'unstable';
  }
  return found;
}

/**
 * The functions of `wasi_snapshot_preview1` (or `wasi_unstable`), as handed to
 * WebAssembly.instantiate, typed from the syscall table (src/syscalls/table.ts).
 * `sock_accept` is absent under version 'unstable', which has no such import.
 */
export type WASIImport = Omit<Preview1Import, 'sock_accept'> & Partial<Pick<Preview1Import, 'sock_accept'>>;

/**
 * A WASI preview1 host with node:wasi's surface: pass `getImportObject()` to
 * WebAssembly.instantiate, then call `start(instance)` (commands) or
 * `initialize(instance)` (reactors).
 */
export class WASIHost {
  readonly wasiImport: WASIImport;
  private readonly ctx: HostContext;
  private readonly options: WASIOptions;
  private readonly stdio: readonly HostStream[];
  private started = false;
  private disposed = false;
  /** Whether start() batches small writes (the writeBehind option). */
  private readonly batching: boolean;
  private embedderMemory: EmbedderMemory | undefined;
  /** Set when a preopen is an AsyncVfs (src/vfs/journal.ts): only JSPI imports can serve it. */
  private readonly journal: Journal | undefined;

  constructor(options: WASIOptions, private readonly platform: Platform) {
    const { ctx, stdio, batching, journal } = buildContext(options, platform);
    this.journal = journal;
    this.options = options;
    this.ctx = ctx;
    this.stdio = stdio;
    this.batching = batching;
    this.wasiImport = this.buildImports(ctx);
  }

  /** `{ wasi_snapshot_preview1: wasiImport }`, or `{ wasi_unstable: wasiImport }` for version 'unstable'. */
  getImportObject(): Record<string, WASIImport> {
    if (this.journal !== undefined) {
      throw new TypeError('WASI: a preopen is an AsyncVfs, which plain imports cannot wait for: use getAsyncImportObject() and startAsync() (JSPI), or run the program in a Worker with spawn() from wasi-host/runner');
    }
    return { [MODULE_OF[this.options.version ?? 'preview1']]: this.wasiImport };
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
    const imports = suspendingImports(ctx, this.buildImports(ctx) as unknown as Record<string, SyscallCall>, this.options.version === 'unstable', this.journal);
    return { [MODULE_OF[this.options.version ?? 'preview1']]: imports };
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
   * Runs a command's `_start` and returns its exit status: 0 if `_start`
   * returns, the proc_exit code otherwise. Anything else the guest throws (a
   * trap) propagates. Descriptors the guest left open are closed afterwards.
   */
  start(instance: WebAssembly.Instance): number {
    const entry = this.command(instance);
    try {
      (entry as () => void)();
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
   * by then.
   */
  async startThreaded(module: WebAssembly.Module, options: ThreadedStartOptions = {}): Promise<number> {
    if (!(module instanceof WebAssembly.Module)) throw new TypeError('startThreaded(module): module must be a WebAssembly.Module (WebAssembly.compile(bytes))');
    if (this.journal !== undefined) {
      throw new TypeError('startThreaded(): a preopen is an AsyncVfs, which the owner thread cannot wait for in a syscall; mount a VfsBridgeClient over it (createVfsBridge + serveVfsBridge) from a thread that may block');
    }
    const memory = this.options.memory;
    if (!(memory instanceof WebAssembly.Memory) || !(memory.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError('startThreaded: pass the shared memory the module imports as the memory option: new WebAssembly.Memory({ initial, maximum, shared: true })');
    }
    const max = options.maxThreads ?? 64;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`startThreaded: maxThreads must be a positive integer, got ${String(max)}`);
    const spawn = this.threadWorkers(options.workerUrl);
    this.assertFresh();
    this.started = true;
    this.ctx.mem.attach(memory);
    const wb = this.ctx.writeBehind;
    wb.enabled = this.batching;
    let code: number;
    try {
      code = await runThreaded({
        module, memory, spawn, maxThreads: max, version: this.options.version ?? 'preview1',
        imports: this.wasiImport as unknown as Record<string, SyscallCall>,
      });
    } finally {
      this.endRun();
    }
    if (this.options.returnOnExit === false && code !== 0) this.platform.exit(code);
    return code;
  }

  /** How this platform starts a guest thread's Worker; `url` overrides the built-in worker script. */
  protected threadWorkers(_url: string | URL | undefined): SpawnThreadWorker {
    throw new TypeError('startThreaded: this build of wasi-host cannot start threads');
  }

  /** A command's `_start`, checked, with write-behind on if asked for. */
  private command(instance: WebAssembly.Instance): unknown {
    const exports = this.begin(instance);
    const entry = exports._start;
    if (typeof entry !== 'function') throw new TypeError('instance.exports._start is not a function: not a WASI command');
    if (exports._initialize !== undefined) throw new TypeError('instance.exports._initialize must not be exported by a command that has _start');
    // Only when asked for, and only while the guest runs to completion here:
    // a reactor returns to its embedder between calls, unflushed.
    this.ctx.writeBehind.enabled = this.batching;
    return entry;
  }

  /** proc_exit's code; anything else the guest threw propagates. */
  private exitStatus(err: unknown): number {
    if (!(err instanceof WASIExit)) throw err;
    this.ctx.writeBehind.flush();
    if (this.options.returnOnExit === false) this.platform.exit(err.code);
    return err.code;
  }

  private endRun(): void {
    const wb = this.ctx.writeBehind;
    wb.flush();
    wb.enabled = false;
    for (const s of this.stdio) s.flush?.();
    this.closeAll();
  }

  /** Prepares a reactor: calls `_initialize` if exported. Descriptors stay open for later calls, until dispose(). */
  initialize(instance: WebAssembly.Instance): void {
    const exports = this.begin(instance);
    if (exports._start !== undefined) throw new TypeError('instance.exports._start must not be exported by a reactor');
    const init = exports._initialize;
    if (init !== undefined && typeof init !== 'function') throw new TypeError('instance.exports._initialize is not a function');
    if (typeof init === 'function') (init as () => void)();
  }

  /**
   * Closes every descriptor the guest holds: files, directories, preopens.
   * The host's own stdio is never closed. A reactor needs it: its files stay
   * open between calls and nothing else closes them (start() closes a
   * command's itself). Calling it again does nothing; imports called
   * afterwards answer EBADF for the closed descriptors.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.writeBehind.flush();
    for (const [fd] of [...this.ctx.fds.entries()]) release(this.ctx.fds.remove(fd));
  }

  /** `using wasi = new WASI(...)` disposes it at the end of the block (defined where Symbol.dispose exists). */
  declare [Symbol.dispose]: () => void;

  /**
   * The guest's memory for an embedder, after `initialize()` or `start()`:
   * bounds-checked reads and writes at guest offsets, strings, and data copied
   * in through the module's malloc (src/embedder-memory.ts).
   */
  get memory(): EmbedderMemory {
    if (this.embedderMemory === undefined) throw new TypeError('wasi.memory is there after initialize(instance) or start(instance)');
    return this.embedderMemory;
  }

  /** Bytes a 'collect' stdout received. */
  getStdout(): Uint8Array {
    return this.collected(1, 'stdout');
  }

  getStderr(): Uint8Array {
    return this.collected(2, 'stderr');
  }

  private collected(i: number, name: string): Uint8Array {
    const s = this.stdio[i];
    if (!(s instanceof Collector)) throw new TypeError(`${name} was not created with '${name}: "collect"'`);
    return s.bytes();
  }

  private begin(instance: WebAssembly.Instance): WebAssembly.Exports {
    if (typeof instance !== 'object' || instance === null || typeof instance.exports !== 'object') {
      throw new TypeError('instance must be a WebAssembly.Instance');
    }
    this.assertFresh();
    const exports = instance.exports;
    const memory = this.options.memory ?? exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError('instance.exports.memory is not a WebAssembly.Memory (pass options.memory for modules that import it)');
    }
    this.started = true;
    this.ctx.mem.attach(memory);
    this.embedderMemory = new EmbedderMemory(this.ctx.mem, exports);
    return exports;
  }

  /** One run per instance (start, initialize, startThreaded); none after dispose(). */
  private assertFresh(): void {
    if (this.started) throw new TypeError('this WASI instance has already been started or initialized; create a new WASI for each instance');
    if (this.disposed) throw new TypeError('this WASI instance has been disposed; create a new WASI for each instance');
  }

  private closeAll(): void {
    for (const [fd, d] of [...this.ctx.fds.entries()]) {
      if (d.kind === 'file') release(this.ctx.fds.remove(fd));
    }
  }

  /**
   * The import object's functions: the table's syscalls bound to this host,
   * inside the layers it needs (innermost first): quiet stacks for path
   * misses, the write-behind flush when asked for, the embedder's
   * interceptors, and tracing outermost.
   */
  private buildImports(ctx: HostContext): WASIImport {
    const o = this.options;
    const table = o.version === 'unstable' ? SYSCALLS_UNSTABLE : SYSCALLS;
    const layers: Interceptor[] = [quietPathErrors];
    if (this.batching) layers.push(flushFirst(this.ctx.writeBehind));
    // Notes (injected faults) go to the trace line of the call in progress; without tracing, nowhere.
    const notes: string[] = [];
    if (o.interceptors !== undefined) {
      const fds = this.ctx.fds;
      const host: InterceptorHost = {
        memory: this.ctx.mem,
        descriptor(fd) {
          const d = fds.peek(fd);
          return d === undefined ? undefined : { kind: d.kind, rightsBase: BigInt(d.rightsBase), rightsInheriting: BigInt(d.rightsInheriting) };
        },
        note: o.trace === undefined ? () => {} : (text) => void notes.push(text),
      };
      for (const i of o.interceptors) i.attach?.(host);
      layers.push(...[...o.interceptors].reverse());
    }
    if (o.trace !== undefined) layers.push(tracing(this.ctx.mem, o.trace, notes));
    // Every name of the version's table is bound, each with its own arity.
    return bindImports(ctx, table, layers, o.onHostError ?? 'trap') as unknown as WASIImport;
  }
}

// Engines without Symbol.dispose have no `using` either; dispose() serves them.
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(WASIHost.prototype, Symbol.dispose, {
    value(this: WASIHost): void {
      this.dispose();
    },
    writable: true,
    configurable: true,
  });
}
