// One measurement: runs one workload under one runtime in this (fresh)
// process, then reports on fd 3 as JSON: { ms, peakKiB, preDataKiB, exitCode }.
// The guest's stdout goes to our stdout, where the runner compares it across
// runtimes. Started by bench/run.mjs as
//   node --expose-gc --no-warnings bench/child.mjs '<spec json>'
//
// Timed: constructing the runtime's WASI object, instantiating the (already
// compiled) module and running _start (for a threaded workload, startThreaded
// until it settles, its Workers' start-up included); for the startup workload, all of that
// `iterations` times. Not timed: process start, imports (but for the cold_start workload,
// whose clock starts before the runtime's import), compiling the module,
// loading inputs into memory for the in-memory runtimes, removing outputs.
//
// Peak memory: after setup we collect garbage until RSS settles and reset the
// kernel's high-water mark (/proc/self/clear_refs), so the peak is that of the
// run itself plus whatever the setup left resident (the in-memory inputs).
// Where that is unavailable, process.resourceUsage().maxRSS (the whole process).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(process.argv[2]);
const { runtime, wasm, args, mounts, iterations = 1, warmup = 0, hostOptions = {}, sharedPages, threaded = false, timeImport = false } = spec;

/**
 * What a workload that imports a shared memory (env.memory, `sharedPages`
 * pages) needs besides WASI: a fresh memory per run, and for the runtimes
 * that have no wasi-threads a thread-spawn that fails (the unthreaded row
 * never calls it).
 */
function sharedImports() {
  if (sharedPages === undefined) return { memory: undefined, imports: {} };
  const memory = new WebAssembly.Memory({ initial: sharedPages, maximum: sharedPages, shared: true });
  return { memory, imports: { env: { memory }, wasi: { 'thread-spawn': () => -1 } } };
}

function readKiB(field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function resetPeak() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Collects garbage until RSS stops falling: V8 releases large buffers a little after the GC that finds them. */
async function settle() {
  let last = Infinity;
  for (let i = 0; i < 50; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 10));
    const rss = readKiB('VmRSS');
    if (rss === undefined || Math.abs(last - rss) < 1024) return;
    last = rss;
  }
}

// ---- in-memory copies of the inputs (memfs and browser_wasi_shim) ----

/** Every file under dir as [relative path, bytes or null for a directory]. */
function walk(dir, rel = '', out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      out.push([r, null]);
      walk(path.join(dir, e.name), r, out);
    } else {
      out.push([r, fs.readFileSync(path.join(dir, e.name))]);
    }
  }
  return out;
}

/** Everything in one mount's host directory, to load into an in-memory filesystem. */
function entriesOf(m) {
  return walk(m.host);
}

/** An ArrayBuffer holding exactly these bytes (no copy when the Buffer owns its whole buffer). */
function ownBuffer(b) {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

// ---- runtimes: each returns run(), which builds a fresh host and runs the module once ----

async function setupNodeWasi(module) {
  const { WASI } = await import('node:wasi');
  const preopens = Object.fromEntries(mounts.map((m) => [m.guest, m.host]));
  return () => {
    const wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true });
    const instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), ...sharedImports().imports });
    return wasi.start(instance);
  };
}

async function setupWasiHost(module, memory) {
  const { WASI, MemFS } = await import(pathToFileURL(path.join(spec.dist, 'index.js')).href);
  let preopens;
  if (memory) {
    // The startup workload gets a fresh empty MemFS per iteration inside the
    // timed loop, as the other runtimes build their preopens per iteration.
    if (iterations > 1) {
      return () => {
        const fresh = Object.fromEntries(mounts.map((m) => [m.guest, new MemFS()]));
        const wasi = new WASI({ version: 'preview1', args, env: {}, preopens: fresh, returnOnExit: true });
        return wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
      };
    }
    // Otherwise one MemFS per mount, seeded with the inputs before timing.
    preDataKiB = readKiB('VmRSS');
    preopens = Object.fromEntries(mounts.map((m) => {
      const seed = {};
      for (const [rel, data] of entriesOf(m)) seed[data === null ? `${rel}/` : rel] = data;
      return [m.guest, new MemFS(seed)];
    }));
  } else {
    preopens = Object.fromEntries(mounts.map((m) => [m.guest, m.host]));
  }
  return () => {
    const { memory: shared, imports } = sharedImports();
    const wasi = new WASI({ version: 'preview1', args, env: {}, preopens, returnOnExit: true, memory: shared, ...hostOptions });
    // A threaded run resolves once every thread's Worker has stopped.
    if (threaded) return wasi.startThreaded(module);
    const instance = new WebAssembly.Instance(module, { ...wasi.getImportObject(), ...imports });
    return wasi.start(instance);
  };
}

async function setupShim(module) {
  const shim = await import('@bjorn3/browser_wasi_shim');
  const { WASI, File, Directory, OpenFile, PreopenDirectory, ConsoleStdout } = shim;
  const out = [];
  const err = [];
  /** A Directory tree for one mount, built from the host copy. */
  const treeOf = (m) => {
    const root = new Map();
    const dirs = new Map([['', root]]);
    for (const [rel, data] of entriesOf(m)) {
      const cut = rel.lastIndexOf('/');
      const parent = dirs.get(cut < 0 ? '' : rel.slice(0, cut));
      const name = rel.slice(cut + 1);
      if (data === null) {
        const contents = new Map();
        dirs.set(rel, contents);
        parent.set(name, contents);
      } else {
        parent.set(name, new File(ownBuffer(data)));
      }
    }
    // Directories are built bottom-up from the Maps once every child is known.
    const build = (contents) => {
      for (const [k, v] of contents) if (v instanceof Map) contents.set(k, build(v));
      return new Directory(contents);
    };
    return build(root).contents;
  };
  preDataKiB = readKiB('VmRSS');
  const trees = iterations > 1 ? undefined : mounts.map((m) => [m.guest, treeOf(m)]);
  const run = () => {
    const fds = [
      new OpenFile(new File(new ArrayBuffer(0))),
      new ConsoleStdout((b) => out.push(b.slice())),
      new ConsoleStdout((b) => err.push(b.slice())),
      ...(trees ?? mounts.map((m) => [m.guest, new Map()])).map(([guest, contents]) => new PreopenDirectory(guest, contents)),
    ];
    // debug defaults to on (debug.enable(undefined) enables it): turn the logging off.
    const wasi = new WASI(args, [], fds, { debug: false });
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, ...sharedImports().imports });
    return wasi.start(instance);
  };
  run.flush = () => {
    for (const b of out) fs.writeSync(1, b);
    for (const b of err) fs.writeSync(2, b);
  };
  return run;
}

let preDataKiB;
const module = new WebAssembly.Module(fs.readFileSync(wasm));
// The cold_start row times from here: the runtime's import is in its setup.
const tImport = performance.now();
let run;
switch (runtime) {
  case 'node:wasi': run = await setupNodeWasi(module); break;
  case 'wasi-host': run = await setupWasiHost(module, false); break;
  case 'wasi-host-memfs': run = await setupWasiHost(module, true); break;
  case 'browser_wasi_shim': run = await setupShim(module); break;
  default: throw new Error(`unknown runtime ${runtime}`);
}

preDataKiB ??= readKiB('VmRSS');
// Untimed runs first (bench/startup-row-ab.mjs --warmup): the runtime's JS is then compiled when the clock starts.
for (let i = 0; i < warmup; i++) await run();
// No settling for cold_start: its clock is already running.
if (!timeImport) await settle();
const reset = !timeImport && resetPeak();
const t0 = timeImport ? tImport : performance.now();
let exitCode = 0;
for (let i = 0; i < iterations && exitCode === 0; i++) exitCode = await run();
const ms = performance.now() - t0;
const peakKiB = (reset ? readKiB('VmHWM') : undefined) ?? process.resourceUsage().maxRSS;
run.flush?.();
fs.writeSync(3, JSON.stringify({ ms, peakKiB, preDataKiB, exitCode, peakScope: reset ? 'run' : 'process' }) + '\n');
