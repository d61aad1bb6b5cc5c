import type { AsyncVfs } from './vfs/async.js';
import type { HostErrorPolicy, Interceptor } from './binder.js';
import type { StdinOption, StdoutOption } from './stdio.js';
import type { TraceEntry } from './trace.js';
import type { Vfs } from './vfs/types.js';

/**
 * The options of the WASI class: their types, and every check made of them
 * before anything is built (src/context-builder.ts builds from them).
 */

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
   * An AsyncVfs (an OPFS directory) is answered only in JSPI mode
   * (getAsyncImportObject() and startAsync()); spawn() takes it in any mode.
   */
  preopens?: Readonly<Record<string, string | Vfs | AsyncVfs>>;
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

/** Which WASI a guest imports: preview1 (`wasi_snapshot_preview1`) or preview 0 (`wasi_unstable`). */
export type WASIVersion = 'preview1' | 'unstable';


/** The options only the full entries ('wasi-host') take: wasi-host/core names that entry instead (src/wasi-full.ts). */
export type FullOnlyOption = 'trace' | 'interceptors' | 'writeBehind';
const FULL_ONLY: Readonly<Record<FullOnlyOption, true>> = { trace: true, interceptors: true, writeBehind: true };

/**
 * Every option the WASI class takes. Typed against WASIOptions, so adding an
 * option without listing it here fails the type check instead of being
 * rejected at run time as unknown.
 */
const KNOWN: Readonly<Record<keyof WASIOptions, true>> = {
  version: true,
  args: true,
  env: true,
  preopens: true,
  stdin: true,
  stdout: true,
  stderr: true,
  returnOnExit: true,
  memory: true,
  maxOpenFiles: true,
  trace: true,
  writeBehind: true,
  interceptors: true,
  onHostError: true,
};

/**
 * Options other WASI hosts take, and what to write here instead. The full
 * entries take `fs`, `print` and `printErr` (src/fs-option.ts) before these
 * checks; the core names them itself (src/core.ts).
 */
const INSTEAD: Readonly<Record<string, string>> = {
  bindings: 'wasi-host needs no bindings; mount directories with preopens and pass stdin/stdout/stderr',
  preopenDirectories: "use preopens: { '/guest/path': './host/dir' }",
  mapDirs: "use preopens: { '/guest/path': './host/dir' }",
  argv: "use args (argv[0] included): args: ['prog', 'arg1']",
  environ: 'use env: an object of strings',
};

/** Edit distance, for "did you mean" (names are short, so the quadratic table is fine). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The known name closest to `name`, if it is close enough to be a slip. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * The checks node:wasi does not make: unknown keys (a misspelt `preopen`,
 * another library's `fs`), env values that are not strings, preopens that are
 * not a plain object. Each message names the option and the fix. Returns
 * the environment as the guest sees it (`NAME=value`, undefined values left
 * out), made in the same pass over env as its check.
 */
function checkOptionShapes(options: object, full: boolean): string[] {
  // for…in over own keys, not for…of over Object.keys/entries: this runs cold in every `new WASI`, where
  // a for…of step allocates an iterator result, and each KiB a run leaves costs the startup row
  // page faults on a fresh young generation (BENCHMARKS.md, issue 14 part 8).
  for (const key in options) {
    if (!Object.hasOwn(options, key)) continue;
    if (!full && key in FULL_ONLY) {
      throw new TypeError(`WASI: option \`${key}\` is in the full entry: use the WASI of 'wasi-host' (wasi-host/core leaves it out)`);
    }
    if (key in KNOWN) continue;
    const instead = INSTEAD[key];
    if (instead !== undefined) throw new TypeError(`WASI: unknown option \`${key}\`: ${instead}`);
    const guess = closest(key, Object.keys(KNOWN));
    throw new TypeError(
      `WASI: unknown option \`${key}\`${guess !== undefined ? `; did you mean \`${guess}\`?` : ''} (options are ${Object.keys(KNOWN).join(', ')})`,
    );
  }
  const { env, preopens } = options as WASIOptions;
  const environ: string[] = [];
  if (env !== undefined && typeof env === 'object' && env !== null) {
    for (const name in env) {
      if (!Object.hasOwn(env, name)) continue;
      const value = (env as Record<string, unknown>)[name];
      if (value !== undefined && typeof value !== 'string') {
        throw new TypeError(`WASI: env.${name} must be a string, got ${describe(value)} (write String(value))`);
      }
      if (name === '' || name.includes('=')) {
        throw new TypeError(`WASI: env name ${JSON.stringify(name)} must be non-empty and without '='`);
      }
      if (value !== undefined) environ.push(`${name}=${value}`);
    }
  }
  if (preopens !== undefined && (Array.isArray(preopens) || preopens instanceof Map)) {
    throw new TypeError(
      `WASI: preopens must be an object mapping guest paths to host directories or backends, e.g. { '/data': './data' }; got ${preopens instanceof Map ? 'a Map (use Object.fromEntries(map))' : 'an array'}`,
    );
  }
  return environ;
}

/** A module function, not an arrow in checkOptions: an arrow there is a closure made per host. */
const notString = (a: unknown): boolean => typeof a !== 'string';

/**
 * Every check of the core's options, each failure a TypeError or RangeError
 * naming the option and the fix; `full` admits the full entry's options,
 * which it checks itself (src/wasi-full.ts). Returns the guest's environment
 * (`NAME=value` strings), made while env is checked.
 */
export function checkOptions(options: WASIOptions, full: boolean): string[] {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const environ = checkOptionShapes(options, full);
  if (options.version !== undefined && options.version !== 'preview1' && options.version !== 'unstable') {
    throw new TypeError(`version must be 'preview1' or 'unstable', got ${String(options.version)}`);
  }
  if (!full && options.version === 'unstable') {
    throw new TypeError("WASI: version 'unstable' (wasi_unstable) is in the full entry: use the WASI of 'wasi-host' (wasi-host/core has preview1 only)");
  }
  if (options.args !== undefined && (!Array.isArray(options.args) || options.args.some(notString))) {
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
  const policy = options.onHostError;
  if (policy !== undefined && policy !== 'trap' && policy !== 'eio') {
    throw new TypeError(`onHostError must be 'trap' or 'eio', got ${String(policy)}`);
  }
  return environ;
}
