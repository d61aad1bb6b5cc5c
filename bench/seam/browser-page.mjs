// Runs in the page bench/seam/browser.mjs opens in headless Chromium: the
// channel round trip with the page's main thread as the owner (a Worker calls),
// and what JSPI costs per call. Returns plain data for browser.mjs to print.
import * as C from './channel.mjs';
import * as S from './shapes.mjs';
import { loopInstance } from './wasm.mjs';
import { median, quantile } from './stats.mjs';

const monotonicNs = () => Math.floor(performance.now() * 1e6);

async function channel(mode, calls) {
  const ctl = C.makeControl();
  const memory = C.makeSharedMemory();
  const ctx = C.ownerContext(memory, monotonicNs);
  const worker = new Worker(new URL('./browser-worker.mjs', import.meta.url), { type: 'module' });
  let serving;
  const result = await new Promise((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(e.message));
    worker.onmessage = (e) => {
      if (e.data === 'ready') {
        if (mode === 'waitAsync') serving = C.serveAsync(ctl, ctx);
      } else if (e.data === 'call') {
        C.serveAnnounced(ctl, ctx);
      } else {
        resolve(e.data);
      }
    };
    worker.postMessage({ ctl, memory, mode, calls });
  });
  await serving;
  worker.terminate();
  if (mode !== 'direct' && C.sinkTotal(ctx) === 0) throw new Error(`${mode}: nothing reached the owner's sink`);
  const s = result.samples;
  return { mode, medianUs: median(s), p99Us: quantile(s, 0.99), meanUs: result.meanUs, stepUs: result.stepUs };
}

/** ns per call of `go(n)` (sync or async), median over rounds of about 50 ms each. */
async function perCall(go, rounds) {
  await go(2000);
  let n = 2000;
  for (;;) {
    const t0 = performance.now();
    await go(n);
    const ms = performance.now() - t0;
    if (ms > 50 || n >= 1e8) break;
    n *= 4;
  }
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const sum = await go(n);
    samples.push(((performance.now() - t0) * 1e6) / n);
    if (sum !== 0) throw new Error(`an import returned ${sum}`);
  }
  return { nsPerCall: median(samples), min: Math.min(...samples), n };
}

async function jspi(rounds) {
  const has = { Suspending: typeof WebAssembly.Suspending, promising: typeof WebAssembly.promising };
  if (has.Suspending !== 'function' || has.promising !== 'function') return { has, rows: [] };
  // Does a call suspend when the import returns a plain value? Count the calls made before
  // promising()'s promise is handed back: all of them if none suspended, one if each did.
  const suspendsOn = async (value) => {
    let count = 0;
    const run = WebAssembly.promising(await loopInstance(['i32'], [1], new WebAssembly.Suspending(() => { count++; return value(); })));
    const p = run(3);
    const before = count;
    await p;
    return before < 3;
  };
  has.suspendsOnNumber = await suspendsOn(() => 0);
  has.suspendsOnResolvedPromise = await suspendsOn(() => Promise.resolve(0));
  const memory = new WebAssembly.Memory({ initial: 1 });
  S.layoutGuest(memory);
  const ctx = S.makeContext(memory, monotonicNs);
  const fdWrite = S.bindPlain(ctx, S.fd_write, 4);
  const I = 'i32';
  const W = [[I, I, I, I], [1, S.IOV, 1, S.OUT]];
  const E = [[I], [1]];
  const resolved = Promise.resolve(0);
  const cases = [
    ['empty import', 'plain import, run() called directly', E, (x) => 0, false],
    ['empty import', 'Suspending import returning a number, run() via promising', E, (x) => 0, true],
    ['empty import', 'Suspending import returning an already-resolved promise', E, (x) => resolved, true],
    ['empty import', 'Suspending import that is an async function', E, async (x) => 0, true],
    ['fd_write 16 B → collect', 'plain import (today)', W, fdWrite, false],
    ['fd_write 16 B → collect', 'Suspending import returning a number (the call did not block)', W, fdWrite, true],
    ['fd_write 16 B → collect', 'Suspending import returning Promise.resolve(errno)', W, (a, b, c, d) => Promise.resolve(fdWrite(a, b, c, d)), true],
  ];
  const rows = [];
  for (const [group, what, [params, args], f, suspending] of cases) {
    const run = await loopInstance(params, args, suspending ? new WebAssembly.Suspending(f) : f);
    const go = suspending ? WebAssembly.promising(run) : run;
    rows.push({ group, what, ...(await perCall(go, rounds)) });
  }
  // Entering wasm through promising() costs once per export call, not per import call.
  const entry = WebAssembly.promising(await loopInstance(E[0], E[1], new WebAssembly.Suspending((x) => 0)));
  const plainEntry = await loopInstance(E[0], E[1], (x) => 0);
  rows.push({
    group: 'export call', what: 'promising(run)(1): one entry, one import call',
    ...(await perCall(async (n) => { let s = 0; for (let i = 0; i < n; i++) s += await entry(1); return s; }, rounds)),
  });
  rows.push({
    group: 'export call', what: 'run(1) called directly: one entry, one import call',
    ...(await perCall((n) => { let s = 0; for (let i = 0; i < n; i++) s += plainEntry(1); return s; }, rounds)),
  });
  return { has, rows };
}

export async function runAll({ calls, rounds }) {
  const facts = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    waitAsync: typeof Atomics.waitAsync,
  };
  const channels = [];
  for (const mode of ['direct', 'waitAsync', 'postMessage']) channels.push(await channel(mode, calls));
  return { facts, channels, jspi: await jspi(rounds) };
}
