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

// JSPI mode on this page's main thread (src/jspi.ts): the same helpers, plus a
// timer that counts its ticks while the guest runs, to show the page stays free.
import { WASI, MemFS, StdinQueue } from '/dist/browser.js';

export function jspiPresent() {
  return typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';
}

export async function startJspi(name, options = {}) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/${name}.wasm`));
  const id = ++next;
  const decoder = new TextDecoder();
  const input = new StdinQueue({ isTTY: options.tty === true });
  const run = { out: '', status: undefined, error: undefined, ticks: 0, input };
  const stdout = { isTTY: options.tty === true, write: (c) => { run.out += decoder.decode(c, { stream: true }); } };
  const wasi = new WASI({ args: [name], stdin: input, stdout });
  const instance = await WebAssembly.instantiate(module, wasi.getAsyncImportObject());
  const timer = setInterval(() => { run.ticks++; }, 10);
  run.handle = {
    stdin: input,
    exited: wasi.startAsync(instance).finally(() => clearInterval(timer)),
  };
  run.handle.exited.then((s) => { run.status = s; }, (e) => { run.error = String(e); });
  runs.set(id, run);
  return id;
}

export const ticks = (id) => runs.get(id).ticks;

/** One wasi-fixture in JSPI mode on the main thread, stdin a StdinQueue filled and ended up front. */
export async function runFixtureJspi(spec) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/${spec.name}.wasm`));
  const fs = new MemFS(spec.files ?? {});
  const input = new StdinQueue();
  if (spec.stdin) input.write(spec.stdin);
  input.end();
  const wasi = new WASI({ version: 'preview1', args: [spec.name, ...(spec.args ?? [])], env: spec.env ?? {}, preopens: { '/sandbox': fs }, stdin: input, stdout: 'collect', stderr: 'collect' });
  const instance = await WebAssembly.instantiate(module, wasi.getAsyncImportObject());
  const exitCode = await wasi.startAsync(instance);
  const dec = new TextDecoder();
  const filesAfter = {};
  for (const p of Object.keys(spec.filesAfter ?? {})) {
    try { filesAfter[p] = fs.readText('/' + p); } catch { filesAfter[p] = null; }
  }
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), filesAfter };
}

/** What getAsyncImportObject() throws here ('' if nothing). */
export async function jspiRefusal() {
  try {
    new WASI({}).getAsyncImportObject();
    return '';
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

export { runFixture } from '/test/browser/run.js';

// Persistent files: a MemFS saved to OPFS as a whole and restored after a reload.
import { run, saveToOPFS, loadFromOPFS } from '/dist/browser.js';
const PERSIST = 'wasi-host-test';

export async function persistClear() {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(PERSIST, { recursive: true }).catch(() => {});
}

/** cp writes out/dst.txt in a MemFS, which is then saved to OPFS. */
export async function persistWrite(text) {
  const fs = new MemFS({ 'src.txt': text, 'out/': null });
  const bytes = await (await fetch('/wasi-fixtures/cp.wasm')).arrayBuffer();
  const r = await run(bytes, { args: ['cp', '/sandbox/src.txt', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs } });
  await saveToOPFS(fs, PERSIST);
  return r.exitCode;
}

/** cat reads out/dst.txt from a MemFS restored from OPFS. */
export async function persistRead() {
  const fs = new MemFS(await loadFromOPFS(PERSIST));
  const bytes = await (await fetch('/wasi-fixtures/cat.wasm')).arrayBuffer();
  const r = await run(bytes, { args: ['cat', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs } });
  return { exitCode: r.exitCode, stdout: r.stdout, files: Object.keys(fs.toJSON()).sort() };
}

/** cp in the runner's Worker on a MemFS of this page's (a shared preopen), then cat on the same MemFS. */
export async function sharedCp(text) {
  const fs = new MemFS({ 'src.txt': text, 'out/': null });
  const fetchWasm = async (n) => (await fetch(`/wasi-fixtures/${n}.wasm`)).arrayBuffer();
  const cp = await spawn(await fetchWasm('cp'), { args: ['cp', '/sandbox/src.txt', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs } }).exited;
  const written = fs.readText('/out/dst.txt');
  const decoder = new TextDecoder();
  let out = '';
  const cat = await spawn(await fetchWasm('cat'), { args: ['cat', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs }, stdout: (c) => { out += decoder.decode(c, { stream: true }); } }).exited;
  return { cp, written, cat, out };
}
