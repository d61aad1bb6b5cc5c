import type { SpawnThreadWorker } from './group.js';
import type { ThreadReport } from './protocol.js';

/** Guest threads as module Web Workers running `url` (dist/browser-thread-worker.js). */
export function browserThreadWorkers(url: string | URL): SpawnThreadWorker {
  return (start, onReport, onFailure) => {
    const worker = new Worker(url, { type: 'module' });
    worker.onmessage = (e: MessageEvent<ThreadReport>) => onReport(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onFailure(new Error(`wasi-host: the Worker of thread ${start.tid} failed: ${e.message || 'it could not be loaded (is the page cross-origin isolated?)'}`));
    };
    const lock = `wasi-host-thread-${crypto.randomUUID()}`;
    worker.postMessage({ ...start, lock });
    return {
      terminate: () => {
        worker.terminate();
        return stopped(lock);
      },
    };
  };
}

/**
 * Resolves once the Worker holding `lock` has stopped. Chromium's terminate()
 * only asks a busy Worker to stop and forces it after a delay (2 s measured,
 * test/browser-threads.test.ts); the thread holds a Web Lock while it runs and
 * the lock is released only when its Worker is gone. The owner then keeps the
 * lock, so a Worker terminated before it took the lock never runs the guest.
 * Without Web Locks (not a secure context) this resolves at once.
 */
function stopped(lock: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    void locks.request(lock, () => {
      resolve();
      return new Promise<void>(() => undefined);
    });
  });
}
