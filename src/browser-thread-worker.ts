/** The browser entry of a guest thread's Web Worker (src/threads/thread.ts): its first message is the thread's start. */
import { browserPlatform } from './platform/browser.js';
import { runThread } from './threads/thread.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e: MessageEvent) => {
  scope.onmessage = null;
  const run = (): Promise<void> => runThread(e.data, browserPlatform, (r) => scope.postMessage(r));
  // The lock is held while this Worker lives (src/threads/browser.ts: how the owner knows it has stopped).
  const lock = (e.data as { lock?: unknown }).lock;
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (typeof lock === 'string' && locks !== undefined) void locks.request(lock, () => (run(), new Promise<void>(() => undefined)));
  else void run();
};
