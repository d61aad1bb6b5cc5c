#!/usr/bin/env node
// A random-operations differential fuzzer: wasi-fixtures/fuzz_ops.wasm (N
// random filesystem calls from a seed, one line each, then the whole tree)
// under wasi-host on MemFS, wasi-host on a temp host directory, and wasmtime,
// the reference (its Python embedding, through scripts/fuzz-wasmtime-runner.py).
// The three outputs are compared line by line; for each seed whose outputs
// differ, the first differing line is printed with the operations before it.
// Each run also has a canary directory beside its sandbox (a host directory
// for the host-directory and wasmtime runs, a Volume directory beside the
// MemFS root), which must be untouched afterwards.
//
//   node scripts/fuzz-vs-wasmtime.mjs [A [B]] [--ops N] [--all] [--history N]
//
// Seeds A..B (default 1..200), N operations each (default 60). Needs dist/
// (node scripts/build.mjs) and the wasmtime Python package: /tmp/wt/bin/python,
// or the interpreter named by $WASMTIME_PYTHON. Exit status 1 on any
// difference, a touched canary or a trap, 2 on bad usage or a missing wasmtime.
//
// Every difference printed is unexplained: where wasmtime differs from us on
// purpose (README, Semantics: rights, fd_allocate, path_link SYMLINK_FOLLOW,
// some trailing slashes, directory descriptors, ...), fuzz_ops itself stays
// off the case unless given "all" (its header lists each, with both answers).
// --all passes "all": then only MemFS and the host directory are compared,
// and wasmtime is not run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'usage: node scripts/fuzz-vs-wasmtime.mjs [A [B]] [--ops N] [--all] [--history N]';

const argv = process.argv.slice(2);
const opt = { ops: 60, all: false, history: Infinity };
const seeds = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--ops' || a === '--history') opt[a.slice(2)] = Number(argv[++i]);
  else if (a === '--all') opt.all = true;
  else if (/^\d+$/.test(a)) seeds.push(Number(a));
  else {
    console.error(`fuzz-vs-wasmtime: unknown argument ${a}\n${usage}`);
    process.exit(2);
  }
}
if (!Number.isInteger(opt.ops) || opt.ops < 0 || !(opt.history >= 0) || seeds.length > 2 || seeds[1] < seeds[0]) {
  console.error(usage);
  process.exit(2);
}
const [first, last] = seeds.length === 0 ? [1, 200] : [seeds[0], seeds[1] ?? seeds[0]];

const distIndex = path.join(root, 'dist', 'index.js');
if (!fs.existsSync(distIndex)) {
  console.error('fuzz-vs-wasmtime: dist/ is missing: run node scripts/build.mjs first');
  process.exit(2);
}
const wasmPath = path.join(root, 'wasi-fixtures', 'fuzz_ops.wasm');
const python = process.env.WASMTIME_PYTHON || '/tmp/wt/bin/python';
if (!opt.all) {
  const probe = spawnSync(python, ['-c', 'import wasmtime'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    const why = probe.error !== undefined ? `cannot run ${python} (${probe.error.code})` : `${python} has no wasmtime package`;
    console.error(`fuzz-vs-wasmtime: ${why}.\n` +
      'Install it (python3 -m venv .venv && .venv/bin/pip install wasmtime) and set WASMTIME_PYTHON=.venv/bin/python,\n' +
      'or run with --all to compare MemFS with a host directory only.');
    process.exit(2);
  }
}

const { WASI, MemFS } = await import(pathToFileURL(distIndex).href);
const { Volume } = await import('memfs');
const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
const dec = new TextDecoder();
const CANARY = { 'secret': 'canary\n', 'sub/deep': 'deep\n' };

function argsFor(seed) {
  return ['fuzz_ops', String(seed), String(opt.ops), ...(opt.all ? ['all'] : [])];
}

/** WORK/sandbox (empty) and WORK/canary (CANARY), on the host. */
function makeWork(label, seed) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `fuzz-${label}-${seed}-`));
  fs.mkdirSync(path.join(work, 'sandbox'));
  for (const [rel, text] of Object.entries(CANARY)) {
    fs.mkdirSync(path.dirname(path.join(work, 'canary', rel)), { recursive: true });
    fs.writeFileSync(path.join(work, 'canary', rel), text);
  }
  return work;
}

/** What the canary holds now, as text, via `readdir`/`readFile`-shaped calls (host fs or a Volume). */
function canaryState(fsLike, dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const name of fsLike.readdirSync(d).map(String).sort()) {
      const p = `${d}/${name}`;
      const st = fsLike.lstatSync(p);
      if (st.isDirectory()) {
        out.push(`${rel}${name}/`);
        walk(p, `${rel}${name}/`);
      } else if (st.isFile()) out.push(`${rel}${name}=${fsLike.readFileSync(p, 'utf8')}`);
      else out.push(`${rel}${name}@`);
    }
  };
  walk(dir, '');
  return out.join('|');
}
const canaryWant = Object.entries(CANARY).map(([k, v]) => k.includes('/') ? `${k.split('/')[0]}/|${k}=${v}` : `${k}=${v}`).sort().join('|');

/** Problems with WORK besides its sandbox: a canary changed, anything new beside them. */
function checkWork(work, extra = []) {
  const problems = [];
  const state = canaryState(fs, path.join(work, 'canary'));
  if (state !== canaryWant) problems.push(`canary changed: ${state}`);
  const beside = fs.readdirSync(work).filter((n) => !['sandbox', 'canary', ...extra].includes(n));
  if (beside.length > 0) problems.push(`new beside the sandbox: ${beside.join(', ')}`);
  return problems;
}

function runOurs(seed, backend) {
  let preopen, work, vol;
  if (backend === 'memfs') {
    vol = new Volume();
    vol.mkdirSync('/sandbox');
    for (const [rel, text] of Object.entries(CANARY)) {
      vol.mkdirSync(path.posix.dirname(`/canary/${rel}`), { recursive: true });
      vol.writeFileSync(`/canary/${rel}`, text);
    }
    preopen = new MemFS(vol, { root: '/sandbox' });
  } else {
    work = makeWork('host', seed);
    preopen = path.join(work, 'sandbox');
  }
  try {
    const wasi = new WASI({ version: 'preview1', args: argsFor(seed), env: {}, preopens: { '/sandbox': preopen }, stdin: '', stdout: 'collect', stderr: 'collect', returnOnExit: true });
    let exitCode, trap = null;
    try {
      exitCode = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    } catch (e) {
      trap = String(e && e.message);
      exitCode = -1;
    }
    const problems = [];
    if (backend === 'memfs') {
      const state = canaryState(vol, '/canary');
      if (state !== canaryWant) problems.push(`canary changed: ${state}`);
      const beside = vol.readdirSync('/').map(String).filter((n) => n !== 'sandbox' && n !== 'canary');
      if (beside.length > 0) problems.push(`new beside the sandbox: ${beside.join(', ')}`);
    } else problems.push(...checkWork(work));
    return { stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), exitCode, trap, problems };
  } finally {
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  }
}

function runWasmtime(seedList) {
  const works = seedList.map((s) => makeWork('wasmtime', s));
  try {
    const job = { wasm: wasmPath, runs: seedList.map((s, i) => ({ args: argsFor(s), work: works[i] })) };
    const r = spawnSync(python, [path.join(root, 'scripts', 'fuzz-wasmtime-runner.py')], {
      input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 30,
    });
    if (r.status === 3) {
      console.error(`fuzz-vs-wasmtime: ${python} has no wasmtime package`);
      process.exit(2);
    }
    if (r.status !== 0) throw new Error(`fuzz-vs-wasmtime: the wasmtime runner failed (${r.status}): ${r.stderr}`);
    const results = JSON.parse(r.stdout);
    return results.map((res, i) => ({ ...res, problems: checkWork(works[i]) }));
  } finally {
    for (const w of works) fs.rmSync(w, { recursive: true, force: true });
  }
}

/** The full text a run produced, trap and exit code included, as lines. */
function linesOf(r) {
  const lines = r.stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (r.stderr !== '') lines.push(`stderr: ${JSON.stringify(r.stderr)}`);
  // Engines word a trap their own way (V8: "memory access out of bounds"; wasmtime: "wasm trap: out of
  // bounds memory access"): that there was one is what compares; the text is printed with the difference.
  if (r.trap !== null) lines.push('trap');
  lines.push(`exit ${r.exitCode}`);
  return lines;
}

const names = opt.all ? ['memfs', 'host'] : ['memfs', 'host', 'wasmtime'];
const seedList = Array.from({ length: last - first + 1 }, (_, i) => first + i);
const theirs = opt.all ? [] : runWasmtime(seedList);
let unexplained = 0;
let same = 0;
for (const [i, seed] of seedList.entries()) {
  const runs = [runOurs(seed, 'memfs'), runOurs(seed, 'host'), ...(opt.all ? [] : [theirs[i]])];
  const problems = runs.flatMap((r, k) => r.problems.map((p) => `${names[k]}: ${p}`));
  // A trap is fuzz_ops' own bug (or a host's), even when every host traps alike.
  for (const [k, r] of runs.entries()) if (r.trap !== null) problems.push(`${names[k]}: trapped: ${r.trap}`);
  const lines = runs.map(linesOf);
  const n = Math.max(...lines.map((l) => l.length));
  let at = -1;
  for (let j = 0; j < n && at < 0; j++) if (new Set(lines.map((l) => l[j] ?? '<end>')).size > 1) at = j;
  if (at < 0 && problems.length === 0) {
    same++;
    continue;
  }
  unexplained++;
  console.log(`seed ${seed}:`);
  for (const p of problems) console.log(`  ${p}`);
  if (at >= 0) {
    for (const l of lines[0].slice(Math.max(0, at - opt.history), at)) console.log(`    ${l}`);
    for (const [k, l] of lines.entries()) console.log(`  ${names[k].padEnd(8)} ${l[at] ?? '<end>'}`);
  }
}
console.log(`${seedList.length} seeds (${first}..${last}), ${opt.ops} ops each, ${names.join(' / ')}: ${same} same, ${unexplained} differ`);
process.exit(unexplained > 0 ? 1 : 0);
