import fs from 'node:fs';
const { WASI } = await import('/work/main/dist/index.js');
const module = new WebAssembly.Module(fs.readFileSync('/work/main/bench/workloads/read_threads.wasm'));
const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true });
const wasi = new WASI({ version: 'preview1', args: ['rt', '0', process.argv[2] ?? '4000'], env: {}, preopens: { '/in': process.env.MEMFS ? new (await import('/work/main/dist/index.js')).MemFS({ 'data.bin': new Uint8Array(4096) }) : '/work/main/.bench-tmp/inputs/file-4096' }, returnOnExit: true, memory });
const inst = new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: { memory }, wasi: { 'thread-spawn': () => -1 } });
const t = performance.now();
wasi.start(inst);
console.error((performance.now() - t).toFixed(1));
