// Machine instructions a row's cold run executes, counted by valgrind's
// callgrind, split by the work they do: running the code (the interpreter,
// builtins, generated code and the C++ they call: typed array copies,
// TextDecoder, fs bindings), TurboFan's compiles, lazy compiles of functions
// on their first call, Sparkplug's baseline compiles, wasm compiles and the
// garbage collector.
// Counts, unlike times, do not move with the machine's load, so two builds can
// be compared on a busy machine, and they show where a cold row's work goes
// (BENCHMARKS.md, "Issue 14, part 10").
//
// Each runtime runs bench/instructions-child.mjs under
// `node --single-threaded` (V8's compile and GC work on the one thread, so it
// is all counted) twice, with `--few` and with `--many` iterations; the
// difference is what the extra iterations cost, import and setup excluded.
//
//   node bench/instructions.mjs [--row read_threads_0|open_stat] [--runtimes memfs,shim,host]
//                               [--few N] [--many N] [DIST_DIR...]
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

const BUCKETS = ['running the code', 'TurboFan', 'lazy compile', 'Sparkplug', 'wasm compile', 'GC'];
console.log(`${row}: instructions of ${many - few} more iterations (${many} against ${few}), in millions; node --single-threaded under callgrind`);
console.log('');
console.log(`| runtime | build | ${BUCKETS.join(' | ')} | all | per iteration |`);
console.log(`| --- | --- |${BUCKETS.map(() => ' ---: |').join('')} ---: | ---: |`);
for (const runtime of runtimes) {
  for (const dist of runtime === 'shim' ? [dists[0]] : dists) {
    const a = count(runtime, dist, few);
    const b = count(runtime, dist, many);
    const diff = BUCKETS.map((k) => (b[k] ?? 0) - (a[k] ?? 0));
    const all = diff.reduce((s, x) => s + x, 0);
    const label = runtime === 'shim' ? 'browser_wasi_shim' : path.relative(process.cwd(), dist) || '.';
    console.log(`| ${runtime} | ${label} | ${diff.map((x) => (x / 1e6).toFixed(1)).join(' | ')} | ${(all / 1e6).toFixed(1)} | ${Math.round(all / (many - few))} |`);
  }
}
