#!/usr/bin/env node
// The startup row in one fresh process, without the bench's machinery: 200
// runs of bench/workloads/empty.wasm (new WASI with one preopen, new
// WebAssembly.Instance, start), each with a fresh host. Prints the wall and
// CPU milliseconds of the 200 runs, the first run's, and the median run's.
// Run it in a fresh process each time: the first runs (our JS compiled and
// interpreted, then optimized) are what it measures.
//
//   node bench/startup-probe.mjs memfs|host|shim|node [DIST_DIR]
//
// memfs and host are wasi-host (a new MemFS, or a host directory, per run)
// from DIST_DIR (default: this checkout's dist/, built by
// `node scripts/build.mjs`); shim is @bjorn3/browser_wasi_shim; node is
// node:wasi. Pass another checkout's dist/ to compare two builds; alternate
// them over several processes, as the machine's load moves between runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [which = 'memfs', distDir = path.join(here, '..', 'dist')] = process.argv.slice(2);
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
const base = { version: 'preview1', args: ['x'], env: {}, returnOnExit: true };

let run;
if (which === 'shim') {
  const { WASI, File, OpenFile, PreopenDirectory, ConsoleStdout } = await import('@bjorn3/browser_wasi_shim');
  run = () => {
    const fds = [new OpenFile(new File(new ArrayBuffer(0))), new ConsoleStdout(() => {}), new ConsoleStdout(() => {}), new PreopenDirectory('/data', new Map())];
    const w = new WASI(['x'], [], fds, { debug: false });
    return w.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: w.wasiImport }));
  };
} else if (which === 'node') {
  process.removeAllListeners('warning');
  const { WASI } = await import('node:wasi');
  run = () => {
    const w = new WASI({ ...base, preopens: { '/data': hostDir } });
    return w.start(new WebAssembly.Instance(module, w.getImportObject()));
  };
} else if (which === 'memfs' || which === 'host') {
  const { WASI, MemFS } = await import(pathToFileURL(path.join(distDir, 'index.js')).href);
  run = () => {
    const w = new WASI({ ...base, preopens: { '/data': which === 'memfs' ? new MemFS() : hostDir } });
    return w.start(new WebAssembly.Instance(module, w.getImportObject()));
  };
} else {
  console.error('usage: node bench/startup-probe.mjs memfs|host|shim|node [DIST_DIR]');
  process.exit(2);
}

const times = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < 200; i++) {
  const a = performance.now();
  run();
  times.push(performance.now() - a);
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
fs.rmSync(hostDir, { recursive: true, force: true });
const median = times.slice().sort((x, y) => x - y)[100];
console.log(`${which}: 200 runs ${wall.toFixed(1)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms CPU; first run ${times[0].toFixed(2)} ms, median run ${(median * 1000).toFixed(0)} µs`);
