#!/usr/bin/env node
// The startup row's own child (bench/child.mjs: 200 × new host + instantiate
// + start of bench/workloads/empty.wasm, each with a fresh preopen, in a fresh
// process after its setup and gc) for several builds, alternated build after
// build and round after round (the order reversed every other round), so
// load on a shared machine falls on each alike. bench/startup-ab.mjs times
// the same 200 runs with its own child (bench/startup-probe.mjs); this one is
// the row exactly as `npm run bench` measures it. Prints min and median ms,
// and each runtime's median over node:wasi's when node is one of them.
//
//   node bench/startup-row-ab.mjs [--rounds N] [--warmup N] [--runtimes host,memfs,shim,node] DIST_DIR...
//
// `shim` and `node` run once per round (their DIST_DIR is ignored). --warmup N
// runs N untimed runs in the same process first: the runtime's JS is then
// compiled when the 200 start (how much of the cold row is the first run).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const rounds = Number(takeOption(args, '--rounds', '15'));
const warmup = Number(takeOption(args, '--warmup', '0'));
if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup: a count of untimed runs (0 or more)');
const runtimes = takeOption(args, '--runtimes', 'host,node').split(',');
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const RUNTIME = { host: 'wasi-host', memfs: 'wasi-host-memfs', shim: 'browser_wasi_shim', node: 'node:wasi' };
const cells = [];
for (const rt of runtimes) {
  if (RUNTIME[rt] === undefined) throw new Error(`--runtimes: unknown ${rt} (host, memfs, shim, node)`);
  for (const d of rt === 'shim' || rt === 'node' ? [dists[0]] : dists) {
    cells.push({ label: rt === 'shim' || rt === 'node' ? rt : `${rt} ${d}`, rt, spec: { runtime: RUNTIME[rt], dist: path.resolve(d) }, ms: [] });
  }
}
const wasm = path.join(here, 'workloads', 'empty.wasm');
for (let r = 0; r < rounds; r++) {
  for (const c of r % 2 === 0 ? cells : cells.slice().reverse()) {
    // A fresh directory per child, as bench/run.mjs gives each run its own.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-row-'));
    try {
      const spec = { ...c.spec, wasm, args: [], mounts: [{ guest: '/data', host: work }], iterations: 200, warmup };
      const out = spawnSync(process.execPath, ['--expose-gc', '--no-warnings', path.join(here, 'child.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`${c.label}: ${out.stderr}`);
      c.ms.push(JSON.parse(out.output[3]).ms);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const node = cells.find((c) => c.rt === 'node');
console.log(`startup row, ${rounds} rounds, 200 runs in a fresh process each${warmup > 0 ? ` after ${warmup} untimed` : ''} (ms, min / median${node ? '; median ÷ node:wasi\'s' : ''})`);
for (const c of cells) {
  const ratio = node ? `   ${(median(c.ms) / median(node.ms)).toFixed(3)}` : '';
  console.log(`${c.label.padEnd(40)} ${Math.min(...c.ms).toFixed(2)} / ${median(c.ms).toFixed(2)}${ratio}`);
}
