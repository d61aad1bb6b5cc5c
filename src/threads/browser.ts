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
    worker.postMessage(start);
    return {
      terminate: () => {
        worker.terminate();
        return Promise.resolve();
      },
    };
  };
}
