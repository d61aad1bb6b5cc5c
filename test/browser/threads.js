// test/browser-threads.test.ts's page side: a threaded WAT fixture run by the
// browser build's WASI.startThreaded on this page's main thread (the owner),
// each guest thread in a module Web Worker, with a MemFS that lives here and
// is shared by every thread through the thread channel. `cells` are i32
// cells of the shared memory to set before the run ({ 5: 1 } sets the one at 20).
import { WASI, MemFS } from '/dist/browser.js';

const INPUTS = { 'in0.txt': 'zero\n', 'in1.txt': 'one\n', 'in2.txt': 'two\n' };

export async function runThreaded(name, stamp, cells = {}) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/threads/${name}.wasm`));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const counts = new Int32Array(memory.buffer);
  for (const [i, v] of Object.entries(cells)) counts[i] = v;
  const fs = new MemFS(INPUTS);
  let stampedAt;
  const interceptors = stamp === undefined ? [] : [{
    intercept(call, next) {
      if (call.name !== stamp) return undefined;
      return (...args) => { stampedAt = performance.now(); return next(...args); };
    },
  }];
  const wasi = new WASI({ memory, preopens: { '/': fs }, stdout: 'collect', interceptors });
  // When the count at 16 last moved, sampled every few ms from here (the owner leaves this event loop free): late, never early.
  let seen = 0;
  let movedAt = performance.now();
  const sampler = setInterval(() => {
    const now = Atomics.load(counts, 4);
    if (now !== seen) [seen, movedAt] = [now, performance.now()];
  }, 1);
  let code = null;
  let error = null;
  try {
    code = await wasi.startThreaded(module);
  } catch (e) {
    error = `${e.name}: ${e.message}`;
  }
  clearInterval(sampler);
  const settledAfterMs = stampedAt === undefined ? null : performance.now() - stampedAt;
  const movedAfterMs = stampedAt === undefined ? null : movedAt - stampedAt;
  const spins = Atomics.load(counts, 4);
  await new Promise((r) => setTimeout(r, 50));
  let out = null;
  try { out = new TextDecoder().decode(fs.readFile('out.txt')); } catch {}
  return {
    code, error, settledAfterMs, movedAfterMs, spins, spinsLater: Atomics.load(counts, 4),
    stdout: new TextDecoder().decode(wasi.getStdout()), out,
  };
}
