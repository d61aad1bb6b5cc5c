/** A worker of `wasi-host test` (cli-test.ts): runs the tests it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { runTest, type TestCase, type TestModes } from './cli-test-run.js';

const modes = workerData as TestModes;
parentPort?.on('message', (t: TestCase) => {
  parentPort?.postMessage(runTest(t, modes));
});
// Loaded: the runner starts a test's clock only now, so a slow start is never a test's timeout.
parentPort?.postMessage('ready');
