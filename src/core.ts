/**
 * The host without any backend: `import { WASI } from 'wasi-host/core'`.
 * No Node built-ins and no memfs are reachable from here, so this is the
 * smallest bundle; mount your own `Vfs` objects as preopens. It runs in
 * browsers, workers and Node alike (the browser platform only needs
 * `performance`, `crypto.getRandomValues` and, where allowed, Atomics.wait).
 */
import { browserPlatform } from './platform/browser.js';
import { runWith, type RunOptions, type RunResult } from './run.js';
import { WASIHost, type WASIOptions } from './wasi.js';
import type { SpawnThreadWorker } from './threads/group.js';
import { browserThreadWorkers } from './threads/browser.js';

export class WASI extends WASIHost {
  constructor(options: WASIOptions = {}) {
    super(options, browserPlatform);
  }

  protected override threadWorkers(url: string | URL | undefined): SpawnThreadWorker {
    return browserThreadWorkers(url ?? defaultWorkerUrl());
  }
}

/** dist/browser-thread-worker.js beside this module; the IIFE build has no module URL and must be told. */
function defaultWorkerUrl(): URL {
  const here = (import.meta as { url?: string }).url;
  if (here === undefined) throw new TypeError("startThreaded: pass { workerUrl } (the URL of wasi-host's browser-thread-worker.js): this build cannot find it by itself");
  return new URL('./browser-thread-worker.js', here);
}

/** Runs a WASI command and returns its exit code and collected output. */
export function run(wasm: BufferSource | WebAssembly.Module, options?: RunOptions): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options);
}

export { sleepStrategy } from './platform/browser.js';
export * from './exports.js';
