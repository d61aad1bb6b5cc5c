// The blocking bridge's cost per call (src/vfs/bridge.ts), Node: a worker
// thread calls lstat and 4 KiB reads on a MemFS directly, then through the
// bridge served by this thread (toAsyncVfs), and prints µs per call.
// node bench/seam/bridge.mjs [--calls N]   (needs `npm run build` first)
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { MemFS, toAsyncVfs, createVfsBridge, serveVfsBridge } from '../../dist/index.js';

const calls = Number(process.argv[process.argv.indexOf('--calls') + 1]) || 20000;
const fs = new MemFS({ 'a/b/c.txt': 'x'.repeat(4096) });
const sab = createVfsBridge();
const server = serveVfsBridge(toAsyncVfs(fs), sab);
const worker = new Worker(
  `const { parentPort, workerData: w } = require('node:worker_threads');
   import(w.dist).then(({ MemFS, VfsBridgeClient }) => {
     const direct = new MemFS({ 'a/b/c.txt': 'x'.repeat(4096) });
     const bridged = new VfsBridgeClient(w.sab);
     const buf = new Uint8Array(4096);
     const time = (vfs) => {
       const f = vfs.open('/a/b/c.txt', { read: true, write: false, create: false, exclusive: false, truncate: false, noFollow: true });
       let t = performance.now();
       for (let i = 0; i < w.calls; i++) vfs.lstat('/a/b/c.txt');
       const lstat = ((performance.now() - t) * 1000) / w.calls;
       t = performance.now();
       for (let i = 0; i < w.calls; i++) f.read(buf, 0);
       const read = ((performance.now() - t) * 1000) / w.calls;
       f.close();
       return { lstat: lstat.toFixed(2), read4k: read.toFixed(2) };
     };
     parentPort.postMessage({ direct: time(direct), bridged: time(bridged) });
   });`,
  { eval: true, workerData: { sab, calls, dist: new URL('../../dist/index.js', import.meta.url).href } },
);
const r = await new Promise((resolve) => worker.once('message', resolve));
await worker.terminate();
server.stop();
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${calls} calls each; µs per call`);
console.log('| backend | lstat | 4 KiB read |\n| --- | --- | --- |');
console.log(`| MemFS, direct | ${r.direct.lstat} | ${r.direct.read4k} |`);
console.log(`| MemFS through the bridge (toAsyncVfs, served by the main thread) | ${r.bridged.lstat} | ${r.bridged.read4k} |`);
