// One cold run of a row's guest in this fresh process, for bench/instructions.mjs
// (which runs this file under valgrind's callgrind, twice: with a few
// iterations and with many, so the difference is the row's own work).
//
//   node --single-threaded bench/instructions-child.mjs ROW RUNTIME DIST COUNT
//
// ROW: read_threads_0 (COUNT × open + read 4 KiB + close of one file, the
// bench row's guest and shared memory), open_stat (COUNT × open + fstat +
// close over 1,000 empty files) or cold_start (COUNT 0: nothing, not even the
// runtime's import; 1: the import and one run of the empty program, with an
// empty preopen, as the bench's cold_start row) or startup (COUNT runs of the
// empty program, each on a fresh host, as the bench's startup row). RUNTIME:
// memfs (wasi-host's MemFS), node (node:wasi on a host directory), host
// (wasi-host on a host directory) or shim (browser_wasi_shim). Exits non-zero
// if the guest does.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [row, runtime, dist, countArg] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const count = String(Number(countArg));

/** The row's guest, its arguments, its files (guest path under the preopen → bytes) and whether it imports a shared memory. */
function rowSpec() {
  if (row === 'read_threads_0') {
    return { wasm: 'read_threads', args: ['read_threads', '0', count], files: { 'data.bin': new Uint8Array(4096).fill(7) }, shared: true };
  }
  if (row === 'cold_start') {
    if (count === '0') process.exit(0);
    return { wasm: 'empty', args: ['empty'], files: {}, shared: false };
  }
  // COUNT fresh hosts, each instantiating and running the empty program (the bench's startup row).
  if (row === 'startup') return { wasm: 'empty', args: ['empty'], files: {}, shared: false };
  if (row === 'open_stat') {
    const files = {};
    for (let i = 0; i < 1000; i++) files[`dir/f${String(i).padStart(5, '0')}`] = new Uint8Array(0);
    return { wasm: 'open_stat', args: ['open_stat', '/in/dir', '1000', count], files, shared: false };
  }
  throw new Error(`unknown row ${row}: read_threads_0, open_stat, cold_start or startup`);
}

const spec = rowSpec();
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', `${spec.wasm}.wasm`)));
const memory = spec.shared ? new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true }) : undefined;
const extra = memory === undefined ? {} : { env: { memory }, wasi: { 'thread-spawn': () => -1 } };
// read_threads opens "data.bin" under the first preopen, open_stat names /in/dir.
const mount = '/in';

/**
 * A run of the guest on a fresh host of the runtime's over the row's files
 * (the files are made once: an in-memory tree is shared by the runs, a host
 * directory is the same directory), as bench/child.mjs builds its hosts.
 */
let run;
if (runtime === 'shim') {
  const { WASI, File, Directory, OpenFile, PreopenDirectory, ConsoleStdout } = await import('@bjorn3/browser_wasi_shim');
  const root = new Map();
  for (const [name, bytes] of Object.entries(spec.files)) {
    const parts = name.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) {
      if (!dir.has(p)) dir.set(p, new Directory(new Map()));
      dir = dir.get(p).contents;
    }
    dir.set(parts[parts.length - 1], new File(bytes.slice().buffer));
  }
  run = () => {
    const fds = [new OpenFile(new File(new ArrayBuffer(0))), new ConsoleStdout(() => {}), new ConsoleStdout(() => {}), new PreopenDirectory(mount, root)];
    const wasi = new WASI(spec.args, [], fds, { debug: false });
    return wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, ...extra }));
  };
} else {
  let dir;
  if (runtime === 'host' || runtime === 'node') {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-instr-'));
    for (const [name, bytes] of Object.entries(spec.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  } else if (runtime !== 'memfs') {
    throw new Error(`unknown runtime ${runtime}: memfs, host, node or shim`);
  }
  if (runtime === 'node') {
    const { WASI } = await import('node:wasi');
    run = () => {
      const wasi = new WASI({ version: 'preview1', args: spec.args, env: {}, preopens: { [mount]: dir }, returnOnExit: true });
      return wasi.start(new WebAssembly.Instance(module, { ...wasi.getImportObject(), ...extra }));
    };
  } else {
    const { WASI, MemFS } = await import(pathToFileURL(path.join(path.resolve(dist), 'index.js')).href);
    // The startup row makes an empty MemFS per run, as the bench does; the others share one tree.
    const tree = runtime === 'memfs' && row !== 'startup' ? new MemFS(spec.files) : undefined;
    run = () => {
      const preopen = runtime === 'host' ? dir : tree ?? new MemFS();
      const wasi = new WASI({ version: 'preview1', args: spec.args, env: {}, preopens: { [mount]: preopen }, returnOnExit: true, memory, stdout: 'ignore' });
      return wasi.start(new WebAssembly.Instance(module, { ...wasi.getImportObject(), ...extra }));
    };
  }
}
// The startup row is `count` runs, each on a fresh host; the others one run of `count` iterations.
for (let i = 0, runs = row === 'startup' ? Number(count) : 1; i < runs; i++) {
  const status = run();
  if (status !== 0) {
    console.error(`${row} under ${runtime}: exit status ${status}`);
    process.exit(1);
  }
}
