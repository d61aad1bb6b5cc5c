/** The Worker runner for Node (`import { spawn } from 'wasi-host/runner'`): worker_threads. */
import { Worker } from 'node:worker_threads';
import { spawnWith, type SpawnOptions, type Spawned } from './spawn.js';

export type { SpawnOptions, Spawned } from './spawn.js';

/** Runs a WASI command in a worker_threads Worker; see Spawned. */
export function spawn(wasm: WebAssembly.Module | BufferSource, options?: SpawnOptions): Spawned {
  return spawnWith((url, onMessage, onError) => {
    const worker = new Worker(url ?? new URL('./runner-worker.js', import.meta.url));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', (code) => onError(new Error(`the runner's Worker stopped (exit code ${code}) before the command ended`)));
    return { post: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
  }, wasm, options);
}
export { toAsyncVfs, type AsyncVfs } from '../vfs/async.js';
