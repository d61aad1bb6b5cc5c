import type { Platform } from '../platform.js';

const originUs = BigInt(Math.round(performance.timeOrigin * 1000));
const startMs = performance.now();

/** Atomics.wait is allowed in workers with SharedArrayBuffer, never on a page's main thread. */
function makeSleeper(): ((ms: number) => boolean) {
  if (typeof SharedArrayBuffer === 'undefined') return () => false;
  let cell: Int32Array;
  try {
    cell = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(cell, 0, 1, 0); // throws TypeError where waiting is forbidden
  } catch {
    return () => false;
  }
  return (ms) => {
    Atomics.wait(cell, 0, 0, ms);
    return true;
  };
}

const blockingWait = makeSleeper();

export const browserPlatform: Platform = {
  name: 'browser',
  monotonicNs: () => Math.floor(performance.now() * 1e6),
  realtimeNs: () => originUs * 1000n + BigInt(Math.floor(performance.now() * 1e6)),
  cputimeNs: () => BigInt(Math.floor((performance.now() - startMs) * 1e6)),
  // Browsers coarsen performance.now() to 5-100 microseconds.
  clockResolutionNs: 100000n,
  randomFill: (into) => {
    crypto.getRandomValues(into);
  },
  sleep: (ns) => {
    const ms = ns / 1e6;
    if (blockingWait(ms)) return;
    // On a main thread nothing can block, so the call waits on the clock: the
    // sleep is exact but holds the page; run long sleepers in a Worker.
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // busy-wait by necessity
    }
  },
  fdStream: (_fd, mode) => {
    throw new TypeError(`${mode === 'read' ? 'stdin' : 'stdout/stderr'}: host file descriptors exist only in Node; in a browser pass a callback, a string or 'collect'`);
  },
  hostDirectory: (path) => {
    throw new TypeError(`preopens: host directory '${path}' needs Node; in a browser mount a backend such as new MemFS()`);
  },
  exit: (code) => {
    throw new Error(`WASI program exited with code ${code} (returnOnExit: false has no process to end in a browser)`);
  },
};
