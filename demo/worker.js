// Runs one WASI program per worker, so a guest that never returns cannot
// freeze the page and Stop is worker.terminate(). Messages to the page:
//   { type: 'started', sleep }                 instantiated; how sleeps block here
//   { type: 'out', fd, chunk }                 stdout (1) / stderr (2) bytes, as written
//   { type: 'exit', exitCode, error, ms, entries } the run is over; the filesystem after it
import { WASI, sleepStrategy } from '/dist/browser.js';
import { entriesOf, memfsFrom } from '/files.js';

const MOUNT = '/sandbox';

onmessage = async ({ data }) => {
  const { wasm, args, env, stdin, entries } = data;
  const fs = memfsFrom(entries);
  const out = (fd) => (chunk) => postMessage({ type: 'out', fd, chunk }, [chunk.buffer]);
  let exitCode = null;
  let error = null;
  let ms = 0;
  try {
    const module = await WebAssembly.compile(wasm);
    const wasi = new WASI({ version: 'preview1', args, env, stdin, preopens: { [MOUNT]: fs }, stdout: out(1), stderr: out(2) });
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    postMessage({ type: 'started', sleep: sleepStrategy() });
    const t0 = performance.now();
    try {
      exitCode = wasi.start(instance);
    } finally {
      ms = performance.now() - t0;
    }
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  const after = entriesOf(fs);
  postMessage({ type: 'exit', exitCode, error, ms, entries: after }, after.filter((e) => e.bytes).map((e) => e.bytes.buffer));
};
