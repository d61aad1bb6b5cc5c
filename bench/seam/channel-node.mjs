// Round trip of a syscall forwarded from a worker_threads Worker to the
// owner (the main thread) through bench/seam/channel.mjs, in Node: median,
// p99 and mean µs per forwarded fd_write (16 bytes into a collected stdout
// over shared guest memory), for three ways the owner can listen.
//
//   node bench/seam/channel-node.mjs            # about 10 s
//   node bench/seam/channel-node.mjs --calls 50000
//
// Issue 12's budget is 20 µs per forwarded call.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadavg } from 'node:os';
import * as C from './channel.mjs';
import { fixed, median, quantile, table } from './stats.mjs';

const [baseSec, baseNsec] = process.hrtime();
function monotonicNs() {
  const t = process.hrtime();
  return (t[0] - baseSec) * 1e9 + (t[1] - baseNsec);
}

/** Polls of the state cell before sleeping, in the spinning variant (a few µs on this machine). */
const SPINS = 2000;

if (!isMainThread) {
  const { ctl, memory, mode, calls } = workerData;
  const announce = mode === 'postMessage' ? () => parentPort.postMessage('call') : undefined;
  parentPort.postMessage('ready');
  const spins = mode === 'waitAsync+spin' ? SPINS : 0;
  const r = mode === 'direct' ? C.directSamples(memory, calls, monotonicNs) : C.forwardedSamples(ctl, calls, announce, spins);
  if (mode !== 'direct') C.stop(ctl, announce);
  parentPort.postMessage({ samples: r.samples, meanUs: r.meanUs });
} else {
  const at = process.argv.indexOf('--calls');
  const calls = at > 0 ? Number(process.argv[at + 1]) : 20_000;

  async function measure(mode) {
    const ctl = C.makeControl();
    const memory = C.makeSharedMemory();
    const ctx = C.ownerContext(memory, monotonicNs);
    const worker = new Worker(new URL(import.meta.url), { workerData: { ctl, memory, mode, calls } });
    let serving;
    const result = await new Promise((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m) => {
        if (m === 'ready') {
          if (mode.startsWith('waitAsync')) serving = C.serveAsync(ctl, ctx);
          else if (mode === 'blocking') C.serveBlocking(ctl, ctx);
        } else if (m === 'call') {
          C.serveAnnounced(ctl, ctx);
        } else {
          resolve(m);
        }
      });
    });
    await serving;
    await worker.terminate();
    if (mode !== 'direct' && C.sinkTotal(ctx) === 0) throw new Error(`${mode}: nothing reached the owner's sink`);
    return result;
  }

  const modes = [
    ['direct', 'no forwarding: the plain call in the worker itself'],
    ['waitAsync', 'owner awaits Atomics.waitAsync (its event loop stays free)'],
    ['waitAsync+spin', `the same, the caller polling ${SPINS} times before Atomics.wait`],
    ['postMessage', 'request announced by postMessage, owner answers from its event loop'],
    ['blocking', 'owner blocks in Atomics.wait (a dedicated owner thread)'],
  ];
  const rows = [];
  for (const [mode, what] of modes) {
    const { samples, meanUs } = await measure(mode);
    rows.push([mode, what, fixed(median(samples), 2), fixed(quantile(samples, 0.99), 2), fixed(meanUs, 2)]);
  }
  console.log(`Node ${process.version}, ${calls} calls per row, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log(table(['owner', 'how', 'median µs', 'p99 µs', 'mean µs'], rows));
}
