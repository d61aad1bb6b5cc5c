#!/usr/bin/env node
// Builds bench/workloads/NAME.c into bench/workloads/NAME.wasm with clang and
// wasi-libc, with the same flags as the test fixtures (scripts/build-fixtures.mjs),
// and NAME.wat (threaded workloads, which this wasi-libc cannot build from C)
// with wabt, as scripts/build-wat-fixtures.mjs does.
// The .wasm files are committed, so `npm run bench` needs no C toolchain.
//
//   node bench/build.mjs            build every workload
//   node bench/build.mjs --check    build into a temp dir, compare with the committed files
//
// Environment: CLANG (default clang-19), WASI_SYSROOT (default /usr).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workloads');
const clang = process.env.CLANG || 'clang-19';
const sysroot = process.env.WASI_SYSROOT || '/usr';
const flags = ['--target=wasm32-wasi', `--sysroot=${sysroot}`, '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wl,--strip-debug'];
const check = process.argv.includes('--check');

const probe = spawnSync(clang, ['--version'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`bench:build: cannot run ${clang}; install it with: apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32`);
  process.exit(2);
}

const names = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
let bad = 0;

/** Writes `bytes` as bench/workloads/NAME.wasm, or with --check compares them with it. */
function emit(name, bytes) {
  const committed = path.join(dir, `${name}.wasm`);
  if (check) {
    const same = fs.existsSync(committed) && Buffer.compare(Buffer.from(bytes), fs.readFileSync(committed)) === 0;
    console.log(`${same ? 'same   ' : 'DIFFERS'} bench/workloads/${name}.wasm`);
    if (!same) bad++;
  } else {
    fs.writeFileSync(committed, bytes);
    console.log(`built   bench/workloads/${name}.wasm (${bytes.length} bytes)`);
  }
}

const wabt = await initWabt();
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
  const mod = wabt.parseWat(file, fs.readFileSync(path.join(dir, file), 'utf8'), { threads: true });
  try {
    // wabt's validate() ignores the features parseWat was given (shared memory fails it); the engine validates instead.
    const { buffer } = mod.toBinary({});
    if (!WebAssembly.validate(buffer)) {
      console.error(`FAILED  bench/workloads/${file}: not a valid module`);
      bad++;
    } else {
      emit(file.slice(0, -4), buffer);
    }
  } finally {
    mod.destroy();
  }
}

for (const name of names) {
  // Build under the final base name (it lands in the "name" section), then move into place.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${name}-`));
  const out = path.join(work, `${name}.wasm`);
  const r = spawnSync(clang, [...flags, '-o', out, path.join(dir, `${name}.c`)], { encoding: 'utf8' });
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0) {
    console.error(`FAILED  bench/workloads/${name}.c`);
    bad++;
  } else {
    emit(name, fs.readFileSync(out));
  }
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(bad > 0 ? 1 : 0);
