// Per-call cost of a hot syscall written as a plain function (today) against
// the same syscall written as a generator that yields its backend operation,
// run by a synchronous driver. Each import is called from a wasm loop
// (bench/seam/wasm.mjs), so every call pays the real wasm-to-JS transition.
//
//   node bench/seam/generators.mjs            # about 10 s
//   node bench/seam/generators.mjs --rounds 15
//
// Prints ns per call (min and median over rounds; the variants take turns in
// each round so that load from other processes falls on all of them) and
// bytes allocated per call (heap growth over 20,000 calls with a 64 MiB young
// generation, so no scavenge runs meanwhile; a run in which one did is redone).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as S from './shapes.mjs';
import { loopInstance } from './wasm.mjs';
import { fixed, median, table } from './stats.mjs';

if (typeof globalThis.gc !== 'function') {
  const flags = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 9;
const TARGET_MS = 60;

const [baseSec, baseNsec] = process.hrtime();
/** src/platform/node.ts monotonicNs. */
function monotonicNs() {
  const t = process.hrtime();
  return (t[0] - baseSec) * 1e9 + (t[1] - baseNsec);
}

const memory = new WebAssembly.Memory({ initial: 1 });
S.layoutGuest(memory);
const ctx = S.makeContext(memory, monotonicNs);

const I = 'i32';
const WRITE = { params: [I, I, I, I], args: [1, S.IOV, 1, S.OUT] };
const STAT = { params: [I, I], args: [3, S.OUT] };
const CLOCK = { params: [I, 'i64', I], args: [1, 0n, S.OUT] };

/** Binds a 2-parameter syscall like src/wasi.ts does (its case 2). */
function bind2(f, generator) {
  const wb = ctx.writeBehind;
  const fail = (e) => {
    if (e instanceof S.WasiError) return e.errno;
    throw e;
  };
  return generator
    ? (a, b) => { if (wb.owner !== null) wb.flush(); try { return S.runSync(f(ctx, a, b)); } catch (e) { return fail(e); } }
    : (a, b) => { if (wb.owner !== null) wb.flush(); try { return f(ctx, a, b); } catch (e) { return fail(e); } };
}

/** clock_time_get is `total` in src/syscalls/table.ts: bound without try/catch. */
const clockPlain = (a, b, c) => { if (ctx.writeBehind.owner !== null) ctx.writeBehind.flush(); return S.clock_time_get(ctx, a, b, c); };
const clockGen = (a, b, c) => { if (ctx.writeBehind.owner !== null) ctx.writeBehind.flush(); return S.runSync(S.clock_time_get_g(ctx, a, b, c)); };

const variants = [
  { group: 'wasm→JS floor', name: 'empty import (4 × i32)', shape: WRITE, f: (a, b, c, d) => 0 },
  { group: 'clock_time_get', name: 'plain function (today)', shape: CLOCK, f: clockPlain },
  { group: 'clock_time_get', name: 'generator, 0 yields', shape: CLOCK, f: clockGen },
  { group: 'fd_filestat_get', name: 'plain function (today)', shape: STAT, f: bind2(S.fd_filestat_get, false) },
  { group: 'fd_filestat_get', name: 'generator, 1 yield, fresh op object', shape: STAT, f: bind2(S.fd_filestat_get_g, true) },
  { group: 'fd_filestat_get', name: 'generator, 1 yield, reused op record', shape: STAT, f: bind2(S.fd_filestat_get_g_reused, true) },
  { group: 'fd_write 16 B → collect', name: 'plain function (today)', shape: WRITE, f: S.bindPlain(ctx, S.fd_write, 4) },
  { group: 'fd_write 16 B → collect', name: 'generator, 3 nested (yield*), fresh op', shape: WRITE, f: S.bindGenerator(ctx, S.fd_write_g, 4) },
  { group: 'fd_write 16 B → collect', name: 'generator, 3 nested (yield*), reused op', shape: WRITE, f: S.bindGenerator(ctx, S.fd_write_g_reused, 4) },
  { group: 'fd_write 16 B → collect', name: 'generator, 1 flat, reused op', shape: WRITE, f: S.bindGenerator(ctx, S.fd_write_g_flat, 4) },
];

for (const v of variants) {
  v.run = await loopInstance(v.shape.params, v.shape.args, v.f);
  v.samples = [];
}

function nsPerCall(run, n) {
  const t0 = process.hrtime.bigint();
  const sum = run(n);
  const t1 = process.hrtime.bigint();
  if (sum !== 0) throw new Error(`a call returned an errno (sum ${sum})`);
  return Number(t1 - t0) / n;
}

// Warm up every variant into optimised code, then size each one's batch to about TARGET_MS.
for (const v of variants) {
  nsPerCall(v.run, 300_000);
  const ns = nsPerCall(v.run, 100_000);
  v.n = Math.max(100_000, Math.round((TARGET_MS * 1e6) / ns));
}
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(i + r) % variants.length];
    v.samples.push(nsPerCall(v.run, v.n));
  }
}

const CHUNKS = 10;
const PER_CHUNK = 2_000;

/** Heap growth over CHUNKS × PER_CHUNK calls, or undefined if a collection ran (heapUsed fell). */
function heapGrowth(run, perChunk) {
  globalThis.gc();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  let last = before;
  for (let c = 0; c < CHUNKS; c++) {
    run(perChunk);
    const now = process.memoryUsage().heapUsed;
    if (now < last) return undefined;
    last = now;
  }
  return last - before;
}

function bytesPerCall(run) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const overhead = heapGrowth(run, 0);
    const grown = heapGrowth(run, PER_CHUNK);
    if (overhead !== undefined && grown !== undefined) return Math.max(0, grown - overhead) / (CHUNKS * PER_CHUNK);
  }
  return NaN;
}

for (const v of variants) v.bytes = bytesPerCall(v.run);

if (ctx.sink.total === 0) throw new Error('nothing reached the sink');
if (new DataView(memory.buffer).getUint32(S.OUT, true) === 0) throw new Error('no result was written');

console.log(`Node ${process.version} (V8 ${process.versions.v8}), ${ROUNDS} rounds, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
// On a loaded machine noise only adds time, so the minimum is the steadier estimate of a call's own cost.
const plain = new Map(variants.filter((v) => v.name.startsWith('plain')).map((v) => [v.group, v]));
console.log(table(
  ['syscall', 'written as', 'ns/call min', 'ns/call median', '× plain (min)', '× plain (median)', 'bytes/call'],
  variants.map((v) => {
    const p = plain.get(v.group);
    const ratio = (f) => (p === undefined ? '' : fixed(f(v.samples) / f(p.samples), 2));
    return [v.group, v.name, fixed(Math.min(...v.samples)), fixed(median(v.samples)),
      ratio((xs) => Math.min(...xs)), ratio(median), fixed(v.bytes, 0)];
  }),
));
