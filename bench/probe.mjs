// One probe of the limits table (bench/run.mjs): the JS calls a row's work
// needs at the least, with no WASI host around them, timed in this (fresh)
// process like bench/child.mjs times a run. Reports on fd 3 as JSON: { ms }.
//
//   node --no-warnings bench/probe.mjs '<spec json>'
//   spec: { probe, count, dir?, work?, wasm? }
//
// Probes:
//   writesync_file    count × fs.writeSync of 32 bytes to a new file in `work`,
//                     at an explicit position, as NodeFS writes (src/vfs/node.ts)
//   writesync_stdout  count × fs.writeSync of 32 bytes to fd 1 (the runner
//                     makes fd 1 a file), as the stdio stream does (src/platform/node.ts)
//   fdwrite_file_floor   the write_small guest (`wasm`, `count` writes to
//                     /data/out.bin, `work` preopened as /data) under
//                     wasi-host with the least JS fd_write
//                     (bench/least-fd-write.mjs; `dist` is wasi-host's): the
//                     floor for any JS host of the row write_small
//   fdwrite_stdout_floor the same writing to stdout, fd 1 (a file): the row write_stdout
//   clock_floor       count × a wasm loop calling an imported
//                     clock_time_get(id, precision, ptr) that reads the
//                     cheapest monotonic clock and stores the i64 at ptr: the
//                     least a JS import can do for that call. Two readers are
//                     timed (process.hrtime.bigint(), performance.now()) and
//                     the faster reported.
//   randomfill_floor  count × crypto.randomFillSync of `size` bytes into a view
//                     of a wasm memory: what random_get of a large buffer
//                     costs at the least in Node (the row random_big)
//   instantiate_floor count × new WebAssembly.Instance of `wasm` with an import
//                     object of no-op functions
//   startup_floor     count × what the startup row's host must do at the least
//                     (startupFloor below): a fresh per-run import object of
//                     closures over per-run state, answering the calls a
//                     wasi-libc command's start-up may make (args and environ
//                     sizes, the prestat loop over one preopen, proc_exit by
//                     throwing), new WebAssembly.Instance, _start in a
//                     try/catch that takes the exit code. empty.wasm imports
//                     only proc_exit and calls nothing: the rest are the least
//                     any host answering a libc program has per run anyway.
//   startup_dir_floor startup_floor with a host directory for the preopen:
//                     each run first realpaths it (fs.realpathSync.native of
//                     `dir`/), the check wasi-host's NodeFS and node:wasi's
//                     uvwasi both make when a host is constructed
//   openat_floor      count × the five calls wasi-host's host-directory open
//                     of dir/fNNNNN made before issue 14 part 5: lstat of the
//                     directory by path, lstat and open(O_NOFOLLOW) of the
//                     name through /proc/self/fd/N, fstat (bigint), close
//   openfirst_floor   the five it makes now (src/vfs/node.ts openFile): lstat
//                     of the directory by path, open(O_NOFOLLOW|O_NONBLOCK|
//                     O_NOCTTY) of the name through /proc/self/fd/N, fstat
//                     (number mode since issue 14 part 6: what was opened), the
//                     guest's fstat (bigint), close
//   open3_floor       open, fstat, close: what is left with no lookup before
//                     the open (wasi-host makes these and the guest's fstat for a name in the preopen itself)

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { leastFdWriteRun } from './least-fd-write.mjs';

const spec = JSON.parse(process.argv[2]);
const { probe, count } = spec;

/** A module with `run(n)` calling the imported clock_time_get n times into memory at 8 (written as bytes: no wat2wasm needed). */
function clockLoopModule() {
  // (module
  //   (import "wasi_snapshot_preview1" "clock_time_get" (func $c (param i32 i64 i32) (result i32)))
  //   (memory (export "memory") 1)
  //   (func (export "run") (param $n i32) (local $i i32)
  //     (block (loop
  //       (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
  //       (drop (call $c (i32.const 1) (i64.const 1) (i32.const 8)))
  //       (local.set $i (i32.add (local.get $i) (i32.const 1)))
  //       (br 0)))))
  const str = (s) => [s.length, ...Buffer.from(s)];
  const section = (id, body) => [id, body.length, ...body];
  const types = section(1, [2, 0x60, 3, 0x7f, 0x7e, 0x7f, 1, 0x7f, 0x60, 1, 0x7f, 0]);
  const imports = section(2, [1, ...str('wasi_snapshot_preview1'), ...str('clock_time_get'), 0, 0]);
  const funcs = section(3, [1, 1]);
  const memory = section(5, [1, 0, 1]);
  const exports = section(7, [2, ...str('memory'), 2, 0, ...str('run'), 0, 1]);
  const body = [
    1, 1, 0x7f, // one local i32
    0x02, 0x40, 0x03, 0x40,
    0x20, 1, 0x20, 0, 0x4f, 0x0d, 1, // br_if 1 (i >= n)
    0x41, 1, 0x42, 1, 0x41, 8, 0x10, 0, 0x1a, // drop (call 0 (1, 1n, 8))
    0x20, 1, 0x41, 1, 0x6a, 0x21, 1, // i += 1
    0x0c, 0, 0x0b, 0x0b, 0x0b,
  ];
  const code = section(10, [1, body.length, ...body]);
  return new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...types, ...imports, ...funcs, ...memory, ...exports, ...code]));
}

/**
 * ms for count calls of the loop with the import `make(memory)` builds (a
 * fresh instance each). Each floor is its own function, so no call site in it
 * sees more than one reader.
 */
function clockRun(make) {
  const holder = { memory: undefined };
  const imports = { wasi_snapshot_preview1: { clock_time_get: make(holder) } };
  const instance = new WebAssembly.Instance(clockLoopModule(), imports);
  holder.memory = instance.exports.memory;
  const t0 = performance.now();
  instance.exports.run(count);
  return performance.now() - t0;
}

// A host must re-derive its view after memory.grow (which detaches the old buffer, length 0): a
// length test per call, not the memory.buffer getter, which costs more than the clock itself.
const CLOCK_FLOORS = [
  (holder) => {
    let view = new DataView(new ArrayBuffer(0));
    return (id, precision, ptr) => {
      if (ptr + 8 > view.byteLength) view = new DataView(holder.memory.buffer);
      view.setBigUint64(ptr, process.hrtime.bigint(), true);
      return 0;
    };
  },
  (holder) => {
    let view = new DataView(new ArrayBuffer(0));
    return (id, precision, ptr) => {
      if (ptr + 8 > view.byteLength) view = new DataView(holder.memory.buffer);
      const ns = Math.round(performance.now() * 1e6);
      const lo = ns % 4294967296;
      view.setUint32(ptr, lo, true);
      view.setUint32(ptr + 4, (ns - lo) / 4294967296, true);
      return 0;
    };
  },
];

function noOpImports(module) {
  const ns = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') throw new Error(`probe: ${imp.module}.${imp.name} is a ${imp.kind}`);
    (ns[imp.module] ??= {})[imp.name] = () => 0;
  }
  return ns;
}

/** proc_exit's unwinding: a plain object, not an Error (no stack to capture). */
class Exit {
  constructor(code) {
    this.code = code;
  }
}

/**
 * ms for count runs of `wasm` each with a fresh minimal host: the per-run
 * state (argv, environ, preopen names, the instance's memory) and one closure
 * per import over it, as a WASI host bound to one instance must make. Views
 * are made on the first call that needs memory (none, for empty.wasm).
 */
function startupFloor() {
  const module = new WebAssembly.Module(fs.readFileSync(spec.wasm));
  const utf8 = new TextEncoder();
  const host = (args, env, preopens) => {
    const s = { memory: undefined, view: undefined };
    const mem = () => (s.view !== undefined && s.view.buffer === s.memory.buffer ? s.view : (s.view = new DataView(s.memory.buffer)));
    const sizes = (list) => (countPtr, bytesPtr) => {
      const v = mem();
      let bytes = 0;
      for (const x of list) bytes += utf8.encode(x).length + 1;
      v.setUint32(countPtr, list.length, true);
      v.setUint32(bytesPtr, bytes, true);
      return 0;
    };
    const imports = {
      wasi_snapshot_preview1: {
        args_sizes_get: sizes(args),
        environ_sizes_get: sizes(env),
        fd_prestat_get: (fd, ptr) => {
          const name = preopens[fd - 3];
          if (name === undefined) return 8; // EBADF ends libc's loop
          const v = mem();
          v.setUint32(ptr, 0, true);
          v.setUint32(ptr + 4, utf8.encode(name).length, true);
          return 0;
        },
        fd_prestat_dir_name: (fd, ptr, len) => {
          const name = preopens[fd - 3];
          if (name === undefined) return 8;
          new Uint8Array(s.memory.buffer, ptr, len).set(utf8.encode(name).subarray(0, len));
          return 0;
        },
        proc_exit: (code) => {
          throw new Exit(code);
        },
      },
    };
    return { s, imports };
  };
  // startup_dir_floor: each host checks its preopen, a host directory, as the row's hosts do at
  // construction (wasi-host and node:wasi both realpath it; a bad one fails there, not at first use).
  const dir = spec.dir === undefined ? undefined : `${spec.dir}/`;
  const t0 = performance.now();
  let exits = 0;
  for (let i = 0; i < count; i++) {
    if (dir !== undefined) fs.realpathSync.native(dir);
    const { s, imports } = host(['x'], [], ['/data']);
    const instance = new WebAssembly.Instance(module, imports);
    s.memory = instance.exports.memory;
    try {
      instance.exports._start();
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
    }
    exits++;
  }
  const ms = performance.now() - t0;
  if (exits !== count) throw new Error('probe: a run did not finish');
  return ms;
}

const C = fs.constants;
const O_PATH = 0o10000000;
const names = (n) => Array.from({ length: Math.max(1, n) }, (_, i) => `f${String(i).padStart(5, '0')}`);

/** `calls`: 5 (lstat dir, lstat name, open, fstat, close), 4 (open first: lstat dir, open, fstat, fstat) or 3 (open, fstat, close). */
function openFloor(calls) {
  const nfiles = spec.nfiles;
  const list = names(nfiles);
  const dirPath = spec.dir;
  const held = fs.openSync(dirPath, O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW);
  const paths = list.map((name) => `/proc/self/fd/${held}/${name}`);
  let regular = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const p = paths[i % list.length];
    if (calls >= 4) fs.lstatSync(dirPath, { throwIfNoEntry: false });
    if (calls === 5) fs.lstatSync(p, { throwIfNoEntry: false });
    const fd = fs.openSync(p, calls === 5 ? C.O_RDONLY | C.O_NOFOLLOW : C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY);
    // wasi-host asks the open's fstat in number mode (the kind only); the part 3 probe asked bigint.
    if ((calls === 4 ? fs.fstatSync(fd) : fs.fstatSync(fd, { bigint: true })).isFile()) regular++;
    if (calls === 4) fs.fstatSync(fd, { bigint: true });
    fs.closeSync(fd);
  }
  const ms = performance.now() - t0;
  if (regular !== count) throw new Error(`probe: ${regular} of ${count} opens found a file`);
  return ms;
}

let ms;
switch (probe) {
  case 'writesync_file': {
    const buf = Buffer.alloc(32, 'x');
    const fd = fs.openSync(path.join(spec.work, 'probe.bin'), 'w');
    const t0 = performance.now();
    for (let i = 0, at = 0; i < count; i++, at += 32) fs.writeSync(fd, buf, 0, 32, at);
    ms = performance.now() - t0;
    fs.closeSync(fd);
    break;
  }
  case 'writesync_stdout': {
    const buf = Buffer.alloc(32, 'x');
    const t0 = performance.now();
    for (let i = 0; i < count; i++) fs.writeSync(1, buf, 0, 32);
    ms = performance.now() - t0;
    break;
  }
  case 'fdwrite_file_floor':
  case 'fdwrite_stdout_floor': {
    const { WASI } = await import(pathToFileURL(path.join(spec.dist, 'index.js')).href);
    const module = new WebAssembly.Module(fs.readFileSync(spec.wasm));
    const toStdout = probe === 'fdwrite_stdout_floor';
    const t0 = performance.now();
    const status = leastFdWriteRun({ WASI, module, dir: spec.work, mount: '/data', guestPath: '/data/out.bin', count, stdoutFd: toStdout ? 1 : undefined });
    ms = performance.now() - t0;
    if (status !== 0) throw new Error(`probe: the guest exited with ${status}`);
    break;
  }
  case 'clock_floor': ms = Math.min(...CLOCK_FLOORS.map(clockRun)); break;
  case 'instantiate_floor': {
    const module = new WebAssembly.Module(fs.readFileSync(spec.wasm));
    const imports = noOpImports(module);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) new WebAssembly.Instance(module, imports);
    ms = performance.now() - t0;
    break;
  }
  case 'randomfill_floor': {
    const { randomFillSync } = await import('node:crypto');
    const view = new Uint8Array(new WebAssembly.Memory({ initial: Math.ceil(spec.size / 65536) + 1 }).buffer, 16, spec.size);
    const t0 = performance.now();
    for (let i = 0; i < count; i++) randomFillSync(view);
    ms = performance.now() - t0;
    break;
  }
  case 'startup_floor':
  case 'startup_dir_floor': ms = startupFloor(); break;
  case 'openat_floor': ms = openFloor(5); break;
  case 'openfirst_floor': ms = openFloor(4); break;
  case 'open3_floor': ms = openFloor(3); break;
  default: throw new Error(`probe: unknown probe ${probe}`);
}
fs.writeSync(3, JSON.stringify({ ms, exitCode: 0 }) + "\n");
