// Page-side helpers of test/browser-runner.test.ts: spawn a fixture with the
// browser runner (dist/browser-runner.js) and keep what it writes, so the test
// can type into it and wait for answers with page.waitForFunction().
import { spawn } from '/dist/browser-runner.js';

const runs = new Map();
let next = 0;

export async function start(name, options = {}) {
  const wasm = await (await fetch(`/wasi-fixtures/${name}.wasm`)).arrayBuffer();
  const id = ++next;
  const decoder = new TextDecoder();
  const run = { out: '', status: undefined, error: undefined, handle: undefined };
  run.handle = spawn(wasm, { ...options, stdout: (c) => { run.out += decoder.decode(c, { stream: true }); } });
  run.handle.exited.then((s) => { run.status = s; }, (e) => { run.error = String(e); });
  runs.set(id, run);
  return id;
}

export const out = (id) => runs.get(id).out;
export const type = (id, text) => runs.get(id).handle.stdin.write(text);
export const end = (id) => runs.get(id).handle.stdin.end();
export const exited = (id) => runs.get(id).handle.exited;

/** Milliseconds from kill() to `exited` settling, and what it settled to. */
export async function kill(id) {
  const h = runs.get(id).handle;
  const t0 = performance.now();
  h.kill();
  const status = await h.exited;
  return { ms: performance.now() - t0, status };
}
