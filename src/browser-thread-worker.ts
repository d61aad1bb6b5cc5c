/** The browser entry of a guest thread's Web Worker (src/threads/thread.ts): its first message is the thread's start. */
import { browserPlatform } from './platform/browser.js';
import { runThread } from './threads/thread.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e: MessageEvent) => {
  scope.onmessage = null;
  void runThread(e.data, browserPlatform, (r) => scope.postMessage(r));
};
