#!/usr/bin/env node
// The cold_start row's own child (bench/child.mjs with timeImport: import the
// runtime, then one MemFS run of bench/workloads/empty.wasm, in a fresh
// process) for several builds and browser_wasi_shim, alternated build after
// build and round after round so load on a shared machine falls on each
// alike. `npm run bench` runs each runtime's repetitions one after another;
// this is its A/B form. Prints min / median ms. A scavenge inside the timed
// region costs a child 2–4 ms here (BENCHMARKS.md, "Issue 14, part 8"), so
// compare medians over many rounds, not single children.
//
//   node bench/cold-ab.mjs [--rounds N] [--no-shim] DIST_DIR...
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeFlag, takeOption } from './options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const rounds = Number(takeOption(args, '--rounds', '15'));
const noShim = takeFlag(args, '--no-shim');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-cold-'));
const wasm = path.join(here, 'workloads', 'empty.wasm');
const cells = [...dists.map((d) => ({ label: d, spec: { runtime: 'wasi-host-memfs', dist: path.resolve(d) }, ms: [] }))];
if (!noShim) cells.push({ label: 'browser_wasi_shim', spec: { runtime: 'browser_wasi_shim' }, ms: [] });
try {
  for (let r = 0; r < rounds; r++) {
    for (const c of cells) {
      const spec = { ...c.spec, wasm, args: [], mounts: [{ guest: '/data', host: work }], timeImport: true };
      const out = spawnSync(process.execPath, ['--expose-gc', '--no-warnings', path.join(here, 'child.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${c.label}: ${out.stderr}`);
      c.ms.push(JSON.parse(out.output[3]).ms);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
const stat = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return `${s[0].toFixed(2)} / ${s[s.length >> 1].toFixed(2)}`;
};
console.log(`cold_start, ${rounds} rounds, fresh process each (ms, min / median)`);
for (const c of cells) console.log(`${c.label.padEnd(40)} ${stat(c.ms)}`);
