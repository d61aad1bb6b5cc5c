/** The Node entry of a guest thread's Worker (src/threads/thread.ts); the owner starts it with the thread's start message as workerData. */
import { parentPort, workerData } from 'node:worker_threads';
import { nodePlatform } from './platform/node.js';
import { runThread } from './threads/thread.js';

void runThread(workerData, nodePlatform, (r) => parentPort?.postMessage(r));
