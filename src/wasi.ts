import { Errno, ERRNO_NAMES, restoreStackTraces, stackTracesOff } from './abi/errno.js';
import { RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING, RIGHTS_STDIN_BASE, RIGHTS_STDOUT_BASE } from './abi/constants.js';
import { errnoOf } from './errors.js';
import { DirDescriptor, FdTable, makeMount, StreamDescriptor, type HostStream, type Mount } from './fd-table.js';
import { GuestMemory, Iovecs, StringList } from './memory.js';
import { Resolver } from './path.js';
import type { Platform } from './platform.js';
import { Collector, inputStream, outputStream, type StdinOption, type StdoutOption } from './stdio.js';
import { WASIExit, type HostContext } from './syscalls/context.js';
import { release } from './syscalls/fd-meta.js';
import { SYSCALLS, type SyscallDef } from './syscalls/table.js';
import { tracePaths, traceResults, type TraceEntry } from './trace.js';
import { SYSCALLS_UNSTABLE } from './syscalls/unstable.js';
import { WriteBehind } from './write-behind.js';
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

/** The functions of `wasi_snapshot_preview1` (or `wasi_unstable`), as handed to WebAssembly.instantiate. */
export type WASIImport = Record<string, (...args: never[]) => number | void>;

type AnyFn = (ctx: HostContext, ...args: (number | bigint)[]) => number;

function checkOptions(options: WASIOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
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

  constructor(options: WASIOptions, private readonly platform: Platform) {
    checkOptions(options);
    this.options = options;
    const env = Object.entries(options.env ?? {})
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => `${k}=${v}`);
    const fds = new FdTable(options.maxOpenFiles ?? 1024);
    this.stdio = [
      inputStream(options.stdin ?? (platform.name === 'node' ? 0 : new Uint8Array(0)), platform),
      outputStream(options.stdout ?? (platform.name === 'node' ? 1 : 'collect'), 'stdout', platform),
      outputStream(options.stderr ?? (platform.name === 'node' ? 2 : 'collect'), 'stderr', platform),
    ];
    this.stdio.forEach((s, i) => fds.set(i, new StreamDescriptor(s, i === 0 ? RIGHTS_STDIN_BASE : RIGHTS_STDOUT_BASE)));

    const mounts = new Map<string, Mount>();
    let fd = 3;
    for (const [guest, target] of Object.entries(options.preopens ?? {})) {
      const guestPath = normaliseGuestPath(guest);
      let vfs: Vfs;
      if (typeof target === 'string') vfs = platform.hostDirectory(target);
      else if (isVfs(target)) vfs = target;
      else throw new TypeError(`preopens['${guest}'] must be a host directory path or a backend (e.g. new MemFS())`);
      const mount = makeMount(vfs, '/', guestPath);
      mounts.set(guestPath, mount);
      const dir = new DirDescriptor({ mount, path: '/', guestPath }, guestPath, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING);
      fds.set(fd++, dir);
    }

    const mem = new GuestMemory();
    let scratch = new Uint8Array(4096);
    this.ctx = {
      mem,
      fds,
      resolver: new Resolver(mounts),
      platform,
      args: new StringList(options.args ?? []),
      env: new StringList(env),
      writeBehind: new WriteBehind(),
      iovecs: new Iovecs(),
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
    // Batching small writes is safe only while the guest runs to completion
    // here: a reactor returns to its embedder between calls, unflushed.
    wb.enabled = true;
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
      this.closeAll();
    }
  }

  /** Prepares a reactor: calls `_initialize` if exported. Descriptors stay open for later calls. */
  initialize(instance: WebAssembly.Instance): void {
    const exports = this.begin(instance);
    if (exports._start !== undefined) throw new TypeError('instance.exports._start must not be exported by a reactor');
    const init = exports._initialize;
    if (init !== undefined && typeof init !== 'function') throw new TypeError('instance.exports._initialize is not a function');
    if (typeof init === 'function') (init as () => void)();
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
    if (this.started) throw new Error('this WASI instance has already been started');
    const exports = instance.exports;
    const memory = this.options.memory ?? exports.memory;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError('instance.exports.memory is not a WebAssembly.Memory (pass options.memory for modules that import it)');
    }
    this.started = true;
    this.ctx.mem.attach(memory);
    return exports;
  }

  private closeAll(): void {
    for (const [fd, d] of [...this.ctx.fds.entries()]) {
      if (d.kind === 'file') release(this.ctx.fds.remove(fd));
    }
  }

  private buildImports(): WASIImport {
    const out: WASIImport = {};
    const table = this.options.version === 'unstable' ? SYSCALLS_UNSTABLE : SYSCALLS;
    for (const def of table) out[def.name] = this.options.trace ? this.traced(def, this.options.trace) : this.bind(def);
    return out;
  }

  /**
   * A fixed-arity wrapper per import: no rest arguments or closures allocated
   * per call. Before any import but fd_write, held writes are handed down
   * (src/write-behind.ts). Imports marked `total` return an errno for every
   * well-typed input by construction and skip the try/catch.
   *
   * Every wrapper first checks the arguments are what the engine passes for
   * the import's core signature (table.ts): as many as declared, a BigInt
   * for each i64, a 32-bit integer (signed or unsigned) for each i32. A
   * module that declared the import otherwise gets EINVAL, as from
   * node:wasi, and nothing runs. The checks are typeof tests on values
   * already in registers (measured: no difference on clock_time_get or
   * small fd_write beyond noise).
   */
  private bind(def: SyscallDef): (...args: never[]) => number | void {
    const ctx = this.ctx;
    const wb = ctx.writeBehind;
    const f = def.fn as unknown as AnyFn;
    const flushes = def.name !== 'fd_write';
    const n = def.params.length;
    const k = def.params.map(([, type]) => type === 'i64');
    const [k0, k1, k2, k3, k4, k5, k6] = k;
    type V = number & bigint;
    if (def.name.startsWith('path_')) {
      // Name lookups miss as a matter of course (stat probes, O_CREAT|O_EXCL, mkdir -p), and
      // every miss is an exception below, from Node's fs or memfs: the guest gets an errno,
      // so their stacks are never read (see stackTracesOff).
      return (...args: V[]) => {
        if (mistyped(args, k)) return Errno.INVAL;
        if (wb.owner !== null) wb.flush();
        const limit = stackTracesOff();
        try { return f(ctx, ...args); } catch (e) { return failure(e); } finally { restoreStackTraces(limit); }
      };
    }
    if (def.total === true && n === 3) {
      return function (a: V, b: V, c: V) {
        if (arguments.length !== 3 || bad(a, k0) || bad(b, k1) || bad(c, k2)) return Errno.INVAL;
        if (wb.owner !== null) wb.flush();
        return f(ctx, a, b, c);
      };
    }
    switch (n) {
      case 0: return function () {
        if (arguments.length !== 0) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx); } catch (e) { return failure(e); }
      };
      case 1: return function (a: V) {
        if (arguments.length !== 1 || bad(a, k0)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a); } catch (e) { return failure(e); }
      };
      case 2: return function (a: V, b: V) {
        if (arguments.length !== 2 || bad(a, k0) || bad(b, k1)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b); } catch (e) { return failure(e); }
      };
      case 3: return function (a: V, b: V, c: V) {
        if (arguments.length !== 3 || bad(a, k0) || bad(b, k1) || bad(c, k2)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b, c); } catch (e) { return failure(e); }
      };
      case 4: return function (a: V, b: V, c: V, d: V) {
        if (arguments.length !== 4 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b, c, d); } catch (e) { return failure(e); }
      };
      case 5: return function (a: V, b: V, c: V, d: V, e1: V) {
        if (arguments.length !== 5 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b, c, d, e1); } catch (e) { return failure(e); }
      };
      case 6: return function (a: V, b: V, c: V, d: V, e1: V, f1: V) {
        if (arguments.length !== 6 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4) || bad(f1, k5)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b, c, d, e1, f1); } catch (e) { return failure(e); }
      };
      case 7: return function (a: V, b: V, c: V, d: V, e1: V, f1: V, g: V) {
        if (arguments.length !== 7 || bad(a, k0) || bad(b, k1) || bad(c, k2) || bad(d, k3) || bad(e1, k4) || bad(f1, k5) || bad(g, k6)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, a, b, c, d, e1, f1, g); } catch (e) { return failure(e); }
      };
      default: return (...args: V[]) => {
        if (mistyped(args, k)) return Errno.INVAL;
        if (wb.owner !== null && flushes) wb.flush();
        try { return f(ctx, ...args); } catch (e) { return failure(e); }
      };
    }
  }

  private traced(def: SyscallDef, trace: (entry: TraceEntry) => void): (...args: never[]) => number | void {
    const ctx = this.ctx;
    const f = def.fn as unknown as AnyFn;
    const wb = ctx.writeBehind;
    const flushes = def.name !== 'fd_write';
    const params = def.params.map(([n]) => n);
    const k = def.params.map(([, type]) => type === 'i64');
    return (...args: (number | bigint)[]) => {
      if (mistyped(args, k)) {
        trace({ name: def.name, args, params, errno: Errno.INVAL, errnoName: ERRNO_NAMES[Errno.INVAL], paths: {}, results: {}, ms: 0 });
        return Errno.INVAL;
      }
      let errno: number | undefined;
      if (wb.owner !== null && flushes) wb.flush();
      const paths = tracePaths(ctx.mem, def.name, params, args);
      const t0 = performance.now();
      try {
        errno = f(ctx, ...args);
      } catch (e) {
        if (e instanceof WASIExit) {
          trace({ name: def.name, args, params, errno: undefined, errnoName: undefined, paths, results: {}, ms: performance.now() - t0 });
          throw e;
        }
        errno = errnoOf(e);
      }
      const ms = performance.now() - t0;
      const results = errno === Errno.SUCCESS ? traceResults(ctx.mem, def.name, params, args) : {};
      trace({ name: def.name, args, params, errno, errnoName: ERRNO_NAMES[errno], paths, results, ms });
      return errno;
    };
  }
}

/**
 * Whether `v` is not what the engine passes for a parameter of the import's
 * core type (a BigInt for an i64, a 32-bit integer for an i32): the module
 * declared the import with other types (an f64, an externref, i64 for i32).
 * An i32 may also be given unsigned, as JS embedders calling an import write
 * 0xFFFFFFFF; both read the same below (`>>> 0`).
 */
function bad(v: unknown, i64: boolean | undefined): boolean {
  return i64 === true ? typeof v !== 'bigint' : typeof v !== 'number' || ((v | 0) !== v && v >>> 0 !== v);
}

/** bad() over a whole argument list, which must also have the declared length. */
function mistyped(args: readonly unknown[], i64: readonly boolean[]): boolean {
  if (args.length !== i64.length) return true;
  for (let i = 0; i < args.length; i++) if (bad(args[i], i64[i])) return true;
  return false;
}

/** The errno for whatever a syscall threw; only proc_exit's unwinding passes through. */
function failure(e: unknown): Errno {
  if (e instanceof WASIExit) throw e;
  return errnoOf(e);
}
