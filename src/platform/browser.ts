import type { Platform } from './types.js';
import { BytesSource, LineSink } from '../stdio.js';

const originUs = BigInt(Math.round(performance.timeOrigin * 1000));
const startMs = performance.now();

let lastMonotonicNs = -1;

/**
 * The one clock both clock_time_get(MONOTONIC) and sleeps are measured on.
 * Browsers coarsen performance.now() (5 µs when cross-origin isolated, else
 * 100 µs), so two reads in a row would often be equal; programs (and the
 * official wasi-testsuite) expect back-to-back reads to differ, as they do on
 * a nanosecond clock. Within one coarse tick each read is 1 ns past the last:
 * the clock never goes backwards, and it runs at most a few µs ahead of
 * performance.now() until the next tick catches it up.
 */
function monotonicNs(): number {
  const now = Math.floor(performance.now() * 1e6);
  lastMonotonicNs = now > lastMonotonicNs ? now : lastMonotonicNs + 1;
  return lastMonotonicNs;
}

/**
 * A cell to Atomics.wait on, or null where this thread may not block.
 * Waiting needs shared memory: `SharedArrayBuffer` exists only on
 * cross-origin-isolated pages (COOP + COEP headers), but Chromium also hands
 * out a shared WebAssembly.Memory without them, so that is tried next.
 * Waiting is forbidden on a page's main thread whatever the headers.
 * Probed on first use.
 */
let cell: Int32Array | null | undefined;
function waitCell(): Int32Array | null {
  if (cell !== undefined) return cell;
  cell = null;
  try {
    const buffer = typeof SharedArrayBuffer === 'function'
      ? new SharedArrayBuffer(4)
      : new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer;
    const c = new Int32Array(buffer, 0, 1);
    Atomics.wait(c, 0, 1, 0); // 'not-equal' where waiting is allowed, a TypeError where not
    cell = c;
  } catch {
    // no shared memory, or a page's main thread: sleeps spin
  }
  return cell;
}

/**
 * How a clock sleep blocks on this thread: `'atomics'` (Atomics.wait, no CPU
 * used: workers of a cross-origin-isolated page, and Node) or `'spin'` (a
 * page's main thread, or any thread without SharedArrayBuffer).
 */
export function sleepStrategy(): 'atomics' | 'spin' {
  return waitCell() === null ? 'spin' : 'atomics';
}

export const browserPlatform: Platform = {
  name: 'browser',
  monotonicNs,
  realtimeNs: () => originUs * 1000n + BigInt(Math.floor(performance.now() * 1e6)),
  cputimeNs: () => BigInt(Math.floor((performance.now() - startMs) * 1e6)),
  // Browsers coarsen performance.now() to 5-100 microseconds.
  clockResolutionNs: 100000n,
  // getRandomValues fills at most 65,536 bytes a call.
  randomFill: (into) => {
    for (let i = 0; i < into.length; ) crypto.getRandomValues(into.subarray(i, (i += 65536)));
  },
  /**
   * Returns once the monotonic clock the guest reads has advanced by `ns`, so
   * a guest never wakes early by its own measure. A WASI call is synchronous
   * and a page's main thread cannot block, so there the only correct sleep
   * is to spin on the clock: exact, but the page does nothing else meanwhile
   * (run programs that sleep in a Worker). Elsewhere Atomics.wait blocks
   * without using the CPU; it is re-armed if it returns before the deadline.
   */
  sleep: (ns) => {
    const end = monotonicNs() + ns;
    const c = waitCell();
    for (let left = ns; left > 0; left = end - monotonicNs()) {
      if (c !== null) Atomics.wait(c, 0, 0, left / 1e6);
    }
  },
  fdStream: (_fd, mode) => {
    throw new TypeError(`${mode === 'read' ? 'stdin' : 'stdout/stderr'}: host file descriptors exist only in Node; in a browser pass a callback, a string or 'collect'`);
  },
  // A page has no process stdio; the console is where a developer looks for perror() output.
  defaultStdio: (fd) =>
    fd === 0 ? new BytesSource(new Uint8Array(0)) : new LineSink(fd === 1 ? (line) => console.log(line) : (line) => console.error(line)),
  hostDirectory: (path, label) => {
    throw new TypeError(`${label}: host directory '${path}' needs Node; in a browser mount a backend such as new MemFS()`);
  },
  exit: (code) => {
    throw new Error(`WASI program exited with code ${code} (returnOnExit: false has no process to end in a browser)`);
  },
};
