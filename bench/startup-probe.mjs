#!/usr/bin/env node
// The startup row in one fresh process, without the bench's machinery: 200
// runs of bench/workloads/empty.wasm (new WASI with one preopen, new
// WebAssembly.Instance, start), each with a fresh host. Prints the wall and
// CPU milliseconds of the 200 runs, the first run's, and the median run's.
// Run it in a fresh process each time: the first runs (our JS compiled and
// interpreted, then optimized) are what it measures.
//
//   node bench/startup-probe.mjs memfs|host|shim|node [DIST_DIR] [--settle]
//
// --settle (with node --expose-gc) collects garbage after the setup, as
// bench/child.mjs does before it times the row: the young generation then
// starts empty, and which scavenges fall inside the 200 runs is the row's.
//
// memfs and host are wasi-host (a new MemFS, or a host directory, per run)
// from DIST_DIR (default: this checkout's dist/, built by
// `node scripts/build.mjs`); shim is @bjorn3/browser_wasi_shim; node is
// node:wasi. Pass another checkout's dist/ to compare two builds; alternate
// them over several processes, as the machine's load moves between runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startupHost } from './startup-hosts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const settle = argv.includes('--settle');
const [which = 'memfs', distDir = path.join(here, '..', 'dist')] = argv.filter((a) => a !== '--settle');
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
const make = await startupHost(which, distDir, hostDir);
if (make === undefined) {
  console.error('usage: node bench/startup-probe.mjs memfs|host|shim|node [DIST_DIR]');
  process.exit(2);
}
const run = () => {
  const [w, imports] = make();
  return w.start(new WebAssembly.Instance(module, imports()));
};

if (settle) {
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
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
