#!/usr/bin/env node
// The startup row (bench/workloads/empty.wasm, 200 runs in a fresh process,
// each with a fresh host, as bench/child.mjs runs it) split into its phases,
// each timed per run: `new WASI` (with its preopen: a new MemFS, a host
// directory, or the shim's descriptors), getImportObject() +
// new WebAssembly.Instance, and start(). Prints the median and mean µs of each
// phase over the 200 runs and the first run's ms: the median is the code as
// it runs once warm-ish, the mean adds the garbage collector's pauses.
// With a host directory, `realpath` is the part of `new WASI` spent in
// fs.realpathSync.native: the preopen's check at construction (a bad
// directory throws there; node:wasi makes the same call, in C). Fresh
// process per invocation; repeat it, the machine's load moves.
//
//   node bench/startup-phases.mjs memfs|host|shim|node [DIST_DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startupHost } from './startup-hosts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [which = 'memfs', distDir = path.join(here, '..', 'dist')] = process.argv.slice(2);
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
/** A fresh host and how it is instantiated: [host with start(), () => import object]. */
const make = await startupHost(which, distDir, hostDir);
if (make === undefined) {
  console.error('usage: node bench/startup-phases.mjs memfs|host|shim|node [DIST_DIR]');
  process.exit(2);
}

const phases = { new: [], realpath: [], instantiate: [], start: [] };
// Time inside the preopen's realpath (wasi-host imports node:fs's default export: this same object).
const realpathNative = fs.realpathSync.native;
let inRealpath = 0;
fs.realpathSync.native = function (...args) {
  const t = performance.now();
  try {
    return realpathNative.apply(this, args);
  } finally {
    inRealpath += performance.now() - t;
  }
};
for (let i = 0; i < 200; i++) {
  inRealpath = 0;
  const a = performance.now();
  const [w, imports] = make();
  const b = performance.now();
  const instance = new WebAssembly.Instance(module, imports());
  const c = performance.now();
  w.start(instance);
  const d = performance.now();
  phases.new.push(b - a);
  phases.realpath.push(inRealpath);
  phases.instantiate.push(c - b);
  phases.start.push(d - c);
}
fs.rmSync(hostDir, { recursive: true, force: true });
const us = (ms) => (ms * 1000).toFixed(1);
const line = Object.entries(phases).map(([name, t]) => {
  const median = t.slice().sort((x, y) => x - y)[t.length >> 1];
  const mean = t.reduce((s, x) => s + x, 0) / t.length;
  return `${name} ${us(median)} / ${us(mean)} µs (first ${t[0].toFixed(2)} ms)`;
});
console.log(`${which}: median / mean per run: ${line.join('; ')}; realpath in the 200 runs ${phases.realpath.reduce((s, x) => s + x, 0).toFixed(2)} ms`);
