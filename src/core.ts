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
    super(withoutFullOptions(options), browserPlatform);
  }
}

/** What the full entry's options of other hosts (src/fs-option.ts) are here instead: only this entry can meet them. */
const FULL_INSTEAD: Readonly<Record<string, string>> = {
  fs: "wasi-host/core takes no fs: use the WASI of the main 'wasi-host' entry (its fs option takes a Node-fs-shaped object such as a memfs Volume), or mount a backend: preopens: { '/': yourVfs }",
  print: "wasi-host/core takes no print: use the WASI of the main 'wasi-host' entry, or stdout: (chunk) => ... (bytes, not lines)",
  printErr: "wasi-host/core takes no printErr: use the WASI of the main 'wasi-host' entry, or stderr: (chunk) => ... (bytes, not lines)",
};

function withoutFullOptions(options: CoreWASIOptions): CoreWASIOptions {
  if (typeof options === 'object' && options !== null) {
    for (const key in FULL_INSTEAD) {
      if (Object.hasOwn(options, key)) throw new TypeError(`WASI: unknown option \`${key}\`: ${FULL_INSTEAD[key]}`);
    }
  }
  return options;
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
