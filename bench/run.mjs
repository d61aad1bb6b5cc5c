#!/usr/bin/env node
// The benchmark suite: every workload in bench/workloads/ under wasi-host
// (host-directory and memfs backends), Node's built-in node:wasi and
// @bjorn3/browser_wasi_shim (its in-memory fs), each (workload, runtime) in a
// fresh child process, repetitions interleaved round-robin so that noise from
// other processes falls on every runtime alike. Prints medians, ratios to
// node:wasi and peak RSS as markdown.
//
//   npm run bench                       full sizes (several minutes)
//   npm run bench -- --quick            small sizes, under a minute
//   npm run bench -- --write            also update BENCHMARKS.md
//   options: --reps N  --only ID,ID  --runtimes NAME,NAME  --timeout SECONDS
//            --json FILE (raw samples)  --cpu-prof DIR (profile every child)
//            --keep-inputs-only (no runs; just build the inputs)
//
// Uses the built dist/ of wasi-host (rebuilt first when src/ is newer), copied
// aside for the run so that a concurrent `npm test` rebuilding dist/ cannot
// pull it from under the children.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const tmp = path.join(root, '.bench-tmp');
const workloadsDir = path.join(here, 'workloads');

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
function option(name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) usage(`${name} needs a value`);
  return v;
}
function usage(msg) {
  if (msg) console.error(`bench: ${msg}`);
  console.error('usage: node bench/run.mjs [--quick] [--write] [--reps N] [--only ID,...] [--runtimes NAME,...] [--timeout S] [--json FILE] [--cpu-prof DIR]');
  process.exit(msg ? 2 : 0);
}
if (argv.includes('--help') || argv.includes('-h')) usage();
const known = new Set(['--quick', '--write', '--reps', '--only', '--runtimes', '--timeout', '--json', '--cpu-prof', '--inputs-only']);
for (let i = 0; i < argv.length; i++) {
  if (!known.has(argv[i])) usage(`unknown argument ${argv[i]}`);
  if (['--reps', '--only', '--runtimes', '--timeout', '--json', '--cpu-prof'].includes(argv[i])) i++;
}
const quick = argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const reps = Number(option('--reps', quick ? 3 : 5));
// A child running longer than this is killed and its cell reads "timeout".
const timeoutMs = Number(option('--timeout', quick ? 4 : 60)) * 1000;
// A cell whose run took longer than this gets no further repetitions (the
// pure-JS in-memory host is quadratic on some rows); its median is over what ran.
const enoughMs = quick ? 3000 : 20000;
const cpuProfDir = option('--cpu-prof', undefined);
const jsonOut = option('--json', undefined);

// ---------------------------------------------------------------- runtimes

const RUNTIMES = [
  { id: 'node:wasi', label: 'node:wasi' },
  { id: 'wasi-host', label: 'wasi-host node-fs' },
  { id: 'wasi-host-memfs', label: 'wasi-host memfs' },
  { id: 'browser_wasi_shim', label: 'browser_wasi_shim' },
];
const runtimes = option('--runtimes', undefined)?.split(',') ?? RUNTIMES.map((r) => r.id);
for (const r of runtimes) if (!RUNTIMES.some((x) => x.id === r)) usage(`unknown runtime ${r} (one of ${RUNTIMES.map((x) => x.id).join(', ')})`);

// ---------------------------------------------------------------- workloads

const MiB = 1024 * 1024;
const n = (x) => x.toLocaleString('en-US');

/**
 * Each row: a program, its arguments for each mode, and the inputs it reads
 * under /in. Every run also gets an empty /data for its outputs. `dataMiB` is
 * what the memfs backend must hold (inputs + outputs), for the memory target.
 */
const WORKLOADS = [
  {
    id: 'write_small', wasm: 'write_small',
    sizes: { full: { count: 1_000_000 }, quick: { count: 100_000 } },
    title: (p) => `${n(p.count)} unbuffered 32-byte fd_write to a file`,
    args: (p) => ['/data/out.bin', p.count, 32],
    dataMiB: (p) => (p.count * 32) / MiB,
  },
  {
    // The same with wasi-host's opt-in write-behind (README, "Write-behind"),
    // which only the host-directory backend has; node:wasi runs it again as
    // this row's baseline.
    id: 'write_small_wb', wasm: 'write_small', measuredBy: ['node:wasi', 'wasi-host'], hostOptions: { writeBehind: true },
    sizes: { full: { count: 1_000_000 }, quick: { count: 100_000 } },
    title: (p) => `${n(p.count)} unbuffered 32-byte fd_write, writeBehind: true`,
    args: (p) => ['/data/out.bin', p.count, 32],
    dataMiB: (p) => (p.count * 32) / MiB,
  },
  {
    // The same writes to stdout, which the runner makes a file (`stdoutFile`): the stream path, not NodeFS's.
    id: 'write_stdout', wasm: 'write_small', measuredBy: ['node:wasi', 'wasi-host'], stdoutFile: true,
    sizes: { full: { count: 1_000_000 }, quick: { count: 100_000 } },
    title: (p) => `${n(p.count)} unbuffered 32-byte fd_write to stdout redirected to a file`,
    args: (p) => ['-', p.count, 32],
  },
  {
    id: 'write_big', wasm: 'write_big',
    sizes: { full: { mib: 256 }, quick: { mib: 32 } },
    title: (p) => `write ${p.mib} MiB in 1 MiB chunks`,
    args: (p) => ['/data/out.bin', p.mib, 1024],
    dataMiB: (p) => p.mib,
  },
  {
    // Only there to show whether appends are amortised O(1): 1/8 of write_big.
    // Full runs only: at the quick sizes fixed costs hide the growth.
    id: 'write_eighth', wasm: 'write_big',
    sizes: { full: { mib: 32 } },
    title: (p) => `write ${p.mib} MiB in 1 MiB chunks (1/8 of the above)`,
    args: (p) => ['/data/out.bin', p.mib, 1024],
    dataMiB: (p) => p.mib,
  },
  {
    id: 'read_big', wasm: 'read_big',
    sizes: { full: { mib: 256 }, quick: { mib: 32 } },
    title: (p) => `read ${p.mib} MiB in 1 MiB chunks`,
    input: (p) => ({ kind: 'bytes', mib: p.mib }),
    args: () => ['/in/big.bin', 1024],
    dataMiB: (p) => p.mib,
  },
  {
    id: 'readdir', wasm: 'readdir',
    sizes: { full: { entries: 10_000, reps: 10 }, quick: { entries: 2_000, reps: 5 } },
    title: (p) => `list a ${n(p.entries)}-entry directory ${p.reps} times`,
    input: (p) => ({ kind: 'dir', entries: p.entries }),
    args: (p) => ['/in/dir', p.reps],
  },
  {
    id: 'open_stat', wasm: 'open_stat',
    sizes: { full: { entries: 10_000, count: 100_000 }, quick: { entries: 2_000, count: 20_000 } },
    title: (p) => `${n(p.count)} × open+fstat+close`,
    input: (p) => ({ kind: 'dir', entries: p.entries }),
    args: (p) => ['/in/dir', Math.min(1000, p.entries), p.count],
  },
  {
    id: 'clock', wasm: 'clock',
    sizes: { full: { count: 2_000_000 }, quick: { count: 400_000 } },
    title: (p) => `${n(p.count)} clock_time_get`,
    args: (p) => [p.count],
  },
  {
    id: 'random_small', wasm: 'random',
    sizes: { full: { count: 500_000 }, quick: { count: 100_000 } },
    title: (p) => `${n(p.count)} × random_get of 256 bytes`,
    args: (p) => [256, p.count],
  },
  {
    id: 'random_big', wasm: 'random',
    sizes: { full: { count: 256 }, quick: { count: 64 } },
    title: (p) => `${n(p.count)} × random_get of 1 MiB`,
    args: (p) => [MiB, p.count],
  },
  {
    id: 'startup', wasm: 'empty',
    sizes: { full: { count: 200 }, quick: { count: 50 } },
    title: (p) => `${n(p.count)} × instantiate + run an empty program`,
    args: () => [],
    iterations: (p) => p.count,
  },
  {
    // What a fresh process pays before a program's first instruction: importing
    // the runtime's JS (node:wasi is built into Node) and one run. The startup
    // row above leaves the import out; here it is the larger part.
    id: 'cold_start', wasm: 'empty', timeImport: true,
    sizes: { full: {}, quick: {} },
    title: () => 'import the runtime + instantiate + run an empty program once (fresh process)',
    args: () => [],
  },
  {
    // The file-reading workload of the thread rows below, run in _start by
    // every runtime: their baseline.
    id: 'read_threads_0', wasm: 'read_threads', sharedPages: 4,
    sizes: { full: { reads: 4000 }, quick: { reads: 1000 } },
    title: (p) => `${n(p.reads)} × open+read 4 KiB+close, no threads`,
    input: () => ({ kind: 'file', name: 'data.bin', bytes: 4096 }),
    args: (p) => ['0', p.reads],
  },
  {
    // The same reads from wasi-threads threads (WASI.startThreaded): each
    // call is forwarded to the owner thread through src/threads/channel.ts.
    // Timed from new WASI to the run settling, the Workers' start-up included.
    // node:wasi and browser_wasi_shim have no wasi-threads (no thread-spawn).
    id: 'read_threads_1', wasm: 'read_threads', sharedPages: 4, threaded: true, measuredBy: ['wasi-host', 'wasi-host-memfs'],
    sizes: { full: { reads: 4000 }, quick: { reads: 1000 } },
    title: (p) => `the same from 1 thread (startThreaded)`,
    input: () => ({ kind: 'file', name: 'data.bin', bytes: 4096 }),
    args: (p) => ['1', p.reads],
  },
  {
    id: 'read_threads_4', wasm: 'read_threads', sharedPages: 4, threaded: true, measuredBy: ['wasi-host', 'wasi-host-memfs'],
    sizes: { full: { reads: 4000 }, quick: { reads: 1000 } },
    title: (p) => `the same from 4 threads (startThreaded)`,
    input: () => ({ kind: 'file', name: 'data.bin', bytes: 4096 }),
    args: (p) => ['4', p.reads],
  },
  {
    id: 'text_gen', wasm: 'textgen',
    sizes: { full: { mib: 8 }, quick: { mib: 1 } },
    title: (p) => `real program: generate ${p.mib} MiB of text (stdio)`,
    args: (p) => ['/data/words.txt', p.mib, 1],
    dataMiB: (p) => p.mib,
  },
  {
    id: 'text_count', wasm: 'wordcount',
    sizes: { full: { mib: 8 }, quick: { mib: 1 } },
    title: (p) => `real program: word-count it (stdio)`,
    input: (p) => ({ kind: 'text', mib: p.mib }),
    args: () => ['/in/words.txt'],
    dataMiB: (p) => p.mib,
  },
];
/**
 * The limits table: probes of the least plain JS can do for a row's calls
 * (bench/probe.mjs), each run in a fresh process like a row and interleaved
 * with the rows, so a row that is behind node:wasi can be read against what
 * no JS host can pass. `spec` gets the row's sizes and the run's directories.
 */
const PROBES = [
  { id: 'writesync_file', bounds: 'write_small', title: (p) => `JS writeSync alone: ${n(p.count)} × 32 bytes to a file`, spec: (p, d) => ({ count: p.count, work: d.work }) },
  { id: 'writesync_stdout', bounds: 'write_stdout', stdoutFile: true, title: (p) => `JS writeSync alone: ${n(p.count)} × 32 bytes to stdout (a file)`, spec: (p) => ({ count: p.count }) },
  { id: 'fdwrite_file_floor', bounds: 'write_small', title: (p) => `least JS fd_write: the write_small guest, ${n(p.count)} × 32 bytes to a file, fd_write one writeSync from guest memory (bench/least-fd-write.mjs)`, spec: (p, d) => ({ count: p.count, work: d.work, dist, wasm: path.join(workloadsDir, 'write_small.wasm') }) },
  { id: 'fdwrite_stdout_floor', bounds: 'write_stdout', stdoutFile: true, title: (p) => `least JS fd_write: the same guest to stdout (a file)`, spec: (p, d) => ({ count: p.count, work: d.work, dist, wasm: path.join(workloadsDir, 'write_small.wasm') }) },
  { id: 'clock_floor', bounds: 'clock', title: (p) => `clock floor: ${n(p.count)} calls of a JS import that reads the clock and stores the i64`, spec: (p) => ({ count: p.count }) },
  { id: 'randomfill_floor', bounds: 'random_big', title: (p) => `random floor: ${n(p.count)} × crypto.randomFillSync of 1 MiB into wasm memory`, spec: (p) => ({ count: p.count, size: MiB }) },
  { id: 'instantiate_floor', bounds: 'startup', title: (p) => `instantiate floor: ${n(p.count)} × new WebAssembly.Instance, no-op imports`, spec: (p) => ({ count: p.count, wasm: path.join(workloadsDir, 'empty.wasm') }) },
  { id: 'startup_floor', bounds: 'startup', title: (p) => `startup floor: ${n(p.count)} × a fresh minimal import object (args/environ sizes, prestat loop, proc_exit by throwing) + new WebAssembly.Instance + _start`, spec: (p) => ({ count: p.count, wasm: path.join(workloadsDir, 'empty.wasm') }) },
  { id: 'startup_dir_floor', bounds: 'startup', title: (p) => `startup floor, host directory: the same with the preopen's check (realpath of the directory, as wasi-host and node:wasi make it at construction) in each run`, spec: (p, d) => ({ count: p.count, wasm: path.join(workloadsDir, 'empty.wasm'), dir: d.work }) },
  { id: 'openat_floor', bounds: 'open_stat', title: (p) => `openat floor, before: ${n(p.count)} × the 5 fs calls of issue 14 part 3 (lstat dir, lstat + open name via /proc/self/fd, fstat, close)`, spec: (p, d) => ({ count: p.count, nfiles: Math.min(1000, p.entries), dir: path.join(d.input, 'dir') }) },
  { id: 'openfirst_floor', bounds: 'open_stat', title: (p) => `openat floor: ${n(p.count)} × wasi-host's 5 fs calls (lstat dir, open name via /proc/self/fd, fstat in number mode, the guest's fstat, close)`, spec: (p, d) => ({ count: p.count, nfiles: Math.min(1000, p.entries), dir: path.join(d.input, 'dir') }) },
  { id: 'open3_floor', bounds: 'open_stat', title: (p) => `openat floor, no lookup: ${n(p.count)} × open via /proc/self/fd + fstat + close`, spec: (p, d) => ({ count: p.count, nfiles: Math.min(1000, p.entries), dir: path.join(d.input, 'dir') }) },
];

/** Whether a workload row is measured under a runtime (rows with `measuredBy` list theirs). */
const ranBy = (w, rt) => w.measuredBy === undefined || w.measuredBy.includes(rt);
const only = option('--only', undefined)?.split(',');
for (const id of only ?? []) if (!WORKLOADS.some((w) => w.id === id)) usage(`unknown workload ${id} (one of ${WORKLOADS.map((w) => w.id).join(', ')})`);
const workloads = WORKLOADS.filter((w) => (!only || only.includes(w.id)) && w.sizes[mode] !== undefined).map((w) => {
  const p = w.sizes[mode];
  return {
    ...w, p,
    title: w.title(p),
    argv: [w.wasm, ...w.args(p).map(String)],
    inputSpec: w.input?.(p),
    iterations: w.iterations?.(p) ?? 1,
    dataMiB: w.dataMiB?.(p),
  };
});
const probes = PROBES.filter((pr) => workloads.some((w) => w.id === pr.bounds)).map((pr) => {
  const w = workloads.find((x) => x.id === pr.bounds);
  return { ...pr, w, title: pr.title(w.p) };
});

// ---------------------------------------------------------------- dist

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function prepareDist() {
  const index = path.join(root, 'dist', 'index.js');
  const stale = !fs.existsSync(index) || fs.statSync(index).mtimeMs < newestMtime(path.join(root, 'src'));
  if (stale) {
    console.error('bench: dist/ is missing or older than src/: running npm run build');
    const r = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0 && !fs.existsSync(index)) {
      console.error('bench: the build failed and there is no dist/ to use');
      process.exit(1);
    }
    if (r.status !== 0) console.error('bench: the build failed; using the dist/ that is there');
  }
  // Someone else's `npm run build` may be between removing and rewriting dist/: retry a little.
  const snap = path.join(tmp, `dist-${process.pid}`);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmSync(snap, { recursive: true, force: true });
      fs.cpSync(path.join(root, 'dist'), snap, { recursive: true });
      if (fs.existsSync(path.join(snap, 'index.js'))) return snap;
    } catch (err) {
      if (attempt >= 10) throw err;
    }
    if (attempt >= 10) throw new Error('bench: dist/index.js did not appear');
    spawnSync('sleep', ['1']);
  }
}

// ---------------------------------------------------------------- inputs

/** Deterministic bytes: a 1 MiB block of xorshift output, varied per MiB. */
function writeBytes(file, mib) {
  const block = Buffer.alloc(MiB);
  let s = 0x2545f4914f6cdd1dn;
  const v = new BigUint64Array(block.buffer, block.byteOffset, MiB / 8);
  for (let i = 0; i < v.length; i++) {
    s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n;
    v[i] = s;
  }
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mib; i++) {
    block[0] = i & 0xff;
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
}

function writeText(dir, mib) {
  // The text comes from the textgen workload itself, run under node:wasi in a child.
  const spec = { runtime: 'node:wasi', wasm: path.join(workloadsDir, 'textgen.wasm'), args: ['textgen', '/data/words.txt', String(mib), '1'], mounts: [{ guest: '/data', host: dir }] };
  const r = spawnSync(process.execPath, ['--no-warnings', path.join(here, 'child.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  if (r.status !== 0 || !fs.existsSync(path.join(dir, 'words.txt'))) throw new Error(`bench: generating the text input failed (${r.status})`);
}

/** The host directory holding one input set, built once and kept in .bench-tmp/inputs/. */
function inputDir(spec) {
  const name = spec.kind === 'dir' ? `dir-${spec.entries}` : spec.kind === 'file' ? `file-${spec.bytes}` : `${spec.kind}-${spec.mib}m`;
  const dir = path.join(tmp, 'inputs', name);
  const done = `${dir}.complete`;
  if (fs.existsSync(done)) return dir;
  console.error(`bench: building input ${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (spec.kind === 'bytes') writeBytes(path.join(dir, 'big.bin'), spec.mib);
  else if (spec.kind === 'text') writeText(dir, spec.mib);
  else if (spec.kind === 'file') fs.writeFileSync(path.join(dir, spec.name), Uint8Array.from({ length: spec.bytes }, (_, i) => (i * 31) & 0xff));
  else if (spec.kind === 'dir') {
    fs.mkdirSync(path.join(dir, 'dir'));
    for (let i = 0; i < spec.entries; i++) fs.writeFileSync(path.join(dir, 'dir', `f${String(i).padStart(5, '0')}`), '');
  }
  fs.writeFileSync(done, '');
  return dir;
}

// ---------------------------------------------------------------- one run

let runCounter = 0;

/** The last line of a (possibly large) file: what a guest printed last to a stdout redirected there. */
function lastLine(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const n = Math.min(size, 4096);
    const buf = Buffer.alloc(n);
    fs.readSync(fd, buf, 0, n, size - n);
    const text = buf.toString('utf8').replace(/\n$/, '');
    return text.slice(text.lastIndexOf('\n') + 1) + '\n';
  } finally {
    fs.closeSync(fd);
  }
}

function runChild(w, runtime, dist) {
  const work = path.join(tmp, `work-${process.pid}-${runCounter++}`);
  fs.mkdirSync(work, { recursive: true });
  const mounts = [];
  if (w.inputHost) mounts.push({ guest: '/in', host: w.inputHost });
  mounts.push({ guest: '/data', host: work });
  const spec = { runtime, dist, wasm: path.join(workloadsDir, `${w.wasm}.wasm`), args: w.argv, mounts, iterations: w.iterations, hostOptions: w.hostOptions, sharedPages: w.sharedPages, threaded: w.threaded, timeImport: w.timeImport };
  const nodeArgs = ['--expose-gc', '--no-warnings'];
  if (cpuProfDir) {
    fs.mkdirSync(cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${path.resolve(cpuProfDir)}`, `--cpu-prof-name=${w.id}.${runtime.replace(/[^a-z0-9-]/gi, '_')}.${process.pid}-${runCounter}.cpuprofile`);
  }
  return spawnMeasured(path.join(here, 'child.mjs'), nodeArgs, spec, work, w.stdoutFile === true);
}

/** One probe of the limits table in a fresh process (bench/probe.mjs). */
function runProbe(pr) {
  const work = path.join(tmp, `work-${process.pid}-${runCounter++}`);
  fs.mkdirSync(work, { recursive: true });
  const spec = { probe: pr.id, ...pr.spec(pr.w.p, { work, input: pr.w.inputHost }) };
  return spawnMeasured(path.join(here, 'probe.mjs'), ['--no-warnings'], spec, work, pr.stdoutFile === true);
}

/**
 * Runs `script` with `spec`, reading its JSON report from fd 3; the guest's
 * stdout is a pipe, or with `stdoutFile` a file in `work` (its last line is
 * then the output compared across runtimes). `work` is removed afterwards.
 */
function spawnMeasured(script, nodeArgs, spec, work, stdoutFile) {
  const outFile = path.join(work, 'stdout.txt');
  const outFd = stdoutFile ? fs.openSync(outFile, 'w') : 'pipe';
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, script, JSON.stringify(spec)], {
      cwd: root,
      stdio: ['ignore', outFd, 'pipe', 'pipe'],
    });
    if (typeof outFd === 'number') fs.closeSync(outFd);
    let stdout = '';
    let stderr = '';
    let report = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdio[3].on('data', (d) => (report += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stdoutFile) stdout = lastLine(outFile);
      fs.rmSync(work, { recursive: true, force: true });
      let r;
      try {
        r = JSON.parse(report);
      } catch {
        r = undefined;
      }
      if (timedOut) resolve({ error: 'timeout' });
      else if (!r || code !== 0) resolve({ error: `child exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      else if (r.exitCode !== 0) resolve({ error: `guest exited ${r.exitCode}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`, stdout });
      else resolve({ ...r, stdout });
    });
  });
}

// ---------------------------------------------------------------- stats and output

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmtMs = (x) => (!Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtRatio = (x) => (!Number.isFinite(x) ? '—' : x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtMiB = (kib) => (kib === undefined ? '—' : (kib / 1024).toFixed(0));

function summarise(results) {
  const rows = [];
  for (const w of workloads) {
    const cells = {};
    for (const rt of runtimes) {
      const rs = results.filter((r) => r.workload === w.id && r.runtime === rt);
      const ok = rs.filter((r) => r.error === undefined);
      cells[rt] = {
        ms: median(ok.map((r) => r.ms)),
        samples: ok.map((r) => r.ms),
        peakKiB: ok.length ? Math.max(...ok.map((r) => r.peakKiB)) : undefined,
        preDataKiB: ok.length ? median(ok.map((r) => r.preDataKiB)) : undefined,
        errors: rs.filter((r) => r.error !== undefined).map((r) => r.error),
        outputs: [...new Set(ok.map((r) => r.stdout))],
        notRun: !ranBy(w, rt),
      };
    }
    const base = cells['node:wasi']?.ms;
    for (const rt of runtimes) cells[rt].ratio = cells[rt].ms / base;
    // Outputs must agree with node:wasi's (or, where it did not run, with the first runtime's that did).
    const ref = [cells['node:wasi'], ...runtimes.map((rt) => cells[rt])].find((c) => c !== undefined && !c.notRun && c.outputs.length > 0)?.outputs[0];
    for (const rt of runtimes) cells[rt].outputDiffers = cells[rt].outputs.some((o) => o !== ref);
    rows.push({ w, cells });
  }
  return rows;
}

function cellMs(c) {
  if (c.notRun) return 'n/a';
  if (c.samples.length === 0) return c.errors[0] === 'timeout' ? `> ${timeoutMs / 1000} s` : 'failed';
  return fmtMs(c.ms) + (c.outputDiffers ? ' ✗' : '');
}

function tables(rows) {
  const label = (id) => RUNTIMES.find((r) => r.id === id).label;
  const hasBase = runtimes.includes('node:wasi');
  let head = '| workload |';
  let rule = '| --- |';
  for (const rt of runtimes) {
    head += ` ${label(rt)} ms |`;
    rule += ' ---: |';
    if (rt !== 'node:wasi' && hasBase) {
      head += ' ratio |';
      rule += ' ---: |';
    }
  }
  const time = [head, rule];
  for (const { w, cells } of rows) {
    let line = `| ${w.title} |`;
    for (const rt of runtimes) {
      line += ` ${cellMs(cells[rt])} |`;
      if (rt !== 'node:wasi' && hasBase) line += ` ${fmtRatio(cells[rt].ratio)} |`;
    }
    time.push(line);
  }
  const mem = [`| workload | ${runtimes.map((rt) => `${label(rt)} MiB`).join(' | ')} |`, `| --- |${runtimes.map(() => ' ---: |').join('')}`];
  for (const { w, cells } of rows) mem.push(`| ${w.title} | ${runtimes.map((rt) => (cells[rt].notRun ? 'n/a' : fmtMiB(cells[rt].peakKiB))).join(' | ')} |`);
  return { time: time.join('\n'), mem: mem.join('\n') };
}

/** Median ms of each probe (NaN when it failed). */
function probeMs(id) {
  return median(probeResults.filter((r) => r.probe === id && r.error === undefined).map((r) => r.ms));
}

function limits(rows) {
  const out = ['| probe | bounds row | probe ms | node:wasi ms | ÷ | wasi-host ms | ÷ |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const pr of probes) {
    const ms = probeMs(pr.id);
    const cells = rows.find((r) => r.w.id === pr.bounds)?.cells;
    const base = cells?.['node:wasi']?.ms;
    const host = cells?.['wasi-host']?.ms;
    const err = probeResults.find((r) => r.probe === pr.id && r.error !== undefined)?.error;
    out.push(`| ${pr.title} | ${pr.bounds} | ${Number.isFinite(ms) ? fmtMs(ms) : err ?? '—'} | ${fmtMs(base)} | ${fmtRatio(base / ms)} | ${fmtMs(host)} | ${fmtRatio(host / ms)} |`);
  }
  return out.join('\n');
}

/** The issue's targets, each met or not, from this run's numbers. */
function targets(rows) {
  const get = (id) => rows.find((r) => r.w.id === id);
  const out = [];
  const mark = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : 'not met');
  const ratio = (id, rt) => get(id)?.cells[rt]?.ratio;
  const has = (rt) => runtimes.includes(rt) && runtimes.includes('node:wasi');
  if (has('wasi-host')) {
    // Rows node:wasi cannot run (threads) have no ratio to hold to it.
    // cold_start times importing the runtime, which node:wasi, built into Node, never pays: its ratio says what a JS host costs, not a goal.
    const bad = rows.filter((r) => r.w.id !== 'cold_start' && !r.cells['node:wasi'].notRun && !(r.cells['wasi-host'].ratio <= 1.0));
    const besides = get('cold_start') ? ' (but cold_start: node:wasi has no JS to import)' : '';
    out.push(`| every row ≤ 1.0 with the host-directory backend${besides} | ${bad.length === 0 ? '**met**' : `not met: ${bad.map((r) => `${r.w.id} ${fmtRatio(r.cells['wasi-host'].ratio)}`).join(', ')}`} |`);
    // A goal not met is shown with the probe that bounds it (the limits table): the probe's time ÷ node:wasi's.
    const floor = (id, probe) => {
      const base = get(id)?.cells['node:wasi']?.ms;
      const f = probeMs(probe);
      return Number.isFinite(f) && Number.isFinite(base) ? `; ${probe} alone is ${fmtRatio(f / base)} of node:wasi` : '';
    };
    for (const [id, what, limit, probe] of [
      ['readdir', 'directory listing ≤ 0.2', 0.2],
      ['startup', 'startup (cold) ≤ 0.5', 0.5, 'startup_dir_floor'],
      ['random_small', 'small random_get ≤ 0.2', 0.2],
      ['clock', 'clock_time_get ≤ 1.2', 1.2, 'clock_floor'],
      ['open_stat', 'open+fstat+close ≤ 1.0', 1.0, 'openfirst_floor'],
      ['write_small_wb', 'small writes with writeBehind: true ≤ 0.3', 0.3],
    ]) {
      const r = ratio(id, 'wasi-host');
      out.push(`| ${what} (host fs) | ${r === undefined || !Number.isFinite(r) ? 'not measured' : `${mark(r <= limit)} (${fmtRatio(r)})${r <= limit || probe === undefined ? '' : floor(id, probe)}`} |`);
    }
    // Unbatched small writes: within 10% of what writeSync alone takes for them.
    // Not met, the least JS fd_write for the same guest (its probe) shows the bound: how far it
    // is from writeSync alone, and how far wasi-host is from it.
    for (const [id, probe, least, what] of [['write_small', 'writesync_file', 'fdwrite_file_floor', 'a host file'], ['write_stdout', 'writesync_stdout', 'fdwrite_stdout_floor', 'stdout redirected to a file']]) {
      const host = get(id)?.cells['wasi-host']?.ms;
      const f = probeMs(probe);
      const l = probeMs(least);
      const r = host / f;
      const bound = r > 1.1 && Number.isFinite(l) ? `; ${least} alone is ${fmtRatio(l / f)}× the probe, wasi-host ${fmtRatio(host / l)}× ${least}` : '';
      out.push(`| unbatched small writes to ${what} within 10% of JS writeSync alone (${probe}) | ${Number.isFinite(r) ? `${mark(r <= 1.1)} (${fmtRatio(r)}× the probe${bound})` : 'not measured'} |`);
    }
  }
  if (runtimes.includes('wasi-host-memfs') && runtimes.includes('browser_wasi_shim')) {
    const behind = rows.filter((r) => !r.cells['wasi-host-memfs'].notRun && !r.cells.browser_wasi_shim.notRun && !(r.cells['wasi-host-memfs'].ms < r.cells.browser_wasi_shim.ms || (r.cells.browser_wasi_shim.samples.length === 0 && r.cells['wasi-host-memfs'].samples.length > 0)));
    out.push(`| memfs ahead of browser_wasi_shim on every row | ${behind.length === 0 ? '**met**' : `not met: ${behind.map((r) => `${r.w.id} ${fmtMs(r.cells['wasi-host-memfs'].ms)} vs ${fmtMs(r.cells.browser_wasi_shim.ms)} ms`).join(', ')}`} |`);
  }
  if (runtimes.includes('wasi-host-memfs')) {
    const big = get('write_big')?.cells['wasi-host-memfs'];
    const eighth = get('write_eighth')?.cells['wasi-host-memfs'];
    if (big && eighth) {
      const growth = big.ms / eighth.ms;
      out.push(`| memfs appends amortised O(1): 8× the data in ≤ 12× the time | ${mark(growth <= 12)} (${growth.toFixed(1)}×; quadratic would be ~64×) |`);
    }
    const over = [];
    let measured = 0;
    for (const { w, cells } of rows) {
      const c = cells['wasi-host-memfs'];
      if (w.dataMiB === undefined || w.dataMiB < 16 || c.peakKiB === undefined) continue;
      measured++;
      const extra = (c.peakKiB - c.preDataKiB) / 1024;
      if (extra > 2 * w.dataMiB) over.push(`${w.id} ${extra.toFixed(0)} MiB for ${w.dataMiB.toFixed(0)} MiB`);
    }
    if (measured > 0) out.push(`| memfs peak memory within 2× of the data held (rows with ≥ 16 MiB of data) | ${over.length === 0 ? '**met**' : `not met: ${over.join(', ')}`} |`);
  }
  return ['| target (ratio to node:wasi in the same run) | this run |', '| --- | --- |', ...out].join('\n');
}

/** Which wasi-host was measured: the commit, and whether src/ had uncommitted changes (read-only git calls). */
function revision() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'wasi-host (no git)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  return `wasi-host at ${head.stdout.trim()}${dirty ? ' with uncommitted src/ changes' : ''}`;
}

function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism?.() ?? cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

// ---------------------------------------------------------------- main

const t0 = Date.now();
for (const w of workloads) {
  if (!fs.existsSync(path.join(workloadsDir, `${w.wasm}.wasm`))) {
    console.error(`bench: bench/workloads/${w.wasm}.wasm is missing: run npm run bench:build`);
    process.exit(1);
  }
}
fs.mkdirSync(tmp, { recursive: true });
const dist = prepareDist();
const cleanup = () => fs.rmSync(dist, { recursive: true, force: true });
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));
for (const w of workloads) if (w.inputSpec) w.inputHost = inputDir(w.inputSpec);
if (argv.includes('--inputs-only')) process.exit(0);

console.error(`bench: ${mode} run, ${reps} repetitions, ${workloads.length} workloads × ${runtimes.length} runtimes, on ${machine()}`);
const results = [];
const probeResults = [];
for (let rep = 0; rep < reps; rep++) {
  for (const [wi, w] of workloads.entries()) {
    // Rotate which runtime goes first, so none always runs right after another's cleanup.
    const order = runtimes.map((_, i) => runtimes[(i + rep + wi) % runtimes.length]);
    for (const rt of order) {
      if (!ranBy(w, rt)) continue;
      const previous = results.filter((r) => r.workload === w.id && r.runtime === rt);
      if (previous.some((r) => r.error !== undefined || r.ms > enoughMs)) continue;
      const r = await runChild(w, rt, dist);
      results.push({ workload: w.id, runtime: rt, rep, ...r });
      const note = r.error ?? `${fmtMs(r.ms)} ms, peak ${fmtMiB(r.peakKiB)} MiB`;
      console.error(`  [${rep + 1}/${reps}] ${w.id.padEnd(13)} ${rt.padEnd(18)} ${note}`);
    }
    for (const pr of probes.filter((x) => x.w === w)) {
      const r = await runProbe(pr);
      probeResults.push({ probe: pr.id, rep, ...r });
      console.error(`  [${rep + 1}/${reps}] ${w.id.padEnd(13)} probe ${pr.id.padEnd(12)} ${r.error ?? `${fmtMs(r.ms)} ms`}`);
    }
  }
}

const rows = summarise(results);
const { time, mem } = tables(rows);
const elapsed = ((Date.now() - t0) / 1000).toFixed(0);
const problems = [];
for (const { w, cells } of rows) {
  for (const rt of runtimes) {
    const c = cells[rt];
    if (c.errors.length) problems.push(`- ${w.id} under ${rt}: ${c.errors[0]}`);
    if (c.outputDiffers) problems.push(`- ${w.id} under ${rt}: output differs from node:wasi's: ${JSON.stringify(c.outputs.find((o) => o !== (cells['node:wasi'] ?? cells[runtimes[0]]).outputs[0]))}`);
    if (c.samples.length > 0 && c.samples.length < reps && !c.errors.length) problems.push(`- ${w.id} under ${rt}: ${c.samples.length} of ${reps} repetitions (a run took over ${enoughMs / 1000} s)`);
  }
}
const report = [
  `${mode} run, ${new Date().toISOString().slice(0, 10)}, ${revision()}: ${machine()}; median of ${reps} repetitions; ${elapsed} s in all.`,
  '',
  'Wall time (ms, lower is better; ratio = runtime ÷ node:wasi in the same run; ✗ = output differs from node:wasi; n/a = the runtime cannot run the row: write-behind is a host-directory option, and node:wasi and browser_wasi_shim have no wasi-threads):',
  '',
  time,
  '',
  'Peak RSS of the child process during the run (MiB; the high-water mark is reset after setup, so in-memory inputs count and their loading does not):',
  '',
  mem,
  '',
  ...(probes.length ? ['Limits: probes of the least plain JS can do for a row\'s calls (bench/probe.mjs; medians, same repetitions; ÷ = the row\'s time over the probe\'s):', '', limits(rows), ''] : []),
  'Targets:',
  '',
  targets(rows),
  ...(problems.length ? ['', 'Notes from this run:', '', ...problems] : []),
].join('\n');
console.log(report);

if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ mode, reps, machine: machine(), results: results.map(({ stdout, ...r }) => r), probes: probeResults.map(({ stdout, ...r }) => r) }, null, 2));

if (argv.includes('--write')) {
  const file = path.join(root, 'BENCHMARKS.md');
  const start = `<!-- bench:${mode}:start -->`;
  const end = `<!-- bench:${mode}:end -->`;
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${report}\n${end}`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) doc = doc.slice(0, a) + block + doc.slice(b + end.length);
  else doc = `${doc.trimEnd()}\n\n## Latest ${mode} run\n\n${block}\n`;
  fs.writeFileSync(file, doc);
  console.error(`bench: updated BENCHMARKS.md (${mode} section)`);
}
console.error(`bench: done in ${elapsed} s`);
