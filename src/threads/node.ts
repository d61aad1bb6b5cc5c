import type { SpawnThreadWorker } from './group.js';
import type { ThreadReport } from './protocol.js';
import { lateBuiltin } from '../platform/late-builtin.js';

/** Guest threads as worker_threads Workers running `url` (dist/thread-worker.cjs). */
export function nodeThreadWorkers(url: URL): SpawnThreadWorker {
  return (start, onReport, onFailure) => {
    const { Worker } = lateBuiltin('node:worker_threads');
    const worker = new Worker(url, { workerData: start });
    let reported = false;
    worker.on('message', (r: ThreadReport) => {
      reported = true;
      onReport(r);
    });
    worker.on('error', onFailure);
    worker.on('exit', (code) => {
      if (!reported) onFailure(new Error(`wasi-host: the Worker of thread ${start.tid} exited (code ${code}) before its thread ended`));
    });
    return { terminate: () => worker.terminate() };
  };
}
