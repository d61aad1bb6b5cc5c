import { bindImports, type Interceptor } from './binder.js';
import { buildContext, type ContextExtension } from './context-builder.js';
import type { Descriptor } from './fd-table.js';
import type { WASIOptions, WASIVersion } from './options.js';
import type { HostStream, Platform } from './platform/types.js';
import { Collector } from './stdio.js';
import { WASIExit, type HostContext } from './syscalls/context.js';
import { release } from './syscalls/fd-meta.js';
import { SYSCALLS, type Preview1Import, type SyscallDef } from './syscalls/table.js';

export type { WASIOptions, WASIVersion, WriteBehindOptions } from './options.js';

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
 * `initialize(instance)` (reactors). This is the core: one synchronous run on
 * one thread. The full entries add threads, JSPI, `wasi.memory`, tracing and
 * interceptors on top of it (src/wasi-full.ts).
 */
export class WASIHost {
  // `declare`: fields the constructor assigns are not defined as undefined first (a store less per
  // field and host while this code is cold, and fewer bytes in the browser bundles).
  declare readonly wasiImport: WASIImport;
  declare protected readonly ctx: HostContext;
  declare protected readonly options: WASIOptions;
  declare protected readonly platform: Platform;
  declare private readonly stdio: readonly HostStream[];
  private started = false;
  private disposed = false;
  /** The exports of the instance start() or initialize() attached. */
  declare protected exports: WebAssembly.Exports | undefined;

  /**
   * `extend` checks and builds what the options only the full entries take
   * add (src/wasi-full.ts); without it, those options are a TypeError naming
   * the entry that has them (src/options.ts, FULL_ONLY).
   */
  constructor(options: WASIOptions, platform: Platform, extend?: ContextExtension) {
    const { ctx, stdio } = buildContext(options, platform, extend);
    this.platform = platform;
    this.options = options;
    this.ctx = ctx;
    this.stdio = stdio;
    this.wasiImport = this.buildImports(ctx);
  }

  /** `{ wasi_snapshot_preview1: wasiImport }`, or `{ wasi_unstable: wasiImport }` for version 'unstable'. */
  getImportObject(): Record<string, WASIImport> {
    return this.underModule(this.wasiImport);
  }

  /** `imports` under the import module of the options' version. */
  protected underModule<T>(imports: T): Record<string, T> {
    // Literals, not a computed key: V8 copies a literal's shape, and defines a computed key at run time.
    return this.options.version === 'unstable' ? { wasi_unstable: imports } : { wasi_snapshot_preview1: imports };
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

  /** A command's `_start`, checked, with write-behind (if the host has it) on. */
  protected command(instance: WebAssembly.Instance): unknown {
    const exports = this.begin(instance);
    const entry = exports._start;
    if (typeof entry !== 'function') throw new TypeError('instance.exports._start is not a function: not a WASI command');
    if (exports._initialize !== undefined) throw new TypeError('instance.exports._initialize must not be exported by a command that has _start');
    // Only when asked for, and only while the guest runs to completion here:
    // a reactor returns to its embedder between calls, unflushed.
    this.ctx.writeBehind.enabled = true;
    return entry;
  }

  /** proc_exit's code; anything else the guest threw propagates. */
  protected exitStatus(err: unknown): number {
    if (!(err instanceof WASIExit)) throw err;
    this.ctx.writeBehind.flush();
    if (this.options.returnOnExit === false) this.platform.exit(err.code);
    return err.code;
  }

  protected endRun(): void {
    const wb = this.ctx.writeBehind;
    wb.flush();
    wb.enabled = false;
    for (let i = 0; i < 3; i++) this.stdio[i].flush?.();
    this.close('file');
  }

  /** Closes the guest's descriptors of `kind` (all of them without). */
  private close(kind?: Descriptor['kind']): void {
    const fds = this.ctx.fds;
    // Downwards: remove() trims the table's tail, which is then behind us.
    for (let fd = fds.end - 1; fd >= 0; fd--) {
      const d = fds.peek(fd);
      if (d !== undefined && (kind === undefined || d.kind === kind)) release(fds.remove(fd));
    }
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
    this.close();
  }

  /** `using wasi = new WASI(...)` disposes it at the end of the block (defined where Symbol.dispose exists). */
  declare [Symbol.dispose]: () => void;

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
    const exports = instance.exports;
    const memory = this.options.memory ?? exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError('instance.exports.memory is not a WebAssembly.Memory (pass options.memory for modules that import it)');
    }
    this.attach(memory);
    this.exports = exports;
    return exports;
  }

  /**
   * Binds the guest's memory for the one run this instance allows (start,
   * initialize, startThreaded); none after dispose().
   */
  protected attach(memory: WebAssembly.Memory): void {
    if (this.started) throw new TypeError('this WASI instance has already been started or initialized; create a new WASI for each instance');
    if (this.disposed) throw new TypeError('this WASI instance has been disposed; create a new WASI for each instance');
    this.started = true;
    this.ctx.mem.attach(memory);
  }

  /**
   * The import object's functions: the table's syscalls bound to the context
   * (quiet stacks for path misses are the binder's own), inside the full
   * entry's layers (outerLayers), innermost first.
   */
  protected buildImports(ctx: HostContext): WASIImport {
    // Every name of the version's table is bound, each with its own arity.
    return bindImports(ctx, this.syscalls(), this.outerLayers(ctx), this.options.onHostError ?? 'trap') as unknown as WASIImport;
  }

  /** The table to bind: preview1's (the full entry adds wasi_unstable's). */
  protected syscalls(): readonly SyscallDef[] {
    return SYSCALLS;
  }

  /** Layers outside the core's own, innermost first: none in the core (src/wasi-full.ts adds write-behind's, interceptors and tracing). */
  protected outerLayers(_ctx: HostContext): Interceptor[] {
    return [];
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
