/** The Node runner's Worker (dist/runner-worker.js): one command per Worker. */
import { parentPort } from 'node:worker_threads';
import { nodePlatform } from '../platform/node.js';
import type { StartMessage } from './protocol.js';
import { runInWorker } from './worker-body.js';

const port = parentPort;
if (port === null) throw new TypeError('wasi-host runner-worker.js is loaded by spawn() as a worker_threads Worker, not run directly');
port.once('message', (start: StartMessage) => runInWorker(start, (m, transfer) => port.postMessage(m, transfer as never), nodePlatform));
