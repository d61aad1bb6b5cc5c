import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const acc = {};
for (const name of ['openSync', 'readSync', 'closeSync', 'fstatSync']) {
  const o = fs[name]; acc[name] = 0;
  fs[name] = function (...a) { const t = performance.now(); try { return o.apply(this, a); } finally { acc[name] += performance.now() - t; } };
}
syncBuiltinESMExports();
const { WASI } = await import('/work/main/dist/index.js');
const module = new WebAssembly.Module(fs.readFileSync('/work/main/bench/workloads/read_threads.wasm'));
const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true });
const wasi = new WASI({ version: 'preview1', args: ['rt', '0', process.argv[2] ?? '4000'], env: {}, preopens: { '/in': '/work/main/.bench-tmp/inputs/file-4096' }, returnOnExit: true, memory });
const inst = new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: { memory }, wasi: { 'thread-spawn': () => -1 } });
for (const k in acc) acc[k] = 0;
const t = performance.now();
wasi.start(inst);
console.error((performance.now() - t).toFixed(1), JSON.stringify(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +v.toFixed(1)]))));
