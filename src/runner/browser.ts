/** The Worker runner for browsers (`import { spawn } from 'wasi-host/runner'`): a module Worker. */
import { spawnWith, type SpawnOptions, type Spawned } from './spawn.js';

export type { SpawnOptions, Spawned } from './spawn.js';

/** Runs a WASI command in a module Worker; the page must be cross-origin isolated (SharedArrayBuffer). */
export function spawn(wasm: WebAssembly.Module | BufferSource, options?: SpawnOptions): Spawned {
  return spawnWith((url, onMessage, onError) => {
    const worker = new Worker(url ?? new URL('./browser-runner-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e) => onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      onError(new Error(`the runner's Worker failed: ${e.message || 'could not load the script (is workerUrl right?)'}`));
    };
    return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
  }, wasm, options);
}
export { toAsyncVfs, type AsyncVfs } from '../vfs/async.js';
