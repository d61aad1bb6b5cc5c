/** The browser runner's module Worker (dist/browser-runner-worker.js): one command per Worker. */
import { browserPlatform } from '../platform/browser.js';
import type { StartMessage } from './protocol.js';
import { runInWorker } from './worker-body.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<StartMessage>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  scope.onmessage = null;
  runInWorker(e.data, (m, transfer = []) => scope.postMessage(m, transfer), browserPlatform);
};
