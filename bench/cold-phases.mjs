#!/usr/bin/env node
// The cold_start row split into its phases, in fresh processes alternated
// build after build and round after round (so load on this shared machine
// falls on every build alike): import of dist/index.js, the first
// new MemFS(), new WASI(...), getImportObject(), new WebAssembly.Instance
// and start() of bench/workloads/empty.wasm, and their sum. node:fs is
// imported and the module compiled before the clock starts, as in
// bench/child.mjs. Prints min / median ms per phase.
//
//   node bench/cold-phases.mjs [--rounds N] DIST_DIR...
// The child imports only what bench/child.mjs has loaded before its clock
// starts (node:fs, node:path, node:url): node:child_process, loaded for the
// parent, builds Node's streams and would change what the import costs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const phases = ['import', 'MemFS', 'WASI', 'imports', 'Instance', 'start', 'total'];

if (process.argv[2] === '--child') {
  const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'empty.wasm')));
  const t = [performance.now()];
  const { WASI, MemFS } = await import(pathToFileURL(path.join(process.argv[3], 'index.js')).href);
  t.push(performance.now());
  const m = new MemFS();
  t.push(performance.now());
  const w = new WASI({ version: 'preview1', args: ['x'], env: {}, preopens: { '/data': m }, returnOnExit: true });
  t.push(performance.now());
  const io = w.getImportObject();
  t.push(performance.now());
  const inst = new WebAssembly.Instance(module, io);
  t.push(performance.now());
  w.start(inst);
  t.push(performance.now());
  const d = t.slice(1).map((x, i) => x - t[i]);
  console.log(JSON.stringify([...d, t[t.length - 1] - t[0]]));
  process.exit(0);
}

const { spawnSync } = await import('node:child_process');
const { takeOption } = await import('./options.mjs');
const args = process.argv.slice(2);
const rounds = Number(takeOption(args, '--rounds', '15'));
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];
const cells = dists.map((d) => ({ d, m: phases.map(() => []) }));
for (let r = 0; r < rounds; r++) {
  for (const c of cells) {
    const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', path.resolve(c.d)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${c.d}: ${out.stderr}`);
    JSON.parse(out.stdout).forEach((x, i) => c.m[i].push(x));
  }
}
const stat = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return `${s[0].toFixed(2)} / ${s[s.length >> 1].toFixed(2)}`;
};
console.log(`${rounds} rounds, fresh process each (ms, min / median)`);
console.log(''.padEnd(30) + phases.map((p) => p.padStart(14)).join(''));
for (const c of cells) console.log(c.d.slice(-30).padEnd(30) + c.m.map((xs) => stat(xs).padStart(14)).join(''));
