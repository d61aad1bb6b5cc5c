#!/usr/bin/env node
// A/B of the startup row between builds: runs bench/startup-probe.mjs (200
// × new WASI + instantiate + start of empty.wasm, in a fresh process, which
// is what the row measures: cold) for each DIST_DIR in turn, round after
// round, so load on the shared machine falls on every build alike; prints
// the min and median of the 200 runs' wall and CPU ms per build and runtime.
//
//   node bench/startup-ab.mjs [--rounds N] [--runtimes memfs,host] [--settle] DIST_DIR...
//
// --settle: each probe collects garbage before it times, as the bench's child
// does (bench/startup-probe.mjs --settle).
//
// e.g. `git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && node scripts/build.mjs)`,
// then `node bench/startup-ab.mjs /tmp/base/dist dist`. `shim` and `node`
// may be listed in --runtimes too (their DIST_DIR is ignored; run once per round).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeFlag, takeOption } from './options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const settle = takeFlag(args, '--settle') ? ['--settle'] : [];
const rounds = Number(takeOption(args, '--rounds', '9'));
const runtimes = takeOption(args, '--runtimes', 'memfs,host').split(',');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const cells = [];
for (const rt of runtimes) for (const d of rt === 'shim' || rt === 'node' ? [dists[0]] : dists) cells.push({ rt, d, wall: [], cpu: [] });
for (let r = 0; r < rounds; r++) {
  for (const c of cells) {
    const flags = settle.length > 0 ? ['--expose-gc'] : [];
    const out = spawnSync(process.execPath, [...flags, path.join(here, 'startup-probe.mjs'), c.rt, path.resolve(c.d), ...settle], { encoding: 'utf8' });
    const m = /([\d.]+) ms wall, ([\d.]+) ms CPU/.exec(out.stdout);
    if (m === null) throw new Error(`startup-probe ${c.rt} ${c.d} failed: ${out.stderr}`);
    c.wall.push(Number(m[1]));
    c.cpu.push(Number(m[2]));
  }
}
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
console.log(`${rounds} rounds, 200 runs each (ms): min / median wall, min / median CPU`);
for (const c of cells) {
  const name = c.rt === 'shim' || c.rt === 'node' ? c.rt : `${c.rt} ${c.d}`;
  console.log(`${name.padEnd(40)} wall ${Math.min(...c.wall).toFixed(1)} / ${med(c.wall).toFixed(1)}   CPU ${Math.min(...c.cpu).toFixed(1)} / ${med(c.cpu).toFixed(1)}`);
}
