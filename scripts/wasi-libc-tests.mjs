#!/usr/bin/env node
// Builds wasi-libc's own tests (WebAssembly/wasi-libc, test/src/*.c) and runs
// each under wasi-host on a host directory and on MemFS, and under wasmtime
// when its Python embedding is given, the way the suite's test/CMakeLists.txt
// runs them for wasm32-wasip1: the same arguments, environment, link flags and
// a fresh empty directory preopened as "/" for the tests it marks FS. A test
// passes when it exits with 0 within 10 s (CMake's TIMEOUT 10), as under ctest.
//
// It fetches nothing: the sources are the user's (not this repository's).
//
//   node scripts/wasi-libc-tests.mjs --src DIR [options] [NAME...]
//
//   --src DIR          a directory holding the suite's test/src/*.c
//   --clang CMD        compile with this clang (default clang-19) ...
//   --sysroot DIR      ... and this wasi-libc sysroot (default /usr)
//   --target TRIPLE    (default wasm32-wasi, Debian's name; wasm32-wasip1 for
//                      a current wasi-libc)
//   --yowasp DIR       compile in-process with the @yowasp/clang package in DIR
//                      instead (target wasm32-wasip1, its own wasi-libc)
//   --wasmtime PYTHON  also run under wasmtime: a python with the `wasmtime`
//                      package (the embedding, not the CLI)
//   --work DIR         where builds and scratch directories go (default a
//                      temp directory)
//   --verbose          print the output of every run that fails
//
// Tests whose source is not in DIR are listed as "no source". The libc-test
// and Open POSIX tests the suite also runs come from other repositories and
// are not handled here. Not part of `npm test`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'wasi-host.mjs');
const TIMEOUT_MS = 10_000;

/** The suite's wasm32-wasip1 tests (test/CMakeLists.txt, add_wasilibc_test) with their options. */
const FS = { fs: true };
const STACK_FIRST = { ldflags: ['-Wl,--stack-first', '-Wl,--initial-memory=327680'] };
const TESTS = {
  access: FS,
  append: FS,
  argv_two_args: { argv: ['foo', 'bar'] },
  clock_nanosleep: {},
  chdir: FS,
  close: FS,
  external_env: { env: ['VAR1=foo', 'VAR2=bar'] },
  fadvise: FS,
  fallocate: FS,
  fcntl: FS,
  fdatasync: FS,
  fdopen: FS,
  feof: FS,
  file_permissions: FS,
  file_nonblocking: FS,
  fseek: FS,
  fstat: FS,
  fsync: FS,
  ftruncate: FS,
  fts: FS,
  fwscanf: FS,
  'fs-nonblocking': FS,
  getentropy: {},
  hello: { pass: /Hello, World!/ },
  ioctl: FS,
  isatty: FS,
  link: FS,
  lseek: FS,
  memchr: STACK_FIRST,
  memcmp: STACK_FIRST,
  opendir: { fs: true, argv: ['/'] },
  open_relative_path: { fs: true, argv: ['/'] },
  poll: FS,
  ppoll: FS,
  pselect: FS,
  preadvwritev: FS,
  preadwrite: FS,
  readlink: FS,
  readv: FS,
  rename: FS,
  rmdir: FS,
  scandir: FS,
  stat: FS,
  stdio: FS,
  strchrnul: STACK_FIRST,
  strlen: STACK_FIRST,
  strptime: {},
  strrchr: STACK_FIRST,
  time_and_times: { cflags: ['-D_WASI_EMULATED_PROCESS_CLOCKS'], ldflags: ['-lwasi-emulated-process-clocks'] },
  time: {},
  utime: FS,
  rewinddir: FS,
  seekdir: FS,
  usleep: {},
  nanosleep: {},
  sleep: {},
  write: FS,
  'wasi-defines': {},
  'dup-file': FS,
  'dup2-file': FS,
  'dup3-file': FS,
  'fcntl-dupfd': FS,
  clear_fds: FS,
  pipe: {},
  pipe_poll: {},
  pipe_fstat: {},
  pipe_setfl_independent: {},
  pipe_atomic_write: {},
  pipe_zero_len: {},
  pipe_espipe: {},
  pthread_recursive_mutex: {},
  tls_smoke: {},
  cwd_relative_threads: FS,
};

// libc-test's src/common/test.h, which every test includes, reduced to what
// these tests use: t_error prints where and what, and marks the run failed.
const TEST_H = `#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile int t_status = 0;
#define t_xstr(s) t_str(s)
#define t_str(s) #s
#define t_error(...) (t_status = 1, printf(__FILE__ ":" t_xstr(__LINE__) ": " __VA_ARGS__), fflush(stdout))
`;

const WASMTIME_RUNNER = `
import json, sys
from wasmtime import Engine, ExitTrap, Linker, Module, Store, WasiConfig
job = json.loads(sys.argv[1])
engine = Engine()
config = WasiConfig()
config.argv = job['argv']
config.env = [e.split('=', 1) for e in job['env']]
config.inherit_stdin(); config.inherit_stdout(); config.inherit_stderr()
if job['dir']:
    config.preopen_dir(job['dir'], '/')
store = Store(engine)
store.set_wasi(config)
linker = Linker(engine)
linker.define_wasi()
instance = linker.instantiate(store, Module.from_file(engine, job['wasm']))
try:
    instance.exports(store)['_start'](store)
    code = 0
except ExitTrap as e:
    code = e.code
except Exception as e:
    sys.stdout.flush()
    print('trap: ' + (str(e).strip().splitlines() or ['?'])[-1], file=sys.stderr)
    code = 134
sys.stdout.flush(); sys.stderr.flush()
sys.exit(code)
`;

function usage(message) {
  if (message) console.error(`wasi-libc-tests: ${message}`);
  console.error('usage: node scripts/wasi-libc-tests.mjs --src DIR [--clang CMD --sysroot DIR --target T | --yowasp DIR] [--wasmtime PYTHON] [--work DIR] [--verbose] [NAME...]');
  process.exit(2);
}

const opts = { clang: 'clang-19', sysroot: '/usr', target: 'wasm32-wasi', yowasp: null, wasmtime: null, src: null, work: null, verbose: false };
const names = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--verbose') opts.verbose = true;
  else if (a.startsWith('--')) {
    const key = a.slice(2);
    if (!(key in opts) || i + 1 >= argv.length) usage(`unknown option or missing value: ${a}`);
    opts[key] = argv[++i];
  } else names.push(a);
}
if (opts.src === null) usage('--src is required');
for (const n of names) if (!(n in TESTS)) usage(`not a wasip1 test of the suite: ${n}`);
const work = opts.work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-libc-tests-'));
const buildDir = path.join(work, 'build');
fs.mkdirSync(buildDir, { recursive: true });
fs.writeFileSync(path.join(buildDir, 'test.h'), TEST_H);

function run(cmd, args, { input = null } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, out: String(e), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out, timedOut });
    });
  });
}

let yowasp = null;
if (opts.yowasp !== null) {
  const mod = await import(pathToFileURL(path.join(opts.yowasp, 'gen', 'bundle.js')).href);
  await mod.runLLVM(null, {}, { fetchProgress: () => {} });
  yowasp = mod.runClang;
}

const commonFlags = ['-O2', '-w', '-I.'];

/** Builds NAME.c into build/NAME.wasm: { ok, out }. */
async function build(name, spec) {
  const src = path.join(opts.src, `${name}.c`);
  const wasm = path.join(buildDir, `${name}.wasm`);
  const flags = [...commonFlags, ...(spec.cflags ?? []), '-o', `${name}.wasm`, `${name}.c`, ...(spec.ldflags ?? [])];
  if (yowasp !== null) {
    let out = '';
    const collect = (bytes) => {
      if (bytes) out += Buffer.from(bytes).toString('utf8');
    };
    try {
      const files = await yowasp(['clang', '--target=wasm32-wasip1', ...flags], { [`${name}.c`]: fs.readFileSync(src), 'test.h': TEST_H }, { stdout: collect, stderr: collect });
      fs.writeFileSync(wasm, files[`${name}.wasm`]);
      return { ok: true, out };
    } catch (e) {
      return { ok: false, out: out || String(e) };
    }
  }
  fs.copyFileSync(src, path.join(buildDir, `${name}.c`));
  const r = await new Promise((resolve) => {
    const child = spawn(opts.clang, [`--target=${opts.target}`, `--sysroot=${opts.sysroot}`, ...flags], { cwd: buildDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: -1, out: String(e) }));
    child.on('close', (code) => resolve({ code, out }));
  });
  return { ok: r.code === 0, out: r.out };
}

/** A fresh empty directory for a test marked FS. */
function scratch(name, runtime) {
  const dir = path.join(work, 'fs', `${name}-${runtime}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function verdict(spec, r) {
  if (r.timedOut) return 'TIMEOUT';
  if (r.code !== 0) return `FAIL(${r.code})`;
  if (spec.pass && !spec.pass.test(r.out)) return 'FAIL(output)';
  return 'pass';
}

async function runWasiHost(name, spec, wasm, backend) {
  const args = ['run'];
  if (spec.fs) args.push(...(backend === 'memfs' ? ['--memdir', '/'] : ['--dir', `${scratch(name, 'host')}::/`]));
  for (const e of spec.env ?? []) args.push('--env', e);
  args.push('--argv0', name, wasm, ...(spec.argv ?? []));
  return run(process.execPath, [cli, ...args]);
}

async function runWasmtime(name, spec, wasm) {
  const job = { wasm, argv: [name, ...(spec.argv ?? [])], env: spec.env ?? [], dir: spec.fs ? scratch(name, 'wasmtime') : null };
  return run(opts.wasmtime, ['-c', WASMTIME_RUNNER, JSON.stringify(job)]);
}

const runtimes = ['wasi-host dir', 'wasi-host memfs', ...(opts.wasmtime ? ['wasmtime'] : [])];
const rows = [];
const failures = [];
const counts = Object.fromEntries(runtimes.map((r) => [r, 0]));
let built = 0;
for (const name of names.length > 0 ? names : Object.keys(TESTS)) {
  const spec = TESTS[name];
  if (!fs.existsSync(path.join(opts.src, `${name}.c`))) {
    rows.push([name, 'no source', ...runtimes.map(() => '')]);
    continue;
  }
  const b = await build(name, spec);
  if (!b.ok) {
    rows.push([name, 'build failed', ...runtimes.map(() => '')]);
    failures.push(`${name} (build): ${b.out.trim().split('\n').find((l) => /error/.test(l)) ?? b.out.trim().split('\n')[0]}`);
    continue;
  }
  built++;
  const wasm = path.join(buildDir, `${name}.wasm`);
  const results = [await runWasiHost(name, spec, wasm, 'dir'), await runWasiHost(name, spec, wasm, 'memfs')];
  if (opts.wasmtime) results.push(await runWasmtime(name, spec, wasm));
  const cells = results.map((r, i) => {
    const v = verdict(spec, r);
    if (v === 'pass') counts[runtimes[i]]++;
    else if (opts.verbose) failures.push(`${name} (${runtimes[i]}): ${v}\n${r.out.trimEnd()}`);
    else failures.push(`${name} (${runtimes[i]}): ${v}: ${r.out.trim().split('\n')[0] ?? ''}`);
    return v;
  });
  rows.push([name, 'built', ...cells]);
}

const header = ['test', 'build', ...runtimes];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
console.log(`\nbuilt ${built}; passed: ${runtimes.map((r) => `${r} ${counts[r]}`).join(', ')}`);
if (failures.length > 0) console.log(`\n${failures.join('\n')}`);
if (opts.work === null) fs.rmSync(work, { recursive: true, force: true });
