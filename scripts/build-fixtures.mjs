#!/usr/bin/env node
// Builds every wasi-fixtures/NAME.c into wasi-fixtures/NAME.wasm with clang
// and wasi-libc, every wasi-fixtures/NAME.rs with rustc (Rust's std for
// wasm32-wasi), and every wasi-fixtures/NAME.cpp with clang++ and LLVM's
// libc++. No dependencies beyond Node (and, for C++, @yowasp/clang).
//
//   node scripts/build-fixtures.mjs              build all fixtures
//   node scripts/build-fixtures.mjs hello argv   build only these
//   node scripts/build-fixtures.mjs rust_fs      (a name is a .c, .rs or .cpp)
//   node scripts/build-fixtures.mjs reactors/greet
//                                                (wasi-fixtures/reactors/*.c are
//                                                reactors: -mexec-model=reactor,
//                                                malloc and free exported; they
//                                                have no JSON, their tests call them)
//   node scripts/build-fixtures.mjs --check      build into a temp dir and
//                                                compare with the committed
//                                                .wasm files (exit 1 on any
//                                                difference)
//
// Environment:
//   CLANG          compiler to use (default: clang-19)
//   WASI_SYSROOT   sysroot holding wasi-libc (default: /usr, where Debian's
//                  wasi-libc package puts include/wasm32-wasi and
//                  lib/wasm32-wasi)
//   RUSTC          Rust compiler with the wasm32-wasi std (default:
//                  /usr/bin/rustc, Debian's rustc + libstd-rust-dev-wasm32;
//                  a rustup rustc on PATH often lacks that target)
//   YOWASP_CLANG   the @yowasp/clang package directory to build C++ with
//                  (default: node_modules/@yowasp/clang in this checkout)
//   CLANGXX        a native clang++ to use for C++ instead (its bytes differ
//                  from the committed ones); it must find, by itself or
//                  through WASI_SYSROOT, a wasm32-wasip1 libc++ built with
//                  std::filesystem and <fstream>, as wasi-sdk's is
//
// Each compiler is only needed when a fixture of its language is built.
//
// Output is byte-for-byte deterministic for a given clang + wasi-libc: the
// only build-dependent bytes are the module name in the "name" section, which
// is the output file's base name, so --check builds to the same base name in
// a temp directory. -Wl,--strip-debug drops the DWARF that libc.a carries
// (about 90% of the size) but keeps the "name" section so traps show function
// names.
//
// Rust fixtures are compiled from inside wasi-fixtures/ with the bare file
// name, so the source path that panic locations embed is the same in every
// checkout; -C strip=debuginfo drops std's DWARF (a hello is 5.8 MB with it,
// about 95 KB without) and keeps the "name" section, like the C flags.
//
// C++ fixtures are built with @yowasp/clang, an npm package holding clang,
// lld, a wasm32-wasip1 wasi-libc and libc++ (itself compiled to WebAssembly,
// so it runs in Node), pinned to one version. Debian's wasm32 libc++
// (libc++-19-dev-wasm32, and -22 likewise) is built without std::filesystem
// and <fstream>, which are what the C++ fixtures exist to exercise. Both
// libc++ builds lack exception support, so the fixtures are compiled with
// -fno-exceptions and use the std::error_code overloads. The source is handed
// to clang++ as NAME.cpp in its own virtual filesystem, so nothing of the
// checkout's path reaches the output.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = path.join(root, 'wasi-fixtures');
const clang = process.env.CLANG || 'clang-19';
const sysroot = process.env.WASI_SYSROOT || '/usr';
const rustc = process.env.RUSTC || '/usr/bin/rustc';
const rustFlags = ['--target', 'wasm32-wasi', '--edition', '2021', '-C', 'opt-level=2', '-C', 'debuginfo=0', '-C', 'strip=debuginfo'];
const yowaspVersion = '22.0.0-git20542-10';
const yowaspDir = process.env.YOWASP_CLANG || path.join(root, 'node_modules', '@yowasp', 'clang');
const clangxx = process.env.CLANGXX || null;
const cxxFlags = [
  '-std=c++23',
  '-O2',
  '-fno-exceptions',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-Wl,--strip-debug',
];
const flags = [
  '--target=wasm32-wasi',
  `--sysroot=${sysroot}`,
  '-O2',
  '-Wall',
  '-Wextra',
  '-Wno-unused-parameter',
  '-Wl,--strip-debug',
];

const argv = process.argv.slice(2);
const check = argv.includes('--check');
const unknown = argv.filter((a) => a.startsWith('-') && a !== '--check');
if (unknown.length > 0 || argv.includes('--help')) {
  console.error('usage: node scripts/build-fixtures.mjs [--check] [NAME...]');
  process.exit(unknown.length > 0 ? 2 : 0);
}
const wanted = argv.filter((a) => !a.startsWith('-')).map((a) => a.replace(/^wasi-fixtures\//, '').replace(/\.(c|rs|cpp|wasm|json)$/, ''));
const reactorsDir = path.join(fixturesDir, 'reactors');
/** Reactors are C only, and named "reactors/NAME". */
const isReactor = (name) => name.startsWith('reactors/');
// An embedder calls a reactor's exports and passes data in through its allocator.
const reactorFlags = ['-mexec-model=reactor', '-Wl,--export=malloc', '-Wl,--export=free'];

/** Fixture name -> its source's language, from the NAME.c, NAME.rs and NAME.cpp files. */
const langOf = new Map();
for (const f of fs.readdirSync(fixturesDir).sort()) {
  const m = /^(.*)\.(c|rs|cpp)$/.exec(f);
  if (m === null) continue;
  if (langOf.has(m[1])) {
    console.error(`build-fixtures: wasi-fixtures/${m[1]} has both a .${langOf.get(m[1])} and a .${m[2]} source`);
    process.exit(2);
  }
  langOf.set(m[1], m[2]);
}
if (fs.existsSync(reactorsDir)) {
  for (const f of fs.readdirSync(reactorsDir).sort()) if (f.endsWith('.c')) langOf.set(`reactors/${f.slice(0, -2)}`, 'c');
}
// Commands for the porter's modes (test/porter.test.ts), C only, named "porter/NAME": kept out of
// the suites that run every fixture, because their output is meant to vary (times) or to misuse the host.
const porterDir = path.join(fixturesDir, 'porter');
if (fs.existsSync(porterDir)) {
  for (const f of fs.readdirSync(porterDir).sort()) if (f.endsWith('.c')) langOf.set(`porter/${f.slice(0, -2)}`, 'c');
}
const allSources = [...langOf.keys()].sort();
for (const w of wanted) {
  if (!allSources.includes(w)) {
    console.error(`build-fixtures: no such fixture: wasi-fixtures/${w}.c, ${w}.rs or ${w}.cpp`);
    process.exit(2);
  }
}
const names = wanted.length > 0 ? wanted : allSources;

function run(cmd, args, cwd = undefined) {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    } catch (e) {
      resolve({ code: -1, out: String(e) });
      return;
    }
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ code: -1, out: String(e), spawnError: e }));
    child.on('close', (code) => resolve({ code, out }));
  });
}

// Fail early, with a clear message, when a needed compiler is missing.
const langs = new Set(names.map((n) => langOf.get(n)));
if (langs.has('c')) {
  const probe = await run(clang, ['--version']);
  if (probe.code !== 0) {
    console.error(`build-fixtures: cannot run ${clang} (${probe.out.trim()})`);
    console.error(
      'build-fixtures: install it with: apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32',
    );
    console.error('build-fixtures: or point CLANG at another clang with wasm32-wasi support');
    process.exit(2);
  }
}
if (langs.has('rs')) {
  // A rustc without the wasm32-wasi std still runs, so probe the std itself.
  const probe = await run(rustc, ['--version']);
  let problem = probe.code !== 0 ? `cannot run ${rustc} (${probe.out.trim()})` : null;
  if (problem === null) {
    const sysroot = (await run(rustc, ['--print', 'sysroot'])).out.trim();
    const std = path.join(sysroot, 'lib', 'rustlib', 'wasm32-wasi', 'lib');
    if (!fs.existsSync(std)) problem = `${rustc} (${probe.out.trim()}) has no wasm32-wasi std (no ${std})`;
  }
  if (problem !== null) {
    console.error(`build-fixtures: ${problem}`);
    console.error('build-fixtures: install it with: apt-get install -y rustc libstd-rust-dev-wasm32');
    console.error('build-fixtures: or point RUSTC at another rustc with the wasm32-wasi target installed');
    process.exit(2);
  }
}
/** How C++ is compiled: runClang from @yowasp/clang, or null when CLANGXX is set. */
let yowasp = null;
if (langs.has('cpp') && clangxx !== null) {
  // A clang++ whose libc++ lacks std::filesystem still compiles most things,
  // so probe the headers the fixtures need.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fixture-cxx-probe-'));
  fs.writeFileSync(
    path.join(work, 'probe.cpp'),
    '#include <filesystem>\n#include <fstream>\n' +
      'int main() { std::error_code ec; (void)std::filesystem::status(".", ec); std::ifstream f("x"); }\n',
  );
  const compileFlags = cxxFlags.filter((f) => !f.startsWith('-Wl,'));
  const probe = await run(clangxx, ['--target=wasm32-wasip1', ...sysrootFlag(), ...compileFlags, '-fsyntax-only', path.join(work, 'probe.cpp')]);
  fs.rmSync(work, { recursive: true, force: true });
  if (probe.code !== 0) {
    console.error(`build-fixtures: ${clangxx} cannot compile std::filesystem and <fstream> for wasm32-wasip1:`);
    console.error(probe.out.trimEnd().split('\n').slice(0, 6).join('\n'));
    console.error("build-fixtures: Debian's libc++-19-dev-wasm32 is built without them; use wasi-sdk's clang++,");
    console.error('build-fixtures: or unset CLANGXX to build with @yowasp/clang');
    process.exit(2);
  }
} else if (langs.has('cpp')) {
  const pkg = path.join(yowaspDir, 'package.json');
  let problem = null;
  if (!fs.existsSync(pkg)) problem = `no @yowasp/clang at ${yowaspDir}`;
  else {
    const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
    if (version !== yowaspVersion) {
      console.error(`build-fixtures: warning: @yowasp/clang ${version} at ${yowaspDir}; the committed C++ fixtures come from ${yowaspVersion}`);
    }
    const mod = await import(pathToFileURL(path.join(yowaspDir, 'gen', 'bundle.js')).href);
    // Load its resources once, quietly (a first runClang would print progress).
    await mod.runLLVM(null, {}, { fetchProgress: () => {} });
    yowasp = mod.runClang;
  }
  if (problem !== null) {
    console.error(`build-fixtures: ${problem}`);
    console.error(`build-fixtures: install it with: npm install --no-save @yowasp/clang@${yowaspVersion}`);
    console.error('build-fixtures: (or install it elsewhere and set YOWASP_CLANG to its package directory,');
    console.error("build-fixtures: or set CLANGXX to a clang++ whose wasm32 libc++ has std::filesystem)");
    process.exit(2);
  }
}

function sysrootFlag() {
  return process.env.WASI_SYSROOT ? [`--sysroot=${process.env.WASI_SYSROOT}`] : [];
}

/** Compiles NAME.cpp with @yowasp/clang, in its own virtual filesystem, into outPath. */
async function runYowasp(name, outPath) {
  let out = '';
  const collect = (bytes) => {
    if (bytes) out += Buffer.from(bytes).toString('utf8');
  };
  try {
    const files = await yowasp(
      ['clang++', '--target=wasm32-wasip1', ...cxxFlags, '-o', `${name}.wasm`, `${name}.cpp`],
      { [`${name}.cpp`]: fs.readFileSync(path.join(fixturesDir, `${name}.cpp`)) },
      { stdout: collect, stderr: collect },
    );
    fs.writeFileSync(outPath, files[`${name}.wasm`]);
    return { code: 0, out };
  } catch (e) {
    return { code: typeof e.code === 'number' ? e.code : -1, out: out || String(e) };
  }
}

const outDir = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-fixtures-')) : fixturesDir;
fs.mkdirSync(path.join(outDir, 'reactors'), { recursive: true });
fs.mkdirSync(path.join(outDir, 'porter'), { recursive: true });

async function build(name) {
  const lang = langOf.get(name);
  const src = path.join(fixturesDir, `${name}.${lang}`);
  const out = path.join(outDir, `${name}.wasm`);
  // Compile in a private temp dir, then copy into place, so a failed build
  // never leaves a half-written .wasm behind. The temp file keeps the final
  // base name because it is embedded in the "name" section.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `fixture-${path.basename(name)}-`));
  const tmpOut = path.join(work, `${path.basename(name)}.wasm`);
  try {
    const r =
      lang === 'rs'
        ? await run(rustc, [...rustFlags, '-o', tmpOut, `${name}.rs`], fixturesDir)
        : lang === 'cpp' && yowasp !== null
          ? await runYowasp(name, tmpOut)
          : lang === 'cpp'
            ? await run(clangxx, ['--target=wasm32-wasip1', ...sysrootFlag(), ...cxxFlags, '-o', tmpOut, src])
            : await run(clang, [...flags, ...(isReactor(name) ? reactorFlags : []), '-o', tmpOut, src]);
    if (r.code !== 0) return { name, ok: false, log: r.out };
    fs.copyFileSync(tmpOut, out);
    return { name, ok: true, log: r.out, size: fs.statSync(out).size };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Build with as many parallel compiles as there are cores.
const results = [];
const queue = [...names];
const workers = Array.from({ length: Math.max(1, Math.min(os.availableParallelism?.() ?? 2, queue.length)) }, async () => {
  while (queue.length > 0) results.push(await build(queue.shift()));
});
await Promise.all(workers);
results.sort((a, b) => a.name.localeCompare(b.name));

let failed = 0;
for (const r of results) {
  if (!r.ok) {
    failed++;
    console.error(`FAILED  ${r.name}.${langOf.get(r.name)}`);
    console.error(r.log.trimEnd());
    continue;
  }
  if (r.log.trim()) console.error(r.log.trimEnd());
  if (!check) console.log(`built   wasi-fixtures/${r.name}.wasm (${r.size} bytes)`);
}
for (const name of names) {
  if (!isReactor(name) && !name.startsWith('porter/') && !fs.existsSync(path.join(fixturesDir, `${name}.json`))) {
    console.error(`warning: wasi-fixtures/${name}.json is missing (every fixture needs one)`);
  }
}

let differ = 0;
if (check) {
  for (const r of results) {
    if (!r.ok) continue;
    const built = fs.readFileSync(path.join(outDir, `${r.name}.wasm`));
    const committedPath = path.join(fixturesDir, `${r.name}.wasm`);
    if (!fs.existsSync(committedPath)) {
      differ++;
      console.log(`MISSING wasi-fixtures/${r.name}.wasm (not committed; run: npm run fixtures)`);
      continue;
    }
    const committed = fs.readFileSync(committedPath);
    if (Buffer.compare(built, committed) === 0) {
      console.log(`same    wasi-fixtures/${r.name}.wasm (${built.length} bytes)`);
      continue;
    }
    differ++;
    let at = 0;
    while (at < built.length && at < committed.length && built[at] === committed[at]) at++;
    console.log(
      `DIFFERS wasi-fixtures/${r.name}.wasm: committed ${committed.length} bytes, built ${built.length} bytes, first difference at byte ${at}`,
    );
  }
  if (wanted.length === 0) {
    for (const f of fs.readdirSync(fixturesDir).filter((f) => f.endsWith('.wasm'))) {
      if (!allSources.includes(f.slice(0, -5))) {
        differ++;
        console.log(`STALE   wasi-fixtures/${f} has no ${f.slice(0, -5)}.c, .rs or .cpp`);
      }
    }
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  if (differ > 0) {
    const vers = [];
    if (langs.has('c')) vers.push((await run(clang, ['--version'])).out.split('\n')[0]);
    if (langs.has('rs')) vers.push((await run(rustc, ['--version'])).out.split('\n')[0]);
    if (langs.has('cpp') && clangxx !== null) vers.push((await run(clangxx, ['--version'])).out.split('\n')[0]);
    if (langs.has('cpp') && yowasp !== null) {
      vers.push(`@yowasp/clang ${JSON.parse(fs.readFileSync(path.join(yowaspDir, 'package.json'), 'utf8')).version}`);
    }
    console.log(`${differ} fixture(s) differ from the committed bytes (compilers: ${vers.join('; ')})`);
    console.log('a different clang, wasi-libc, rustc or @yowasp/clang version also changes the bytes; rebuild with: npm run fixtures');
  }
}

if (failed > 0) console.error(`${failed} fixture(s) failed to compile`);
process.exit(failed > 0 || differ > 0 ? 1 : 0);
