// MemFS open+fstat+close against browser_wasi_shim and another build, in one
// process, round after round, so load from other processes on a shared
// machine falls on every contender alike. Reports min and median per runtime.
//
//   node bench/memopen-ab.mjs [OTHER_CHECKOUT] [--rounds N] [--count N] [--calls-only | --guest-only | --cold [--settle]]
//
// Three measurements (the first two by default, --cold alone):
// - guest: the open_stat workload (bench/workloads/open_stat.wasm) as the bench
//   row runs it: /in/dir holds 10,000 empty files f00000..f09999, the guest
//   opens+fstats+closes the first 1,000 in turn, `--count` times in all
//   (default 100,000). Each run builds a fresh WASI (and, for the shim, a fresh
//   fd array) over the same in-memory tree built once, as bench/child.mjs does.
//   Contenders: this checkout's dist/ on MemFS, OTHER's dist/ on MemFS (if
//   given), and browser_wasi_shim.
// - calls: path_open+fd_filestat_get+fd_close of "dir/f00007" straight through
//   the imports (no guest), this build vs OTHER only, ns per triple.
// - cold (--cold): the guest run as the bench row times it, once per fresh
//   process (cold JIT, as bench/child.mjs), the contenders' processes started
//   one after another in a rotating order, `--rounds` each. Each child collects
//   garbage twice before timing; with --settle, as bench/child.mjs does (every 10 ms
//   until RSS holds still), which can leave V8's young generation larger (and the
//   run paying a page fault for each of its pages it touches first).
// OTHER must be built (node scripts/build.mjs) and able to resolve memfs.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { takeFlag, takeOption } from './options.mjs';

const args = process.argv.slice(2);
const ROUNDS = Number(takeOption(args, '--rounds', 11));
const COUNT = Number(takeOption(args, '--count', 100_000));
const cold = takeFlag(args, '--cold');
const settle = takeFlag(args, '--settle');
const child = takeOption(args, '--child', undefined);
const callsOnly = takeFlag(args, '--calls-only') || child !== undefined;
const guestOnly = takeFlag(args, '--guest-only');
const other = args[0];

const here = dirname(fileURLToPath(import.meta.url));
const module = new WebAssembly.Module(readFileSync(join(here, 'workloads', 'open_stat.wasm')));
const builds = { this: await import(pathToFileURL(resolve(here, '..', 'dist/index.js')).href) };
if (other !== undefined) builds.other = await import(pathToFileURL(resolve(other, 'dist/index.js')).href);
const shim = await import('@bjorn3/browser_wasi_shim');

const ENTRIES = 10_000;
const names = Array.from({ length: ENTRIES }, (_, i) => `f${String(i).padStart(5, '0')}`);
const argv = ['open_stat', '/in/dir', '1000', String(COUNT)];
const out = [];

function wasiHostRun(lib) {
  const seed = { 'dir/': null };
  for (const n of names) seed[`dir/${n}`] = '';
  const fs = new lib.MemFS(seed);
  return () => {
    const wasi = new lib.WASI({ version: 'preview1', args: argv, env: {}, preopens: { '/in': fs }, returnOnExit: true, stdout: (b) => out.push(b) });
    return wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
  };
}

function shimRun() {
  const { WASI, File, Directory, OpenFile, PreopenDirectory, ConsoleStdout } = shim;
  const dir = new Map(names.map((n) => [n, new File(new ArrayBuffer(0))]));
  const root = new Directory(new Map([['dir', new Directory(dir)]])).contents;
  return () => {
    const fds = [new OpenFile(new File(new ArrayBuffer(0))), new ConsoleStdout((b) => out.push(b)), new ConsoleStdout((b) => out.push(b)), new PreopenDirectory('/in', root)];
    const wasi = new WASI(argv, [], fds, { debug: false });
    return wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport }));
  };
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1] };
};

if (child !== undefined) {
  // One cold run in this fresh process: report its ms on stdout and stop.
  const run = child === 'browser_wasi_shim' ? shimRun() : wasiHostRun(builds[child]);
  // As bench/child.mjs settles before timing: the tree just built goes to the old generation now.
  // With --settle, the way bench/child.mjs does it (a gc() every 10 ms until RSS holds still):
  // V8 may grow the young generation in those collections, which changes what the run pays.
  globalThis.gc?.();
  globalThis.gc?.();
  if (settle) {
    const rss = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
    let last = Infinity;
    for (let i = 0; i < 50; i++) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 10));
      const now = rss();
      if (Math.abs(last - now) < 1024) break;
      last = now;
    }
  }
  const t0 = process.hrtime.bigint();
  const code = run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (code !== 0) throw new Error(`${child}: exit ${code}`);
  console.log(JSON.stringify({ ms }));
  process.exit(0);
}

if (cold) {
  const { execFileSync } = await import('node:child_process');
  const keys = ['this', ...(builds.other ? ['other'] : []), 'browser_wasi_shim'];
  const ms = Object.fromEntries(keys.map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(j + r) % keys.length];
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...(other ? [other] : []), '--count', String(COUNT), ...(settle ? ['--settle'] : []), '--child', k], { encoding: 'utf8' });
      ms[k].push(JSON.parse(out.trim().split('\n').pop()).ms);
    }
  }
  const shim = stat(ms.browser_wasi_shim);
  console.log(`cold: ${COUNT} × open+fstat+close, one run per fresh process, ${ROUNDS} processes each`);
  console.log('| runtime | min ms | median ms | ÷ shim (min) | ÷ shim (median) |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const k of keys) {
    const s = stat(ms[k]);
    console.log(`| ${k === 'browser_wasi_shim' ? k : `memfs (${k})`} | ${s.min.toFixed(1)} | ${s.med.toFixed(1)} | ${(s.min / shim.min).toFixed(2)} | ${(s.med / shim.med).toFixed(2)} |`);
  }
  process.exit(0);
}

if (!callsOnly) {
  const runs = { 'memfs (this)': wasiHostRun(builds.this) };
  if (builds.other) runs['memfs (other)'] = wasiHostRun(builds.other);
  runs.browser_wasi_shim = shimRun();
  const keys = Object.keys(runs);
  const ms = Object.fromEntries(keys.map((k) => [k, []]));
  for (const k of keys) if (runs[k]() !== 0) throw new Error(`${k}: the guest failed`);
  for (let r = 0; r < ROUNDS; r++) {
    // Each round in a rotated order, so no contender always runs after the same one.
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(j + r) % keys.length];
      const t0 = process.hrtime.bigint();
      const code = runs[k]();
      ms[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (code !== 0) throw new Error(`${k}: exit ${code}`);
    }
  }
  const shimMin = stat(ms.browser_wasi_shim).min;
  const shimMed = stat(ms.browser_wasi_shim).med;
  console.log(`guest: ${COUNT} × open+fstat+close, ${ROUNDS} rounds`);
  console.log('| runtime | min ms | median ms | ÷ shim (min) | ÷ shim (median) |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const k of keys) {
    const s = stat(ms[k]);
    console.log(`| ${k} | ${s.min.toFixed(1)} | ${s.med.toFixed(1)} | ${(s.min / shimMin).toFixed(2)} | ${(s.med / shimMed).toFixed(2)} |`);
  }
}

if (!guestOnly) {
  const setup = (lib) => {
    const seed = { 'dir/': null };
    for (const n of names.slice(0, 1000)) seed[`dir/${n}`] = '';
    const memory = new WebAssembly.Memory({ initial: 1 });
    const wasi = new lib.WASI({ stdout: 'ignore', stdin: '', preopens: { '/in': new lib.MemFS(seed) } });
    wasi.initialize({ exports: { memory } });
    const v = new DataView(memory.buffer);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('dir/f00007'), 200);
    const imp = wasi.wasiImport;
    const rights = 0x3fffffffn & ~0x40n;
    return () => {
      imp.path_open(3, 1, 200, 10, 0, rights, rights, 0, 24);
      const fd = v.getUint32(24, true);
      imp.fd_filestat_get(fd, 300);
      imp.fd_close(fd);
    };
  };
  const sets = Object.fromEntries(Object.entries(builds).map(([k, lib]) => [k, setup(lib)]));
  const keys = Object.keys(sets);
  const ns = Object.fromEntries(keys.map((k) => [k, []]));
  const N = 50_000;
  for (let r = 0; r < ROUNDS * 2; r++) {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(j + r) % keys.length];
      const f = sets[k];
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) f();
      ns[k].push(Number(process.hrtime.bigint() - t0) / N);
    }
  }
  console.log(`\ncalls: path_open+fd_filestat_get+fd_close of dir/f00007, ${N} per round, ${ROUNDS * 2} rounds`);
  console.log('| build | min ns | median ns |');
  console.log('| --- | --: | --: |');
  for (const k of keys) {
    const s = stat(ns[k]);
    console.log(`| ${k} | ${s.min.toFixed(0)} | ${s.med.toFixed(0)} |`);
  }
}
