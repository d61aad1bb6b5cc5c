#!/usr/bin/env node
// A forwarded call's round trip (issue 12's budget: 20 µs): _start, in a
// thread Worker of WASI.startThreaded, calls fd_write (16 bytes to a
// collected stdout) N times through the thread channel (src/threads/channel.ts)
// to the owner (this thread, serving with Atomics.waitAsync). The same loop
// run by start() on this thread is the direct call. Each round times the
// whole loop from inside the guest's thread with clock_time_get, so Worker
// start-up is not counted; µs per call = loop time / N.
//
//   node scripts/build.mjs && node bench/threads-channel.mjs [--calls N] [--rounds R]
import os from 'node:os';
import initWabt from 'wabt';
import { WASI } from '../dist/index.js';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i < 0 ? d : Number(process.argv[i + 1]); };
const CALLS = arg('--calls', 20000);
const ROUNDS = arg('--rounds', 7);

// 0: N; 8: elapsed ns (written by the guest); 64: iovec; 128: 16 bytes of data
const WAT = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $t (param i32 i64 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "_start") (local $i i32) (local $t0 i64)
    (i32.store (i32.const 64) (i32.const 128))
    (i32.store (i32.const 68) (i32.const 16))
    (drop (call $t (i32.const 1) (i64.const 0) (i32.const 16)))
    (local.set $t0 (i64.load (i32.const 16)))
    (block $end (loop $l
      (br_if $end (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
      (drop (call $w (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (drop (call $t (i32.const 1) (i64.const 0) (i32.const 16)))
    (i64.store (i32.const 8) (i64.sub (i64.load (i32.const 16)) (local.get $t0))))
  (export "wasi_thread_start" (func 2)))`;

const wabt = await initWabt();
const parsed = wabt.parseWat('bench.wat', WAT, { threads: true });
const module = await WebAssembly.compile(parsed.toBinary({}).buffer);
parsed.destroy();

async function round(threaded) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const cells = new Int32Array(memory.buffer);
  cells[0] = CALLS;
  const wasi = new WASI({ memory, stdout: 'ignore' });
  if (threaded) await wasi.startThreaded(module);
  else wasi.start(await WebAssembly.instantiate(module, { ...wasi.getImportObject(), env: { memory } }));
  return Number(new BigInt64Array(memory.buffer, 8, 1)[0]) / 1000 / CALLS;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = { direct: [], forwarded: [] };
for (let r = 0; r < ROUNDS; r++) {
  rows.direct.push(await round(false));
  rows.forwarded.push(await round(true));
}
console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${CALLS} calls x ${ROUNDS} rounds`);
console.log('| fd_write 16 B | µs/call median | µs/call min |');
console.log('| --- | --- | --- |');
for (const [name, xs] of Object.entries(rows)) console.log(`| ${name} | ${median(xs).toFixed(2)} | ${Math.min(...xs).toFixed(2)} |`);
