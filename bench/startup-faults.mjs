#!/usr/bin/env node
// Minor page faults in the startup row's 200 cold runs (new WASI with one
// preopen, getImportObject(), new WebAssembly.Instance of
// bench/workloads/empty.wasm, start()), per build and runtime, in fresh
// processes alternated round after round; each collects garbage first, as the
// bench's child does. Also prints what one fault costs here (a fresh 64 MiB
// buffer touched page by page).
//
// Why: on this VM a first touch of a page costs ~13 µs, and a run of the row
// allocates into young-generation pages V8 has not touched yet, so each 4 KiB
// a run leaves is a fault: the run's median is bimodal (~20 µs without one,
// ~30-50 with), and the garbage per run (bench/startup-alloc.mjs) shows up in
// wall time through this count (BENCHMARKS.md, issue 14 part 8).
//
//   node bench/startup-faults.mjs [--rounds N] [--runtimes memfs,host,shim] DIST_DIR...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './options.mjs';
import { startupHost } from './startup-hosts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, which, distDir] = args;
  const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
  const make = await startupHost(which, distDir, hostDir);
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) {
    const [w, imports] = make();
    w.start(new WebAssembly.Instance(module, imports()));
  }
  const ms = performance.now() - t0;
  const faults = process.resourceUsage().minorPageFault - f0;
  fs.rmSync(hostDir, { recursive: true, force: true });
  console.log(JSON.stringify({ faults, ms }));
  process.exit(0);
}

const rounds = Number(takeOption(args, '--rounds', '5'));
const runtimes = takeOption(args, '--runtimes', 'memfs,host').split(',');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];

// What a first touch costs: a fresh buffer (calloc'd, so mapped, not touched) written once a page.
const costs = [];
for (let r = 0; r < 3; r++) {
  const b = new Uint8Array(new ArrayBuffer(64 << 20));
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let i = 0; i < b.length; i += 4096) b[i] = 1;
  const us = (performance.now() - t0) * 1000;
  costs.push(us / Math.max(1, process.resourceUsage().minorPageFault - f0));
}
console.log(`a first touch of a page here: ${Math.min(...costs).toFixed(1)} µs (min of 3 × 64 MiB)`);

const cells = [];
for (const rt of runtimes) for (const d of rt === 'shim' || rt === 'node' ? [dists[0]] : dists) cells.push({ rt, d, faults: [], ms: [] });
for (let r = 0; r < rounds; r++) {
  for (const c of cells) {
    const out = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', c.rt, path.resolve(c.d)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`startup-faults ${c.rt} ${c.d} failed: ${out.stderr}`);
    const { faults, ms } = JSON.parse(out.stdout);
    c.faults.push(faults);
    c.ms.push(ms);
  }
}
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
console.log(`${rounds} rounds, minor page faults in the 200 runs and their wall ms: min / median`);
for (const c of cells) {
  const name = c.rt === 'shim' || c.rt === 'node' ? c.rt : `${c.rt} ${c.d}`;
  console.log(`${name.padEnd(40)} faults ${Math.min(...c.faults)} / ${med(c.faults)}   wall ${Math.min(...c.ms).toFixed(1)} / ${med(c.ms).toFixed(1)}`);
}
