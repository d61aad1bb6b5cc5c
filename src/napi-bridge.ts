/**
 * napi-rs bindings whose threads read files in a browser (README, "Threads
 * that read files in a browser"): every thread of the binding (its loader's
 * and each wasi-threads Worker) mounts a VfsBridgeClient on one blocking
 * bridge (src/vfs/bridge.ts) served by a thread that runs no guest code, so
 * no thread's call waits on another thread's event loop. The generated
 * worker scripts get the bridge's buffer in a message the loader posts when
 * it makes each Worker, ahead of napi-rs's own `load` message.
 *
 * A thread the binding starts during a call that blocks its loader's thread
 * could not start either: Chromium starts a Worker made by a Worker only when
 * its maker returns to its event loop (README, "Threads that read files in a
 * browser", says how this was measured). So the loader starts its
 * Workers ahead (startBridgedWorkers) and onCreateWorker takes one of them.
 */
import { isVfsBridge, VfsBridgeClient } from './vfs/bridge.js';

/** Where this thread keeps its bridge: on globalThis, so every bundled copy of this module sees the one the application set. */
const KEY = Symbol.for('wasi-host.napi.vfsBridge');
/** The message that carries it to a worker thread. */
const MESSAGE = 'wasiHostVfsBridge';
/** A worker's answer once it has taken the bridge. */
const READY = 'wasiHostVfsBridgeReady';
/** This thread's Workers started ahead, on globalThis like the bridge. */
const POOL = Symbol.for('wasi-host.napi.bridgedWorkers');

type Holder = { [KEY]?: SharedArrayBuffer; [POOL]?: Worker[] };

/**
 * On the thread that loads the binding, before its loader runs: the buffer
 * made by createVfsBridge() that another thread serves (serveVfsBridge).
 */
export function useVfsBridge(sab: SharedArrayBuffer): void {
  if (!isVfsBridge(sab)) throw new TypeError('useVfsBridge: pass the SharedArrayBuffer made by createVfsBridge() (wasi-host/opfs)');
  (globalThis as Holder)[KEY] = sab;
}

/** A Vfs on this thread's bridge, for the preopen of the loader's WASI and of each worker's: `preopens: { '/': bridgedVfs() }`. */
export function bridgedVfs(): VfsBridgeClient {
  const sab = (globalThis as Holder)[KEY];
  if (sab === undefined) {
    throw new TypeError(
      'bridgedVfs: this thread has no bridge: call useVfsBridge(sab) before the loader runs, and in its onCreateWorker shareVfsBridge(worker), and in the worker script acceptVfsBridge(e) before handler.handle(e)',
    );
  }
  return new VfsBridgeClient(sab, 'napi-bridge');
}

/** In the loader's onCreateWorker: posts this thread's bridge to the new worker thread; returns the worker. */
export function shareVfsBridge<W extends { postMessage(message: unknown): void }>(worker: W): W {
  const sab = (globalThis as Holder)[KEY];
  if (sab === undefined) throw new TypeError('shareVfsBridge: this thread has no bridge: call useVfsBridge(sab) before the loader runs');
  worker.postMessage({ [MESSAGE]: sab });
  return worker;
}

/**
 * In the worker script's onmessage, before napi-rs's handler: takes the
 * bridge shareVfsBridge posted (true), or leaves any other message (false).
 */
export function acceptVfsBridge(e: { data?: unknown }): boolean {
  const data = e.data;
  if (typeof data !== 'object' || data === null || !(MESSAGE in data)) return false;
  useVfsBridge((data as Record<string, unknown>)[MESSAGE] as SharedArrayBuffer);
  (globalThis as unknown as { postMessage(m: unknown): void }).postMessage({ [READY]: true });
  return true;
}

/**
 * In the loader, before it instantiates the binding: starts `count` Workers
 * of `url` (the worker script), hands each this thread's bridge and resolves
 * once every one has taken it (acceptVfsBridge answers). Start as many as
 * the binding may run threads at once.
 */
export async function startBridgedWorkers(url: string | URL, count: number, options: WorkerOptions = { type: 'module' }): Promise<void> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`startBridgedWorkers: count must be an integer of at least 1, got ${count}`);
  const started = Array.from({ length: count }, () => {
    const worker = shareVfsBridge(new Worker(url, options));
    return new Promise<Worker>((resolve, reject) => {
      const onMessage = (e: MessageEvent): void => {
        if ((e.data as Record<string, unknown> | null)?.[READY] !== true) return;
        worker.removeEventListener('message', onMessage);
        resolve(worker);
      };
      worker.addEventListener('message', onMessage);
      worker.addEventListener('error', (e) => reject(new Error(`startBridgedWorkers: ${String(url)} did not start: ${e.message}`)), { once: true });
    });
  });
  const holder = globalThis as Holder;
  (holder[POOL] ??= []).push(...(await Promise.all(started)));
}

/**
 * In the loader's onCreateWorker, in place of `new Worker(url, options)`: a
 * Worker startBridgedWorkers started, or when none is left a new one given
 * the bridge (it starts only once this thread returns to its event loop).
 */
export function takeBridgedWorker(url: string | URL, options: WorkerOptions = { type: 'module' }): Worker {
  return (globalThis as Holder)[POOL]?.shift() ?? shareVfsBridge(new Worker(url, options));
}
