import { RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, RIGHTS_STDIN_BASE, RIGHTS_STDOUT_BASE } from './abi/constants.js';
import { bindImports, quietPathErrors, type HostErrorPolicy, type Interceptor, type InterceptorHost } from './binder.js';
import { FdTable, StreamDescriptor } from './fd-table.js';
import { Namespace } from './namespace/namespace.js';
import { GuestMemory, StringList } from './memory.js';
import type { HostStream, Platform } from './platform/types.js';
import { Collector, inputStream, outputStream, type StdinOption, type StdoutOption } from './stdio.js';
import { WASIExit, type HostContext } from './syscalls/context.js';
import { release } from './syscalls/fd-meta.js';
import { SYSCALLS, type Preview1Import } from './syscalls/table.js';
import { tracing, type TraceEntry } from './trace.js';
import { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
import { flushFirst, WRITE_BEHIND_DEFAULT_BYTES, WRITE_BEHIND_MAX_BYTES, WriteBehind } from './write-behind.js';
import { checkOptionShapes } from './options.js';
import { EmbedderMemory } from './embedder-memory.js';
import type { Vfs } from './vfs/types.js';

export interface WASIOptions {
  /**
   * Which WASI the guest imports: 'preview1' (`wasi_snapshot_preview1`, the
   * default) or 'unstable' (`wasi_unstable`, preview 0, for modules built before
   * 2020), as in node:wasi. `wasiImportVersion(module)` tells which a module needs.
   */
  version?: WASIVersion;
  /** argv, including argv[0]. */
  args?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Guest path → what to mount there: a host directory path (Node only) or a
   * backend such as `new MemFS(...)`. Preopens get fds 3, 4, ... in this order;
   * a preopen nested in another ('/' and '/usr') is also reached by walking into it.
   */
  preopens?: Readonly<Record<string, string | Vfs>>;
  /** A host fd (Node), a string or bytes, or a pull source. Default: fd 0 in Node, empty in browsers. */
  stdin?: StdinOption;
  /** A host fd (Node), 'collect' (read back with getStdout()), 'ignore', a callback or a writable. */
  stdout?: StdoutOption;
  stderr?: StdoutOption;
  /** When false, proc_exit ends the Node process (node:wasi's option); default true. */
  returnOnExit?: boolean;
  /** For modules that import their memory instead of exporting it. */
  memory?: WebAssembly.Memory;
  /** Most descriptors the guest may hold open at once (EMFILE past it). Default 1024. */
  maxOpenFiles?: number;
  /** Called after every import with its arguments and errno. */
  trace?: (entry: TraceEntry) => void;
  /**
   * Batch small consecutive writes to one host file while `start()` runs:
   * `true`, or `{ bufferSize }` (bytes held at most, default 65536). Held
   * bytes are lost if the process or Worker dies before the guest's next
   * other call (README, "Write-behind"). Default false: every fd_write is in
   * the host file when it returns.
   */
  writeBehind?: boolean | WriteBehindOptions;
  /**
   * Layers around the imports, outermost first: each sees every call (its
   * name, the spec's parameter names, the arguments) and may pass it on,
   * change it, or answer an errno itself (src/binder.ts). Tracing wraps them
   * all, so a trace shows what the guest saw.
   */
  interceptors?: readonly Interceptor[];
  /**
   * What an exception without a POSIX code (a bug in the host or a backend)
   * does inside an import: 'trap' (default) ends the guest with a
   * WebAssembly.RuntimeError whose `cause` is the original error; 'eio'
   * answers EIO and goes on.
   */
  onHostError?: HostErrorPolicy;
}

export interface WriteBehindOptions {
  /** Bytes held at most, 1 to 16 MiB (default 64 KiB); writes this big or bigger go straight down. */
  readonly bufferSize?: number;
}

export type WASIVersion = 'preview1' | 'unstable';

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

type AnyFn = (ctx: HostContext, ...args: (number | bigint)[]) => number;

function checkOptions(options: WASIOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  checkOptionShapes(options);
  if (options.version !== undefined && options.version !== 'preview1' && options.version !== 'unstable') {
    throw new TypeError(`version must be 'preview1' or 'unstable', got ${String(options.version)}`);
  }
  if (options.args !== undefined && (!Array.isArray(options.args) || options.args.some((a) => typeof a !== 'string'))) {
    throw new TypeError('args must be an array of strings');
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw new TypeError('env must be an object of strings');
  }
  if (options.preopens !== undefined && (typeof options.preopens !== 'object' || options.preopens === null)) {
    throw new TypeError('preopens must be an object mapping guest paths to host paths or backends');
  }
  if (options.returnOnExit !== undefined && typeof options.returnOnExit !== 'boolean') {
    throw new TypeError('returnOnExit must be a boolean');
  }
  if (options.memory !== undefined && !(options.memory instanceof WebAssembly.Memory)) {
    throw new TypeError('memory must be a WebAssembly.Memory');
  }
  const max = options.maxOpenFiles;
  if (max !== undefined && (!Number.isInteger(max) || max < 4)) {
    throw new RangeError('maxOpenFiles must be an integer of at least 4 (stdio and one preopen)');
  }
  if (options.trace !== undefined && typeof options.trace !== 'function') throw new TypeError('trace must be a function');
  const ics = options.interceptors;
  if (ics !== undefined && (!Array.isArray(ics) || ics.some((i) => typeof (i as Partial<Interceptor> | null)?.intercept !== 'function'))) {
    throw new TypeError('interceptors must be an array of objects with an intercept(call, next) method');
  }
  const policy = options.onHostError;
  if (policy !== undefined && policy !== 'trap' && policy !== 'eio') {
    throw new TypeError(`onHostError must be 'trap' or 'eio', got ${String(policy)}`);
  }
}

/** The write-behind buffer size the option asks for, 0 for none; throws on a bad value. */
function writeBehindBytes(wb: WASIOptions['writeBehind']): number {
  if (wb === undefined || wb === false) return 0;
  if (wb === true) return WRITE_BEHIND_DEFAULT_BYTES;
  if (typeof wb !== 'object' || wb === null || Array.isArray(wb)) throw new TypeError('writeBehind must be true, false or { bufferSize: bytes }');
  for (const key of Object.keys(wb)) {
    if (key !== 'bufferSize') throw new TypeError(`writeBehind.${key} is not an option (only bufferSize)`);
  }
  const size = wb.bufferSize;
  if (size === undefined) return WRITE_BEHIND_DEFAULT_BYTES;
  if (!Number.isInteger(size) || size < 1 || size > WRITE_BEHIND_MAX_BYTES) {
    throw new RangeError(`writeBehind.bufferSize must be an integer from 1 to ${WRITE_BEHIND_MAX_BYTES} (bytes), got ${String(size)}`);
  }
  return size;
}

function isVfs(v: unknown): v is Vfs {
  return typeof v === 'object' && v !== null && typeof (v as Vfs).lstat === 'function' && typeof (v as Vfs).open === 'function';
}

/** "/a/b/" → "/a/b"; the guest sees preopen names exactly as given otherwise. */
function normaliseGuestPath(p: string): string {
  if (p.length === 0) throw new TypeError('preopens: a guest path must not be empty');
  let s = p;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/**
 * A WASI preview1 host with node:wasi's surface: pass `getImportObject()` to
 * WebAssembly.instantiate, then call `start(instance)` (commands) or
 * `initialize(instance)` (reactors).
 */
export class WASIHost {
  readonly wasiImport: WASIImport;
  private readonly ctx: HostContext;
  private readonly options: WASIOptions;
  private readonly stdio: HostStream[];
  private started = false;
  private disposed = false;
  /** Whether start() batches small writes (the writeBehind option). */
  private readonly batching: boolean;
  private embedderMemory: EmbedderMemory | undefined;

  constructor(options: WASIOptions, private readonly platform: Platform) {
    checkOptions(options);
    const held = writeBehindBytes(options.writeBehind);
    this.batching = held > 0;
    this.options = options;
    const env = Object.entries(options.env ?? {})
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => `${k}=${v}`);
    const fds = new FdTable(options.maxOpenFiles ?? 1024);
    this.stdio = [
      options.stdin === undefined ? platform.defaultStdio(0) : inputStream(options.stdin, platform),
      options.stdout === undefined ? platform.defaultStdio(1) : outputStream(options.stdout, 'stdout', platform),
      options.stderr === undefined ? platform.defaultStdio(2) : outputStream(options.stderr, 'stderr', platform),
    ];
    this.stdio.forEach((s, i) => fds.set(i, new StreamDescriptor(s, i === 0 ? RIGHTS_STDIN_BASE : RIGHTS_STDOUT_BASE)));

    const ns = new Namespace(fds);
    let fd = 3;
    for (const [guest, target] of Object.entries(options.preopens ?? {})) {
      const guestPath = normaliseGuestPath(guest);
      let vfs: Vfs;
      if (typeof target === 'string') vfs = platform.hostDirectory(target, `preopens['${guest}']`);
      else if (isVfs(target)) vfs = target;
      else throw new TypeError(`preopens['${guest}'] must be a host directory path or a backend (e.g. new MemFS())`);
      fds.set(fd++, ns.mount(guestPath, vfs, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING));
    }

    const mem = new GuestMemory();
    let scratch = new Uint8Array(4096);
    this.ctx = {
      mem,
      fds,
      ns,
      platform,
      args: new StringList(options.args ?? []),
      env: new StringList(env),
      writeBehind: new WriteBehind(held || WRITE_BEHIND_DEFAULT_BYTES),
      scratch(size: number): Uint8Array {
        if (scratch.byteLength < size) scratch = new Uint8Array(Math.max(size, scratch.byteLength * 2));
        return scratch;
      },
    };
    this.wasiImport = this.buildImports();
  }

  /** `{ wasi_snapshot_preview1: wasiImport }`, or `{ wasi_unstable: wasiImport }` for version 'unstable'. */
  getImportObject(): Record<string, WASIImport> {
    return { [MODULE_OF[this.options.version ?? 'preview1']]: this.wasiImport };
  }

  /**
   * Runs a command's `_start` and returns its exit status: 0 if `_start`
   * returns, the proc_exit code otherwise. Anything else the guest throws (a
   * trap) propagates. Descriptors the guest left open are closed afterwards.
   */
  start(instance: WebAssembly.Instance): number {
    const exports = this.begin(instance);
    const entry = exports._start;
    if (typeof entry !== 'function') throw new TypeError('instance.exports._start is not a function: not a WASI command');
    if (exports._initialize !== undefined) throw new TypeError('instance.exports._initialize must not be exported by a command that has _start');
    const wb = this.ctx.writeBehind;
    // Only when asked for, and only while the guest runs to completion here:
    // a reactor returns to its embedder between calls, unflushed.
    wb.enabled = this.batching;
    try {
      (entry as () => void)();
      return 0;
    } catch (err) {
      if (!(err instanceof WASIExit)) throw err;
      wb.flush();
      if (this.options.returnOnExit === false) this.platform.exit(err.code);
      return err.code;
    } finally {
      wb.flush();
      wb.enabled = false;
      for (const s of this.stdio) s.flush?.();
      this.closeAll();
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
    if (this.started) throw new TypeError('this WASI instance has already been started or initialized; create a new WASI for each instance');
    if (this.disposed) throw new TypeError('this WASI instance has been disposed; create a new WASI for each instance');
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
  private buildImports(): WASIImport {
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
    return bindImports(this.ctx, table, layers, o.onHostError ?? 'trap') as unknown as WASIImport;
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
