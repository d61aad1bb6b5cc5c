// Machine instructions a row's cold run executes, counted by valgrind's
// callgrind, split by the work they do: running the code (the interpreter,
// builtins, generated code and the C++ they call: typed array copies,
// TextDecoder, fs bindings), TurboFan's compiles, lazy compiles of functions
// on their first call, the parse (and pre-parse) of a script or module as it
// loads, Sparkplug's baseline compiles, wasm compiles and the garbage
// collector.
// Counts, unlike times, do not move with the machine's load, so two builds can
// be compared on a busy machine, and they show where a cold row's work goes
// (BENCHMARKS.md, "Issue 14, part 10").
//
// Each runtime runs bench/instructions-child.mjs under
// `node --single-threaded` (V8's compile and GC work on the one thread, so it
// is all counted) twice, with `--few` and with `--many` iterations; the
// difference is what the extra iterations cost, import and setup excluded.
//
// For --row cold_start, --few 0 --many 1: the runtime's import and its first
// run, against a process that imports nothing. For --row startup, --few 0
// --many 200: the bench row's 200 fresh hosts and runs, the first one's
// compiles included (the import is in both counts). Runtimes: memfs and host
// (wasi-host), node (node:wasi, on a host directory), shim.
//
//   node bench/instructions.mjs [--row read_threads_0|open_stat|cold_start|startup] [--runtimes memfs,shim,host,node]
//                               [--few N] [--many N] [--repeat N] [DIST_DIR...]
//
// --repeat runs each count N times and takes each kind's median: a fresh
// process's count moves by a few million between runs (±5 M here), which
// matters for cold_start's 30-50 M, not for the loops' hundreds.
//
// DIST_DIRs default to this checkout's dist/ (node scripts/build.mjs); each
// other build's dist/ needs a {"type":"module"} package.json beside its
// files. Needs valgrind (Debian: apt-get install valgrind); about 10 s a run.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const row = takeOption(args, '--row', 'read_threads_0');
const runtimes = takeOption(args, '--runtimes', 'memfs,shim').split(',');
const few = Number(takeOption(args, '--few', 1));
const many = Number(takeOption(args, '--many', 4000));
const repeat = Number(takeOption(args, '--repeat', 1));
const dists = args.length > 0 ? args : [path.join(here, '..', 'dist')];

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('bench/instructions.mjs needs valgrind (Debian: apt-get install valgrind)');
  process.exit(2);
}

/**
 * Inclusive counts of the V8 entry points that stand for a kind of work (with
 * --single-threaded each runs on the main thread, inside the call that asked
 * for it); what is left of the program's total is running the code itself:
 * the interpreter, builtins, generated code and the C++ they call.
 */
const ENTRY_POINTS = {
  'TurboFan': /v8::internal::Compiler::CompileOptimized\(/,
  'lazy compile': /v8::internal::Runtime_CompileLazy\(/,
  'script parse': /v8::internal::parsing::ParseProgram\(/,
  'Sparkplug': /v8::internal::Compiler::CompileBaseline\(/,
  'wasm compile': /WasmCompilationUnit::ExecuteCompilation\(/,
  'GC': /v8::internal::Heap::CollectGarbage\(/,
};

/** Instructions by kind of work for one run of the child. */
function count(runtime, dist, n) {
  const out = path.join(os.tmpdir(), `wasi-host-callgrind-${process.pid}.out`);
  const r = spawnSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`,
    process.execPath, '--single-threaded', path.join(here, 'instructions-child.mjs'), row, runtime, dist, String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${runtime} ${dist} ${n}: valgrind exited ${r.status}\n${r.stderr.slice(-2000)}`);
  const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 });
  fs.rmSync(out, { force: true });
  const counts = { total: 0 };
  for (const line of annotated.stdout.split('\n')) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const ir = Number(m[1].replace(/,/g, ''));
    if (m[2].includes('PROGRAM TOTALS')) counts.total = ir;
    // The first (largest) line of each: recursive entries ('2) are inside it.
    for (const [k, re] of Object.entries(ENTRY_POINTS)) if (counts[k] === undefined && re.test(m[2])) counts[k] = ir;
  }
  const kinds = Object.keys(ENTRY_POINTS);
  counts['running the code'] = counts.total - kinds.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
  return counts;
}

/** Each kind's median over `repeat` runs. */
function medianCounts(runtime, dist, n) {
  const runs = Array.from({ length: repeat }, () => count(runtime, dist, n));
  const median = (k) => runs.map((c) => c[k] ?? 0).sort((x, y) => x - y)[runs.length >> 1];
  return Object.fromEntries(BUCKETS.map((k) => [k, median(k)]));
}

const BUCKETS = ['running the code', 'TurboFan', 'lazy compile', 'script parse', 'Sparkplug', 'wasm compile', 'GC'];
console.log(`${row}: instructions of ${many - few} more iterations (${many} against ${few}), in millions; node --single-threaded under callgrind`);
console.log('');
console.log(`| runtime | build | ${BUCKETS.join(' | ')} | all | per iteration |`);
console.log(`| --- | --- |${BUCKETS.map(() => ' ---: |').join('')} ---: | ---: |`);
for (const runtime of runtimes) {
  for (const dist of runtime === 'shim' ? [dists[0]] : dists) {
    const a = medianCounts(runtime, dist, few);
    const b = medianCounts(runtime, dist, many);
    const diff = BUCKETS.map((k) => (b[k] ?? 0) - (a[k] ?? 0));
    const all = diff.reduce((s, x) => s + x, 0);
    const label = runtime === 'shim' ? 'browser_wasi_shim' : path.relative(process.cwd(), dist) || '.';
    console.log(`| ${runtime} | ${label} | ${diff.map((x) => (x / 1e6).toFixed(1)).join(' | ')} | ${(all / 1e6).toFixed(1)} | ${Math.round(all / (many - few))} |`);
  }
}
