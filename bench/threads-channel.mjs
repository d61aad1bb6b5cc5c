#!/usr/bin/env node
// A forwarded call's round trip (issue 12's budget: 20 µs): _start, in a
// thread Worker of WASI.startThreaded, calls fd_write (16 bytes to a
// collected stdout) N times through the thread channel (src/threads/channel.ts)
// to the owner (this thread, serving with Atomics.waitAsync). The same loop
// run by start() on this thread is the direct call. Each round times the
// whole loop from inside the guest's thread with clock_time_get, so Worker
// start-up is not counted; µs per call = loop time / N.
//
// A second table reads files from threads: T threads (1 or 4) each open,
// read (4 KiB) and close one file by path R/T times, on MemFS and on a host
// directory, all served by the one owner. "ms" is the whole run, from
// new WASI to startThreaded settling (Worker start-up included: the npm run
// bench row's measure); "reading ms" is from the first thread's first open
// to the last thread's last close, read by the threads with clock_time_get.
//
//   node scripts/build.mjs && node bench/threads-channel.mjs [--calls N] [--rounds R] [--reads R]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import initWabt from 'wabt';
import { MemFS, WASI } from '../dist/index.js';

const arg = (name, d) => { const i = process.argv.indexOf(name); return i < 0 ? d : Number(process.argv[i + 1]); };
const CALLS = arg('--calls', 20000);
const ROUNDS = arg('--rounds', 7);
const READS = arg('--reads', 4000);

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

// 0: threads T; 4: reads per thread; 8: threads finished; thread i: scratch at 1024+256i
// (path "data.bin" at +0, iovec at +16, fd at +32, count at +36, clock at +40
// before the first open and +48 after the last close), data at 8192+4096i
const READ_WAT = `(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "env" "memory" (memory 4 4 shared))
  (func (export "_start") (local $i i32) (local $seen i32)
    (loop $s
      (if (i32.lt_s (call $spawn (local.get $i)) (i32.const 1)) (then (call $exit (i32.const 4))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $s (i32.lt_u (local.get $i) (i32.load (i32.const 0)))))
    (block $done (loop $wait
      (local.set $seen (i32.atomic.load (i32.const 8)))
      (br_if $done (i32.ge_u (local.get $seen) (i32.load (i32.const 0))))
      (drop (memory.atomic.wait32 (i32.const 8) (local.get $seen) (i64.const -1)))
      (br $wait))))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32) (local $s i32) (local $n i32)
    (local.set $s (i32.add (i32.const 1024) (i32.shl (local.get $arg) (i32.const 8))))
    (i64.store (local.get $s) (i64.const 0x6e69622e61746164)) ;; "data.bin"
    (i32.store offset=16 (local.get $s) (i32.add (i32.const 8192) (i32.shl (local.get $arg) (i32.const 12))))
    (i32.store offset=20 (local.get $s) (i32.const 4096))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.add (local.get $s) (i32.const 40))))
    (loop $l
      (if (call $open (i32.const 3) (i32.const 0) (local.get $s) (i32.const 8) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.add (local.get $s) (i32.const 32)))
        (then (call $exit (i32.const 5))))
      (if (call $read (i32.load offset=32 (local.get $s)) (i32.add (local.get $s) (i32.const 16)) (i32.const 1) (i32.add (local.get $s) (i32.const 36)))
        (then (call $exit (i32.const 6))))
      (drop (call $close (i32.load offset=32 (local.get $s))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (i32.load (i32.const 4)))))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.add (local.get $s) (i32.const 48))))
    (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 8) (i32.const 1)))))`;

const wabt = await initWabt();
const compile = async (text) => {
  const parsed = wabt.parseWat('bench.wat', text, { threads: true });
  try {
    return await WebAssembly.compile(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
};
const module = await compile(WAT);
const readModule = await compile(READ_WAT);

async function round(threaded) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const cells = new Int32Array(memory.buffer);
  cells[0] = CALLS;
  const wasi = new WASI({ memory, stdout: 'ignore' });
  if (threaded) await wasi.startThreaded(module);
  else wasi.start(await WebAssembly.instantiate(module, { ...wasi.getImportObject(), env: { memory } }));
  return Number(new BigInt64Array(memory.buffer, 8, 1)[0]) / 1000 / CALLS;
}

/** [ms for `threads` threads to read data.bin READS times in all, Worker start-up included; ms from the first open to the last close]. */
async function reads(threads, root) {
  const memory = new WebAssembly.Memory({ initial: 4, maximum: 4, shared: true });
  const cells = new Int32Array(memory.buffer);
  cells[0] = threads;
  cells[1] = READS / threads;
  const wasi = new WASI({ memory, preopens: { '/': root } });
  const t0 = performance.now();
  const code = await wasi.startThreaded(readModule);
  if (code !== 0) throw new Error(`read workload exited ${code}`);
  const ms = performance.now() - t0;
  const at = (t, off) => Number(new BigInt64Array(memory.buffer, 1024 + 256 * t + off, 1)[0]) / 1e6;
  const slots = [...Array(threads).keys()];
  return [ms, Math.max(...slots.map((t) => at(t, 48))) - Math.min(...slots.map((t) => at(t, 40)))];
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

const data = new Uint8Array(4096).map((_, i) => i);
const dir = mkdtempSync(join(os.tmpdir(), 'wasi-host-bench-threads-'));
writeFileSync(join(dir, 'data.bin'), data);
const memfs = new MemFS({ 'data.bin': data });
console.log(`\n| ${READS} x open + read 4 KiB + close | ms median | ms min | reading ms median | reading µs per file |`);
console.log('| --- | --- | --- | --- | --- |');
for (const [label, root] of [['MemFS', memfs], ['host directory', dir]]) {
  for (const threads of [1, 4]) {
    const xs = [];
    const spans = [];
    for (let r = 0; r < ROUNDS; r++) {
      const [ms, span] = await reads(threads, root);
      xs.push(ms);
      spans.push(span);
    }
    console.log(`| ${label}, ${threads} thread${threads > 1 ? 's' : ''} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${median(spans).toFixed(1)} | ${((median(spans) * 1000) / READS).toFixed(1)} |`);
  }
}
rmSync(dir, { recursive: true, force: true });
