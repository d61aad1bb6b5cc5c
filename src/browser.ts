/**
 * The browser entry: the core (src/core.ts) with the full host
 * (src/wasi-full.ts: threads, JSPI, wasi.memory, trace, interceptors) and the
 * in-memory backend. No Node built-ins are reachable from here; the browser
 * build bundles memfs's tree with small stand-ins for the few Node modules it
 * imports (scripts/browser-build.mjs).
 */
import { mountFsOption, type FsOption } from './fs-option.js';
import { checkImports } from './link.js';
import type { WASIOptions } from './options.js';
import { browserPlatform } from './platform/browser.js';
import { runWith, type RunOptions, type RunResult } from './run.js';
import { browserThreadWorkers } from './threads/browser.js';
import type { SpawnThreadWorker } from './threads/group.js';
import { WASIFullHost } from './wasi-full.js';

export { sleepStrategy } from './platform/browser.js';
export * from './exports.js';
export * from './exports-full.js';
export { MemFS, type MemFSSeed } from './vfs/memfs.js';
export type { FsOption } from './fs-option.js';

/** The full host on the browser platform, plus `fs` (src/fs-option.ts): string preopens then name directories of that fs, as @tybys/wasm-util's WASI takes them. */
export class WASI extends WASIFullHost {
  constructor(options: WASIOptions & FsOption = {}) {
    super(mountFsOption(options), browserPlatform);
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

/** Runs a WASI command and returns its exit code and collected output; a missing import is a TypeError that names it. */
export function run(wasm: BufferSource | WebAssembly.Module, options?: RunOptions): Promise<RunResult> {
  return runWith((o) => new WASI(o), wasm, options, checkImports);
}

export { StdinQueue } from './stdin-queue.js';
export { saveToOPFS, loadFromOPFS } from './vfs/opfs-snapshot.js';
