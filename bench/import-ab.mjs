#!/usr/bin/env node
// What a fresh process pays to get a program running, per build: importing
// the runtime's JS, the first run (new host + instantiate + start of
// bench/workloads/empty.wasm, a fresh MemFS or host directory as in the
// startup row), and import + 200 runs. Fresh processes, alternated build
// after build and round after round, so load falls on every build alike;
// prints min / median ms. The startup row of `npm run bench` leaves the
// import out and its cold_start row has it once; this splits the two.
//
//   node bench/import-ab.mjs [--rounds N] [--runtimes memfs,host,shim,node] DIST_DIR...
//
// `shim` and `node` run once per round (their DIST_DIR is ignored).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { takeOption } from './options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === '--child') {
  // One measurement: [which, distDir] → JSON { importMs, firstMs, allMs } on stdout.
  const [, , , which, distDir] = process.argv;
  const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-import-'));
  const t0 = performance.now();
  const { startupHost } = await import(pathToFileURL(path.join(here, 'startup-hosts.mjs')).href);
  const make = await startupHost(which, distDir, hostDir);
  const t1 = performance.now();
  const run = () => {
    const [w, imports] = make();
    return w.start(new WebAssembly.Instance(module, imports()));
  };
  run();
  const t2 = performance.now();
  for (let i = 1; i < 200; i++) run();
  const t3 = performance.now();
  fs.rmSync(hostDir, { recursive: true, force: true });
  console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, allMs: t3 - t0 }));
  process.exit(0);
}

const args = process.argv.slice(2);
const rounds = Number(takeOption(args, '--rounds', '9'));
const runtimes = takeOption(args, '--runtimes', 'memfs,host,shim,node').split(',');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const cells = [];
for (const rt of runtimes) for (const d of rt === 'shim' || rt === 'node' ? [dists[0]] : dists) cells.push({ rt, d, m: { importMs: [], firstMs: [], allMs: [] } });
for (let r = 0; r < rounds; r++) {
  for (const c of cells) {
    const out = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), '--child', c.rt, path.resolve(c.d)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${c.rt} ${c.d}: ${out.stderr}`);
    const m = JSON.parse(out.stdout);
    for (const k of Object.keys(c.m)) c.m[k].push(m[k]);
  }
}
const stat = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return `${s[0].toFixed(1)} / ${s[s.length >> 1].toFixed(1)}`;
};
console.log(`${rounds} rounds, fresh process each (ms, min / median): import; first run; import + 200 runs`);
for (const c of cells) {
  const label = `${c.rt}${c.rt === 'shim' || c.rt === 'node' ? '' : ` ${c.d}`}`.padEnd(40);
  console.log(`${label} import ${stat(c.m.importMs)}   first run ${stat(c.m.firstMs)}   import+200 ${stat(c.m.allMs)}`);
}
