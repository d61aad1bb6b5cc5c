// Runs in a real browser (a page or a worker), loaded from the built dist/:
// what test/browser.test.ts asks the browser to do.
import { WASI, MemFS, sleepStrategy } from '/dist/browser.js';
import { WASI as CoreWASI } from '/dist/core.js';

const modules = new Map();
async function fixtureModule(name) {
  let m = modules.get(name);
  if (m === undefined) {
    const res = await fetch(`/wasi-fixtures/${name}.wasm`);
    if (!res.ok) throw new Error(`fetch ${name}.wasm: ${res.status}`);
    m = await WebAssembly.compileStreaming(res);
    modules.set(name, m);
  }
  return m;
}

/**
 * One wasi-fixture on the in-memory backend, exactly as test/fixture-runner.ts runs it in Node;
 * `entry` 'core' runs it on wasi-host/core's WASI, with MemFS mounted as any Vfs would be.
 */
export async function runFixture(spec, entry = 'full') {
  const fs = new MemFS(spec.files ?? {});
  const Host = entry === 'core' ? CoreWASI : WASI;
  const wasi = new Host({
    version: 'preview1',
    args: [spec.name, ...(spec.args ?? [])],
    env: spec.env ?? {},
    preopens: { '/sandbox': fs },
    stdin: spec.stdin ?? '',
    stdout: 'collect',
    stderr: 'collect',
  });
  const instance = await WebAssembly.instantiate(await fixtureModule(spec.name), wasi.getImportObject());
  const exitCode = wasi.start(instance);
  const dec = new TextDecoder();
  const filesAfter = {};
  for (const p of Object.keys(spec.filesAfter ?? {})) {
    try {
      filesAfter[p] = fs.readText('/' + p);
    } catch {
      filesAfter[p] = null;
    }
  }
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), filesAfter };
}

/**
 * Calls poll_oneoff directly with one MONOTONIC clock subscription of `ms`
 * (relative, or absolute when `abstime`), and reports what the guest would
 * see: the event, and the elapsed time by the guest's clock and the page's.
 */
export function pollSleep(ms, abstime = false) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({});
  wasi.initialize({ exports: { memory } });
  const imp = wasi.wasiImport;
  const dv = new DataView(memory.buffer);
  const now = () => {
    if (imp.clock_time_get(1, 0n, 0) !== 0) throw new Error('clock_time_get failed');
    return dv.getBigUint64(0, true);
  };
  const SUB = 64, EVENTS = 128, NEVENTS = 192;
  const t0 = now();
  const ns = BigInt(Math.round(ms * 1e6));
  dv.setBigUint64(SUB + 0, 0x1234_5678_9abcn, true); // userdata
  dv.setUint8(SUB + 8, 0); // tag: clock
  dv.setUint32(SUB + 16, 1, true); // MONOTONIC
  dv.setBigUint64(SUB + 24, abstime ? t0 + ns : ns, true);
  dv.setBigUint64(SUB + 32, 0n, true); // precision
  dv.setUint16(SUB + 40, abstime ? 1 : 0, true);
  const wall0 = performance.now();
  const errno = imp.poll_oneoff(SUB, EVENTS, 1, NEVENTS);
  const wallMs = performance.now() - wall0;
  const t1 = now();
  return {
    errno,
    nevents: dv.getUint32(NEVENTS, true),
    userdata: dv.getBigUint64(EVENTS, true).toString(16),
    eventError: dv.getUint16(EVENTS + 8, true),
    eventType: dv.getUint8(EVENTS + 10),
    guestElapsedNs: Number(t1 - t0),
    wantNs: Number(ns),
    wallMs,
    strategy: sleepStrategy(),
    atomicsWaits: globalThis.__atomicsWaits ?? null,
  };
}

/**
 * Reads clock_time_get(MONOTONIC) `n` times back to back, as a guest would,
 * and reports how many reads did not move past the one before.
 */
export function monotonicReads(n) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new WASI({});
  wasi.initialize({ exports: { memory } });
  const dv = new DataView(memory.buffer);
  let last = -1n;
  let notIncreasing = 0;
  let first = 0n;
  for (let i = 0; i < n; i++) {
    if (wasi.wasiImport.clock_time_get(1, 1n, 0) !== 0) throw new Error('clock_time_get failed');
    const t = dv.getBigUint64(0, true);
    if (i === 0) first = t;
    if (t <= last) notIncreasing++;
    last = t;
  }
  const pageNs = BigInt(Math.floor(performance.now() * 1e6));
  return { notIncreasing, spanNs: Number(last - first), aheadOfPageNs: Number(last - pageNs) };
}

/**
 * README "Embedding a reactor", as a page or a worker runs it: greet() called
 * through wasi.memory, once more after a 1 MiB name made malloc grow memory.
 */
export async function greetReactor() {
  const wasi = new WASI({ env: { GREETING: 'Hello' } });
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/wasi-fixtures/reactors/greet.wasm'), wasi.getImportObject());
  wasi.initialize(instance);
  const { greet, free, memory } = instance.exports;
  function callGreet(name) {
    const arg = wasi.memory.alloc(name);
    const out = greet(arg.ptr, arg.len);
    free(arg.ptr);
    return wasi.memory.readString(wasi.memory.u32(out), wasi.memory.u32(out + 4));
  }
  const first = callGreet('wasm');
  const sizeBefore = memory.buffer.byteLength;
  const stale = new Uint8Array(memory.buffer);
  const big = 'x'.repeat(1 << 20);
  const bigOk = callGreet(big) === `Hello, ${big}!`;
  const after = callGreet('again');
  let outOfRange = '';
  try {
    wasi.memory.readBytes(wasi.memory.byteLength, 1);
  } catch (e) {
    outOfRange = `${e.name}: ${e.message}`;
  }
  return { first, bigOk, after, sizeBefore, sizeAfter: wasi.memory.byteLength, staleLength: stale.byteLength, outOfRange };
}

/**
 * Replays a recording made in Node (wasi-host/porter's record): no files at
 * all, every answer from the recording; returns what the guest printed and
 * its trace lines (without host times), for comparison with the Node run.
 */
export async function replayFixture(name, args, recording) {
  const { porter, formatTraceEntry } = await import('/dist/porter.js');
  const out = [];
  const trace = [];
  const wasi = new WASI(porter({
    version: 'preview1',
    args: [name, ...args],
    stdout: 'collect',
    stderr: 'collect',
    trace: (e) => trace.push(formatTraceEntry(e, { times: false })),
    replay: { recording, onOutput: (fd, bytes) => out.push([fd, new TextDecoder().decode(bytes)]) },
  }));
  const instance = await WebAssembly.instantiate(await fixtureModule(name), wasi.getImportObject());
  const exitCode = wasi.start(instance);
  const text = (fd) => out.filter(([f]) => f === fd).map(([, t]) => t).join('');
  return { exitCode, stdout: text(1), stderr: text(2), trace };
}
