/**
 * The host without any backend: `import { WASI } from 'wasi-host/core'`.
 * No Node built-ins and no memfs are reachable from here, so this is the
 * smallest bundle; mount your own `Vfs` objects as preopens. It runs in
 * browsers, workers and Node alike (the browser platform only needs
 * `performance`, `crypto.getRandomValues` and, where allowed, Atomics.wait).
 *
 * It is everything one synchronous run on one thread needs: every preview1
 * (and wasi_unstable) import, the sandbox, stdio, write-behind and the option
 * checks. Threads, JSPI, `wasi.memory`, the trace and interceptors options
 * and the naming of missing imports in run() are in the full entry,
 * 'wasi-host' (src/wasi-full.ts); here they are a TypeError that says so.
 */
import { browserPlatform } from './platform/browser.js';
import { runWith, type RunOptions, type RunResult } from './run.js';
import { WASIHost } from './wasi.js';
import type { FullOnlyOption, WASIOptions } from './options.js';

/** The core's options: WASIOptions without the full entry's trace and interceptors. */
export type CoreWASIOptions = Omit<WASIOptions, FullOnlyOption>;

export class WASI extends WASIHost {
  constructor(options: CoreWASIOptions = {}) {
    super(options, browserPlatform);
  }
}

// What the full entry adds, so that calling it here says where it is rather than "is not a function".
const elsewhere = (what: string) => (): never => {
  throw new TypeError(`${what} is in the full entry: use the WASI of 'wasi-host' (wasi-host/core leaves it out)`);
};
for (const name of ['startThreaded', 'startAsync', 'getAsyncImportObject']) {
  Object.defineProperty(WASI.prototype, name, { value: elsewhere(`wasi.${name}()`), writable: true, configurable: true });
}
Object.defineProperty(WASI.prototype, 'memory', { get: elsewhere('wasi.memory'), configurable: true });

/** Runs a WASI command and returns its exit code and collected output. */
export function run(wasm: BufferSource | WebAssembly.Module, options?: CoreRunOptions): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options);
}

/** run()'s options in the core. */
export type CoreRunOptions = Omit<RunOptions, FullOnlyOption>;

export { sleepStrategy } from './platform/browser.js';
export * from './exports.js';
