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

// The OPFS backend (dist/opfs.js) and AsyncVfs preopens: files a program
// writes through spawn() (served from this page: getFile/createWritable) or
// through a server Worker (sync access handles), or in JSPI mode on this
// page's main thread, are in OPFS after a reload.
import { openOPFS, toAsyncVfs, createVfsBridge } from '/dist/opfs.js';
const OPFS_DIR = 'wasi-host-test-opfs';

export async function opfsClear() {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(OPFS_DIR, { recursive: true }).catch(() => {});
}

/** What this engine offers (measured, for the README's table). */
export async function opfsSupport() {
  const root = await navigator.storage.getDirectory();
  const probe = await root.getFileHandle('wasi-host-probe', { create: true });
  const dir = await root.getDirectoryHandle('wasi-host-probe-dir', { create: true });
  const r = {
    opfs: true,
    move: typeof probe.move === 'function',
    moveDirectory: typeof dir.move === 'function',
    syncAccessHandleOnPage: typeof probe.createSyncAccessHandle === 'function',
    jspi: jspiPresent(),
    waitAsync: typeof Atomics.waitAsync === 'function',
  };
  await root.removeEntry('wasi-host-probe');
  await root.removeEntry('wasi-host-probe-dir');
  return r;
}

/** Writes `files` ({ path: text }) into the OPFS directory through the File System API itself, not through wasi-host. */
export async function opfsSeed(files) {
  const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_DIR, { create: true });
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split('/');
    let dir = root;
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
    if (parts.at(-1) === '') continue;
    const w = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
    await w.write(text);
    await w.close();
  }
}

/** The OPFS directory's files as { path: text }, read through the File System API itself. */
export async function opfsFiles() {
  const out = {};
  const walk = async (dir, prefix) => {
    for await (const [name, h] of dir.entries()) {
      if (h.kind === 'directory') await walk(h, `${prefix}${name}/`);
      else out[prefix + name] = await (await h.getFile()).text();
    }
  };
  const root = await navigator.storage.getDirectory();
  await walk(await root.getDirectoryHandle(OPFS_DIR, { create: true }), '');
  return out;
}

let opfsServer;
/** `where`: 'page' (an OPFS AsyncVfs served from this page), 'worker' (a bridge served by a dedicated Worker: sync access handles). */
async function opfsPreopen(where) {
  if (where === 'page') return openOPFS(OPFS_DIR);
  opfsServer ??= new Worker('/test/browser/opfs-server.js', { type: 'module' });
  const sab = createVfsBridge();
  const ready = new Promise((resolve, reject) => {
    opfsServer.onmessage = (e) => (e.data.ok ? resolve() : reject(new Error(e.data.error)));
  });
  opfsServer.postMessage({ sab, name: OPFS_DIR });
  await ready;
  return sab;
}

/** A fixture run by spawn() with /sandbox on OPFS; stdout, stderr, exit status. */
export async function spawnOnOPFS(name, args, where = 'page', stdin = '', env = {}) {
  const wasm = await (await fetch(`/wasi-fixtures/${name}.wasm`)).arrayBuffer();
  const dec = new TextDecoder();
  let stdout = '';
  let stderr = '';
  const h = spawn(wasm, {
    args: [name, ...args],
    env,
    preopens: { '/sandbox': await opfsPreopen(where) },
    stdout: (c) => { stdout += dec.decode(c, { stream: true }); },
    stderr: (c) => { stderr += dec.decode(c, { stream: true }); },
  });
  h.stdin.write(stdin);
  h.stdin.end();
  const exitCode = await h.exited;
  return { exitCode, stdout, stderr };
}

/**
 * log_then_compute on an OPFS directory served from this page: once the
 * backend has answered `count` writes (the guest's fd_write returns after
 * that answer), the program is killed while it computes. The caller then
 * reloads the page and looks: every acknowledged byte must be in OPFS.
 */
export async function opfsKillAfterWrites(count) {
  await opfsClear();
  const fs = await openOPFS(OPFS_DIR);
  let acknowledged = 0;
  let allAcknowledged;
  const reached = new Promise((resolve) => { allAcknowledged = resolve; });
  // The backend as the bridge's server sees it, its files' writes counted as they resolve.
  const counted = (file) => new Proxy(file, {
    get(t, k) {
      const v = t[k];
      if (k !== 'write') return typeof v === 'function' ? v.bind(t) : v;
      return async (...a) => {
        const n = await v.apply(t, a);
        if (++acknowledged === count) allAcknowledged();
        return n;
      };
    },
  });
  const backend = new Proxy(fs, {
    get(t, k) {
      const v = t[k];
      if (k === 'open') return async (...a) => counted(await v.apply(t, a));
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  const wasm = await (await fetch('/wasi-fixtures/log_then_compute.wasm')).arrayBuffer();
  const h = spawn(wasm, { args: ['log_then_compute', '/sandbox/log.txt', String(count), '0'], preopens: { '/sandbox': backend } });
  await reached;
  h.kill();
  return { exited: await h.exited, acknowledged };
}

/** The same in JSPI mode on this page's main thread, /sandbox an OPFS AsyncVfs. */
export async function jspiOnOPFS(name, args) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/${name}.wasm`));
  const input = new StdinQueue();
  input.end();
  const wasi = new WASI({ args: [name, ...args], preopens: { '/sandbox': await openOPFS(OPFS_DIR) }, stdin: input, stdout: 'collect', stderr: 'collect' });
  const instance = await WebAssembly.instantiate(module, wasi.getAsyncImportObject());
  const exitCode = await wasi.startAsync(instance);
  const dec = new TextDecoder();
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()) };
}

/** One wasi-fixture in JSPI mode on the main thread, /sandbox an AsyncVfs (a MemFS seen through toAsyncVfs). */
export async function runFixtureJspiAsync(spec) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/${spec.name}.wasm`));
  const fs = new MemFS(spec.files ?? {});
  const input = new StdinQueue();
  if (spec.stdin) input.write(spec.stdin);
  input.end();
  const wasi = new WASI({ version: 'preview1', args: [spec.name, ...(spec.args ?? [])], env: spec.env ?? {}, preopens: { '/sandbox': toAsyncVfs(fs) }, stdin: input, stdout: 'collect', stderr: 'collect' });
  const instance = await WebAssembly.instantiate(module, wasi.getAsyncImportObject());
  const exitCode = await wasi.startAsync(instance);
  const dec = new TextDecoder();
  const filesAfter = {};
  for (const p of Object.keys(spec.filesAfter ?? {})) {
    try { filesAfter[p] = fs.readText('/' + p); } catch { filesAfter[p] = null; }
  }
  return { exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), filesAfter };
}

/** startJspi with an OPFS AsyncVfs mounted at /sandbox: the REPL waits for input while the page timer ticks. */
export async function startJspiOnOPFS(name) {
  const module = await WebAssembly.compileStreaming(fetch(`/wasi-fixtures/${name}.wasm`));
  const id = ++next;
  const decoder = new TextDecoder();
  const input = new StdinQueue();
  const run = { out: '', status: undefined, error: undefined, ticks: 0, input };
  const wasi = new WASI({ args: [name], stdin: input, stdout: (c) => { run.out += decoder.decode(c, { stream: true }); }, preopens: { '/sandbox': await openOPFS(OPFS_DIR) } });
  const instance = await WebAssembly.instantiate(module, wasi.getAsyncImportObject());
  const timer = setInterval(() => { run.ticks++; }, 10);
  run.handle = { stdin: input, exited: wasi.startAsync(instance).finally(() => clearInterval(timer)) };
  run.handle.exited.then((s) => { run.status = s; }, (e) => { run.error = String(e); });
  runs.set(id, run);
  return id;
}

/** One wasi-fixture run by spawn() with /sandbox on OPFS, seeded and read back through the File System API. */
export async function runFixtureOnOPFS(spec, where) {
  await opfsClear();
  const seed = {};
  for (const [p, c] of Object.entries(spec.files ?? {})) seed[c === null && !p.endsWith('/') ? `${p}/` : p] = c ?? '';
  await opfsSeed(seed);
  const r = await spawnOnOPFS(spec.name, spec.args ?? [], where, spec.stdin ?? '', spec.env ?? {});
  const files = await opfsFiles();
  const filesAfter = {};
  for (const p of Object.keys(spec.filesAfter ?? {})) filesAfter[p] = files[p] ?? null;
  await opfsClear();
  return { ...r, filesAfter };
}

/** The OPFS backend called directly (no guest): what each edge of the Vfs contract answers. */
export async function opfsContract() {
  await opfsClear();
  const fs = await openOPFS(OPFS_DIR);
  const code = (p) => p.then(() => 'ok', (e) => e.code ?? `no code: ${e}`);
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const RW = { read: true, write: true, create: true, exclusive: false, truncate: false, noFollow: true };
  const r = {};
  let step = 'start';
  try {
  await fs.mkdir('/d');
  await fs.mkdir('/d/sub');
  const f = await fs.open('/d/sub/f.txt', RW);
  step = 'write';
  r.write = await f.write(enc.encode('hello'), 0);
  step = 'writeAt';
  r.writeAt = await f.write(enc.encode('XY'), 10);
  step = 'size';
  r.size = (await f.stat()).size;
  step = 'readBack';
  r.readBack = [...(await f.read(20, 0))];
  await f.close();
  step = 'exclusive';
  r.exclusive = await code(fs.open('/d/sub/f.txt', { ...RW, exclusive: true }));
  step = 'openDir';
  r.openDir = await code(fs.open('/d', RW));
  step = 'mkdirExists';
  r.mkdirExists = await code(fs.mkdir('/d'));
  step = 'mkdirNoParent';
  r.mkdirNoParent = await code(fs.mkdir('/nope/x'));
  step = 'lstatThroughFile';
  r.lstatThroughFile = await code(fs.lstat('/d/sub/f.txt/x'));
  step = 'kindMissing';
  r.kindMissing = await fs.kind('/missing');
  step = 'rmdirNotEmpty';
  r.rmdirNotEmpty = await code(fs.rmdir('/d'));
  step = 'rmdirFile';
  r.rmdirFile = await code(fs.rmdir('/d/sub/f.txt'));
  step = 'unlinkDir';
  r.unlinkDir = await code(fs.unlink('/d'));
  const dirIno = (await fs.lstat('/d')).ino;
  const fileIno = (await fs.lstat('/d/sub/f.txt')).ino;
  step = 'renameDirIntoItself';
  r.renameDirIntoItself = await code(fs.rename('/d', '/d/sub/in'));
  await fs.mkdir('/full');
  await (await fs.open('/full/x', RW)).close();
  step = 'renameOntoNonEmpty';
  r.renameOntoNonEmpty = await code(fs.rename('/d', '/full'));
  step = 'renameFileOntoDir';
  r.renameFileOntoDir = await code(fs.rename('/d/sub/f.txt', '/full'));
  step = 'renameDirOntoFile';
  r.renameDirOntoFile = await code(fs.rename('/d', '/full/x'));
  await fs.mkdir('/empty');
  step = 'renameDirOntoEmpty';
  r.renameDirOntoEmpty = await code(fs.rename('/d', '/empty'));
  step = 'inoKeptAcrossRename';
  r.inoKeptAcrossRename = (await fs.lstat('/empty')).ino === dirIno && (await fs.lstat('/empty/sub/f.txt')).ino === fileIno;
  step = 'oldNameGone';
  r.oldNameGone = await code(fs.lstat('/d'));
  step = 'movedContent';
  r.movedContent = dec.decode(await (await fs.open('/empty/sub/f.txt', RW)).read(5, 0));
  await (await fs.open('/other.txt', RW)).write(enc.encode('other'), 0);
  step = 'renameFileOntoFile';
  r.renameFileOntoFile = await code(fs.rename('/other.txt', '/empty/sub/f.txt'));
  step = 'replacedContent';
  r.replacedContent = dec.decode(await (await fs.open('/empty/sub/f.txt', RW)).read(10, 0));
  step = 'symlink';
  r.symlink = await code(fs.symlink('target', '/link'));
  step = 'link';
  r.link = await code(fs.link('/empty/sub/f.txt', '/hard'));
  step = 'readlinkFile';
  r.readlinkFile = await code(fs.readlink('/empty/sub/f.txt'));
  step = 'setTimes';
  r.setTimes = await code(fs.setTimes('/empty', 1n, 2n, false));
  const open = await fs.open('/empty/sub/f.txt', RW);
  await fs.unlink('/empty/sub/f.txt');
  step = 'readAfterUnlink';
  r.readAfterUnlink = dec.decode(await open.read(10, 0));
  step = 'goneAfterUnlink';
  r.goneAfterUnlink = await code(fs.lstat('/empty/sub/f.txt'));
  await open.close();
  step = 'listing';
  r.listing = (await fs.readdir('/')).map((e) => `${e.name}:${e.kind}`);
  step = 'dirTimes';
  r.dirTimes = String((await fs.lstat('/empty')).mtimNs);
  step = 'size';
  r.size = String(r.size);
  } catch (e) { throw new Error(`at ${step}: ${e}`); }
  await opfsClear();
  return r;
}
