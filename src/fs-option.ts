import type { AsyncVfs } from './vfs/async.js';
import type { WASIOptions } from './options.js';
import type { Vfs } from './vfs/types.js';
import { MemFS } from './vfs/memfs.js';

/**
 * @tybys/wasm-util's `fs` option, which the napi-rs browser loaders
 * (`*.wasi-browser.js`) pass: a Node-fs-shaped object whose synchronous
 * methods serve every path, with string preopens naming directories in it
 * (`fs: memfsVolume, preopens: { '/': '/' }`). Here each such preopen becomes
 * a MemFS over that object, rooted at the named directory: the object is
 * used as MemFS uses a memfs Volume (src/vfs/memfs.ts): a memfs Volume or
 * the `fs` of memfs's createFsFromVolume. (Node's own `fs` is not memfs: its
 * fractional timestamps fail MemFS; mount host directories by path instead.)
 */
export interface FsOption {
  /** A Node-fs-shaped object with the synchronous methods MemFS calls (FS_METHODS). */
  fs?: object;
}

/** What MemFS calls on a Volume. */
const FS_METHODS = [
  'openSync', 'closeSync', 'readSync', 'writeSync', 'fstatSync', 'ftruncateSync', 'futimesSync', 'lstatSync', 'statSync',
  'readFileSync', 'writeFileSync', 'readdirSync', 'mkdirSync', 'rmdirSync', 'unlinkSync', 'linkSync', 'renameSync',
  'symlinkSync', 'readlinkSync', 'realpathSync', 'utimesSync', 'lutimesSync',
] as const;

type MemFSVolume = Extract<ConstructorParameters<typeof MemFS>[0], { _core: unknown }>;

/**
 * The memfs Volume behind `fs`: the Volume itself, or the one memfs's
 * createFsFromVolume(vol) bound its methods to. That object does not expose
 * it, but each Volume gives it a StatWatcher class whose instances carry
 * the Volume (`vol`); MemFS needs the Volume's tree.
 */
function volumeOf(fs: object): MemFSVolume | undefined {
  const isVol = (v: unknown): v is MemFSVolume => typeof v === 'object' && v !== null && typeof (v as { _core?: unknown })._core === 'object';
  if (isVol(fs)) return fs;
  const Watcher = (fs as { StatWatcher?: unknown }).StatWatcher;
  if (typeof Watcher !== 'function') return undefined;
  try {
    const vol = (new (Watcher as new () => { vol?: unknown })()).vol;
    return isVol(vol) ? vol : undefined;
  } catch {
    return undefined;
  }
}

/** The options without `fs`, its string preopens mounted as MemFS over it. */
export function mountFsOption<O extends WASIOptions & FsOption>(options: O): Omit<O, 'fs'> {
  if (typeof options !== 'object' || options === null || !('fs' in options) || options.fs === undefined) return options;
  const { fs, ...rest } = options;
  if (typeof fs !== 'object' || fs === null) throw new TypeError('WASI: fs must be a Node-fs-shaped object such as a memfs Volume (or leave it out and mount backends with preopens)');
  const missing = FS_METHODS.filter((m) => typeof (fs as Record<string, unknown>)[m] !== 'function');
  if (missing.length > 0) {
    throw new TypeError(`WASI: fs lacks ${missing.join(', ')}: pass a memfs Volume or memfs's createFsFromVolume(volume), or mount a backend: preopens: { '/': new MemFS(...) }`);
  }
  const vol = volumeOf(fs);
  if (vol === undefined) {
    throw new TypeError("WASI: fs is not memfs's: pass a memfs Volume or memfs's createFsFromVolume(volume), or mount a backend: preopens: { '/': new MemFS(...) }");
  }
  const preopens: Record<string, string | Vfs | AsyncVfs> = {};
  for (const [guest, target] of Object.entries((rest as WASIOptions).preopens ?? {})) {
    preopens[guest] = typeof target === 'string' ? new MemFS(vol, { root: target }) : target;
  }
  return { ...rest, preopens };
}
