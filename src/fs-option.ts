import type { AsyncVfs } from './vfs/async.js';
import type { WASIOptions } from './options.js';
import type { Vfs } from './vfs/types.js';
import { MemFS } from './vfs/memfs.js';
import { FS_SHAPED_METHODS, type FsShaped } from './vfs/fs-shaped.js';
import { LineSink } from './stdio.js';

/**
 * The options @tybys/wasm-util's WASI takes beyond node:wasi's, as the
 * napi-rs loaders pass them: `fs`, a Node-fs-shaped object whose synchronous
 * methods serve every path, with string preopens naming directories in it
 * (`fs: __fs, preopens: { '/': '/' }` in `*.wasi-browser.js`; a forwarding
 * proxy of it in `wasi-worker-browser.mjs`), and `print` / `printErr`, which
 * get each line the guest writes to stdout / stderr.
 *
 * A memfs Volume (or memfs's createFsFromVolume of one) is mounted as MemFS
 * on its tree (src/vfs/memfs.ts): the fastest way, and memfs's own faults
 * corrected. Any other object is mounted as FsShapedFS, which calls its
 * methods (src/vfs/fs-shaped.ts).
 */
export interface FsOption {
  /** A Node-fs-shaped object with the synchronous methods FsShapedFS calls (FS_SHAPED_METHODS), e.g. a memfs Volume. */
  fs?: object;
  /** Gets each line the guest writes to stdout, without its newline (instead of `stdout`). */
  print?: (line: string) => void;
  /** Gets each line the guest writes to stderr, without its newline (instead of `stderr`). */
  printErr?: (line: string) => void;
}

/** How an fs-shaped object that is not memfs's is mounted: src/vfs/fs-shaped.ts, when the entry has it. */
type FsShapedMount = (fs: FsShaped, root: string, what: string) => Vfs;
let fsShapedMount: FsShapedMount | undefined;

/**
 * Called by the entries that mount any Node-fs-shaped object (Node's, and
 * the browser's `wasi-host/napi`): the main browser bundle leaves FsShapedFS
 * out, so its size budget holds (scripts/build.mjs).
 */
export function acceptFsShaped(mount: FsShapedMount): void {
  fsShapedMount = mount;
}

type MemFSVolume = Extract<ConstructorParameters<typeof MemFS>[0], { _core: unknown }>;

/**
 * The memfs Volume behind `fs`: the Volume itself, or the one memfs's
 * createFsFromVolume(vol) bound its methods to. That object does not expose
 * it, but each Volume gives it a StatWatcher class whose instances carry
 * the Volume (`vol`); MemFS needs the Volume's tree. A forwarding proxy
 * answers a plain function for every name, never a class, so it is never
 * constructed (that would be a call to another thread).
 */
function volumeOf(fs: object): MemFSVolume | undefined {
  const isVol = (v: unknown): v is MemFSVolume => typeof v === 'object' && v !== null && typeof (v as { _core?: unknown })._core === 'object';
  if (isVol(fs)) return fs;
  const Watcher = (fs as { StatWatcher?: unknown }).StatWatcher;
  if (typeof Watcher !== 'function' || !/^class\b/.test(Function.prototype.toString.call(Watcher))) return undefined;
  try {
    const vol = (new (Watcher as new () => { vol?: unknown })()).vol;
    return isVol(vol) ? vol : undefined;
  } catch {
    return undefined;
  }
}

/** A LineSink for `print` or `printErr`, refusing it beside the option it replaces. */
function printer(options: WASIOptions & FsOption, name: 'print' | 'printErr', instead: 'stdout' | 'stderr'): LineSink | undefined {
  const print = options[name];
  if (print === undefined) return undefined;
  if (typeof print !== 'function') throw new TypeError(`WASI: ${name} must be a function taking one line of text`);
  if (options[instead] !== undefined) throw new TypeError(`WASI: pass ${name} or ${instead}, not both (${name} is ${instead} delivered a line at a time)`);
  return new LineSink((line) => print(line));
}

/** node:wasi-shaped options: `fs`'s string preopens mounted as backends over it, print and printErr as stdout and stderr. */
export function mountFsOption<O extends WASIOptions & FsOption>(options: O): Omit<O, 'fs' | 'print' | 'printErr'> {
  if (typeof options !== 'object' || options === null) return options;
  const stdout = printer(options, 'print', 'stdout');
  const stderr = printer(options, 'printErr', 'stderr');
  const { fs, print: _p, printErr: _e, ...rest } = options;
  const out: WASIOptions = rest;
  if (stdout !== undefined) out.stdout = stdout;
  if (stderr !== undefined) out.stderr = stderr;
  if (fs === undefined) return out as Omit<O, 'fs' | 'print' | 'printErr'>;
  if (typeof fs !== 'object' || fs === null) throw new TypeError('WASI: fs must be a Node-fs-shaped object such as a memfs Volume (or leave it out and mount backends with preopens)');
  const missing = FS_SHAPED_METHODS.filter((m) => typeof (fs as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`WASI: fs lacks ${missing.join(', ')}: pass an object with Node's synchronous fs methods (a memfs Volume, memfs's createFsFromVolume(volume)), or mount a backend: preopens: { '/': new MemFS(...) }`);
  }
  const vol = volumeOf(fs);
  const mountShaped = fsShapedMount;
  if (vol === undefined && mountShaped === undefined) {
    throw new TypeError("WASI: fs is not a memfs Volume: this entry mounts only memfs's; for any other Node-fs-shaped object (the napi-rs browser workers' fs proxy) use the WASI of the 'wasi-host/napi' entry");
  }
  const preopens: Record<string, string | Vfs | AsyncVfs> = {};
  for (const [guest, target] of Object.entries(out.preopens ?? {})) {
    if (typeof target !== 'string') preopens[guest] = target;
    else preopens[guest] = vol !== undefined ? new MemFS(vol, { root: target }) : mountShaped!(fs as FsShaped, target, `preopens['${guest}']`);
  }
  return { ...out, preopens } as Omit<O, 'fs' | 'print' | 'printErr'>;
}
