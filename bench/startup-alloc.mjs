#!/usr/bin/env node
// JS heap allocated per run of the startup row (new WASI with one preopen,
// getImportObject(), new WebAssembly.Instance of bench/workloads/empty.wasm,
// start()), for one build or several, in fresh processes alternated round
// after round. Each process collects garbage after its setup, as the bench's
// child does, then measures the used heap over the row's 200 cold runs with a
// young generation so large (64 MiB semi-spaces) that no scavenge runs in
// between: the delta ÷ 200 is what a run leaves for the collector (what V8
// allocates for the code it optimizes meanwhile included; once warm, after
// 200 runs, optimized code allocates 2-3 KiB a run, a third of this). Prints
// min and median KiB per run.
//
//   node bench/startup-alloc.mjs [--rounds N] [--runtimes memfs,host,shim] DIST_DIR...
//
// With --profile, one process per runtime and DIST_DIR instead runs V8's
// sampling heap profiler (32-byte interval, collected objects included) over
// 200 runs after 50 warm-up ones, and prints the bytes per run by function
// (self), largest first: where the garbage of a run is made.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeFlag, takeOption } from './options.mjs';
import { startupHost } from './startup-hosts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--child') {
  // --child MODE WHICH DIST: MODE is 'heap' or 'profile'.
  const [, mode, which, distDir] = args;
  const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
  const make = await startupHost(which, distDir, hostDir);
  const run = () => {
    const [w, imports] = make();
    w.start(new WebAssembly.Instance(module, imports()));
  };
  if (mode === 'heap') {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) run();
    const after = process.memoryUsage().heapUsed;
    console.log(`bytes/run ${((after - before) / 200).toFixed(0)}`);
  } else {
    for (let i = 0; i < 50; i++) run();
    const { Session } = await import('node:inspector');
    const s = new Session();
    s.connect();
    const post = (m, p) => new Promise((res, rej) => s.post(m, p, (e, r) => (e ? rej(e) : res(r))));
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < 200; i++) run();
    const { profile } = await post('HeapProfiler.stopSampling');
    const by = new Map();
    const where = (f) => `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    // A builtin (Map, an iterator's next) is named with the function that called it.
    const walk = (n, caller) => {
      const f = n.callFrame;
      const key = f.url === '' && caller !== undefined ? `${f.functionName} <- ${where(caller)}` : where(f);
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
      for (const c of n.children) walk(c, f.url === '' && caller !== undefined ? caller : f);
    };
    walk(profile.head, undefined);
    const rows = [...by].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((t, [, v]) => t + v, 0);
    console.log(`total ${(total / 200).toFixed(0)} B/run`);
    for (const [k, v] of rows.slice(0, 40)) if (v > 0) console.log(`${(v / 200).toFixed(0).padStart(7)}  ${k}`);
  }
  fs.rmSync(hostDir, { recursive: true, force: true });
  process.exit(0);
}

const profile = takeFlag(args, '--profile');
const rounds = Number(takeOption(args, '--rounds', '5'));
const runtimes = takeOption(args, '--runtimes', 'memfs,host').split(',');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const cells = [];
for (const rt of runtimes) for (const d of rt === 'shim' || rt === 'node' ? [dists[0]] : dists) cells.push({ rt, d: path.resolve(d), kib: [] });
const child = (mode, c) => {
  const flags = mode === 'heap' ? ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'] : [];
  const out = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child', mode, c.rt, c.d], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${c.rt} ${c.d} failed: ${out.stderr}`);
  return out.stdout;
};
const name = (c) => (c.rt === 'shim' || c.rt === 'node' ? c.rt : `${c.rt} ${c.d}`);
if (profile) {
  for (const c of cells) console.log(`== ${name(c)}\n${child('profile', c)}`);
} else {
  for (let r = 0; r < rounds; r++) for (const c of cells) c.kib.push(Number(/bytes\/run (\d+)/.exec(child('heap', c))[1]) / 1024);
  const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  console.log(`${rounds} rounds, KiB of JS heap per run (the 200 cold runs, no scavenge between): min / median`);
  for (const c of cells) console.log(`${name(c).padEnd(48)} ${Math.min(...c.kib).toFixed(2)} / ${med(c.kib).toFixed(2)}`);
}
