// The open_stat row exactly as bench/run.mjs times it (bench/child.mjs: inputs
// read from a host directory into the in-memory filesystem, the settling
// gc() loop, one cold run per fresh process), for this checkout's MemFS,
// OTHER's MemFS and browser_wasi_shim, their processes started one after
// another in a rotating order, so load from other sessions falls on all
// three alike. Reports min and median ms and the median peak RSS.
//
//   node bench/child-ab.mjs OTHER_CHECKOUT [--rounds N]
//
// bench/memopen-ab.mjs --cold builds its tree in the child directly and
// settles less; what the young generation looks like after setup differs
// between the two, and this one is the row's (BENCHMARKS.md, issue 14 part 7).
// OTHER must hold a built dist/ that can resolve memfs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './options.mjs';

const args = process.argv.slice(2);
const ROUNDS = Number(takeOption(args, '--rounds', 11));
const other = args[0];
if (other === undefined) throw new Error('usage: node bench/child-ab.mjs OTHER_CHECKOUT [--rounds N]');
const here = dirname(fileURLToPath(import.meta.url));

// The row's input: 10,000 empty files in dir/ (as bench/run.mjs builds it).
const input = join(tmpdir(), 'wasi-host-child-ab', 'dir-10000');
if (!existsSync(`${input}.complete`)) {
  mkdirSync(join(input, 'dir'), { recursive: true });
  for (let i = 0; i < 10_000; i++) writeFileSync(join(input, 'dir', `f${String(i).padStart(5, '0')}`), '');
  writeFileSync(`${input}.complete`, '');
}

const contenders = {
  this: { runtime: 'wasi-host-memfs', dist: resolve(here, '..', 'dist') },
  other: { runtime: 'wasi-host-memfs', dist: resolve(other, 'dist') },
  browser_wasi_shim: { runtime: 'browser_wasi_shim', dist: resolve(here, '..', 'dist') },
};
const keys = Object.keys(contenders);
const ms = Object.fromEntries(keys.map((k) => [k, []]));
const peak = Object.fromEntries(keys.map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let j = 0; j < keys.length; j++) {
    const k = keys[(j + r) % keys.length];
    const spec = {
      ...contenders[k], wasm: join(here, 'workloads', 'open_stat.wasm'),
      args: ['open_stat', '/in/dir', '1000', '100000'], mounts: [{ guest: '/in', host: input }],
    };
    // child.mjs reports on fd 3; the guest's stdout is not wanted here.
    const child = spawnSync(process.execPath, ['--expose-gc', '--no-warnings', join(here, 'child.mjs'), JSON.stringify(spec)], {
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'], encoding: 'utf8',
    });
    const res = JSON.parse(String(child.output[3]).trim().split('\n').pop());
    if (res.exitCode !== 0) throw new Error(`${k}: exit ${res.exitCode}`);
    ms[k].push(res.ms);
    peak[k].push(res.peakKiB / 1024);
  }
}
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1] };
};
const shim = stat(ms.browser_wasi_shim);
console.log(`open_stat row (bench/child.mjs), 100,000 × open+fstat+close, ${ROUNDS} fresh processes each`);
console.log('| runtime | min ms | median ms | ÷ shim (min) | ÷ shim (median) | peak RSS MiB (median) |');
console.log('| --- | --: | --: | --: | --: | --: |');
for (const k of keys) {
  const s = stat(ms[k]);
  console.log(`| ${k === 'browser_wasi_shim' ? k : `memfs (${k})`} | ${s.min.toFixed(1)} | ${s.med.toFixed(1)} | ${(s.min / shim.min).toFixed(2)} | ${(s.med / shim.med).toFixed(2)} | ${stat(peak[k]).med.toFixed(0)} |`);
}
