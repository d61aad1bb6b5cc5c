#!/usr/bin/env node
// What one run of the startup row leaves alive while its instance lives: the
// bytes of heap held per run of bench/workloads/empty.wasm (a fresh host as
// bench/startup-hosts.mjs makes it, its import object, the instance, start()),
// with the instances kept. An instance holds its import object and, through
// the imports' closures, the host, until a full GC (BENCHMARKS.md, "Issue 14,
// part 8"), so in the startup row this is what each run adds to what the
// scavenges copy and old space fills with. Needs --expose-gc (re-executes
// itself with it).
//
//   node bench/startup-retained.mjs [--runs N] [memfs|host|shim|node ...] [--dist DIST_DIR]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { takeOption } from './options.mjs';
import { startupHost } from './startup-hosts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const runs = Number(takeOption(args, '--runs', '2000'));
const distDir = path.resolve(takeOption(args, '--dist', path.join(here, '..', 'dist')));
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/startup-retained.mjs [--runs N] [memfs|host|shim|node ...] [--dist DIST_DIR]');
  process.exit(2);
}

if (typeof globalThis.gc !== 'function') {
  // One fresh process per runtime, so no runtime's code or garbage is in another's heap.
  for (const which of args.length > 0 ? args : ['memfs', 'host', 'shim', 'node']) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--runs', String(runs), '--dist', distDir, which], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  process.exit(0);
}

const which = args[0];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-retained-'));
const make = await startupHost(which, distDir, work);
if (make === undefined) {
  fs.rmSync(work, { recursive: true, force: true });
  console.error(`unknown runtime ${which}: memfs, host, shim or node`);
  process.exit(2);
}
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
const run = () => {
  const [w, imports] = make();
  const instance = new WebAssembly.Instance(module, imports());
  try {
    w.start(instance);
  } catch (e) {
    // The shim's proc_exit throws its exit status out of start(); the row's child takes it the same way.
    if (typeof e?.code !== 'number') throw e;
  }
  return instance;
};
// Code compiled, caches filled, before the heap is read.
for (let i = 0; i < 50; i++) run();
const kept = [];
globalThis.gc();
const before = v8.getHeapStatistics().used_heap_size;
for (let i = 0; i < runs; i++) kept.push(run());
globalThis.gc();
const after = v8.getHeapStatistics().used_heap_size;
fs.rmSync(work, { recursive: true, force: true });
console.log(`${which.padEnd(6)} ${((after - before) / kept.length).toFixed(0).padStart(6)} B of heap held per run (instance, import object, host), ${kept.length} runs`);
