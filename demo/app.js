// The demo page: choose a program, set argv/env/stdin, run it in a Worker and
// show it in an xterm.js terminal, with the in-memory filesystem before and
// after, uploads, downloads and a text editor. A program run "in the
// terminal" goes through wasi-host/runner's spawn(): the line typed is echoed
// here and sent to its stdin on Enter (README, "Interactive programs"), and
// the page's MemFS is shared with it; a threaded program runs with
// WASI.startThreaded on this page; other runs use demo/worker.js. Every run's
// files come back to the file panel, and with "Keep files" they are saved to
// OPFS after each change and restored at load.
import { Terminal } from '/xterm/lib/xterm.mjs';
import { spawn } from '/dist/browser-runner.js';
import { WASI, loadFromOPFS, saveToOPFS } from '/dist/browser.js';
import { entriesOf, memfsFrom } from '/files.js';

const $ = (id) => document.getElementById(id);
const ui = {
  fixture: $('fixture'), description: $('fixture-description'), dropzone: $('dropzone'), wasmFile: $('wasm-file'),
  programName: $('program-name'), args: $('args'), env: $('env'), stdin: $('stdin'), run: $('run'), stop: $('stop'),
  interactive: $('interactive'),
  status: $('status'), terminal: $('terminal'), clear: $('clear'), upload: $('upload'), uploadFile: $('upload-file'),
  reset: $('reset'), tree: $('tree'), filesPanel: $('files-panel'), keep: $('keep'),
  editor: $('editor'), editorPath: $('editor-path'), editorText: $('editor-text'), editorSave: $('editor-save'),
  editorClose: $('editor-close'), editorNote: $('editor-note'),
};

/** The fixtures that wait for typed input: chosen, they run in the terminal. */
const INTERACTIVE = new Set(['repl', 'poll_stdin']);

const encoder = new TextEncoder();
let fixtures = [];
/** The program to run: { name, bytes } */
let program = null;
/** The filesystem the next run starts from: [{ path, kind: 'file'|'dir'|'symlink', bytes?, target? }] */
let entries = [];
/** What "Reset files" goes back to. */
let seedEntries = [];
let worker = null;
/** The spawn() handle of a run in the terminal. */
let proc = null;
/** A threaded run (WASI.startThreaded on this page), which cannot be stopped before it ends. */
let threaded = false;
let runStarted = 0;
/** The OPFS directory "Keep files" saves to, and where the choice itself is remembered. */
const OPFS_DIR = 'wasi-host-demo';
const KEEP_KEY = 'wasi-host-demo-keep';

// ---------- argv and environment text ----------

/** Splits like a shell: whitespace separates, "..." (with \" and \\) and '...' quote, \ escapes. */
export function parseArgs(text) {
  const out = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      has = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        cur += text[i];
      }
    } else if (c === "'") {
      has = true;
      for (i++; i < text.length && text[i] !== "'"; i++) cur += text[i];
    } else if (c === '\\' && i + 1 < text.length) {
      has = true;
      cur += text[++i];
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

function quoteArg(a) {
  return a !== '' && /^[^\s"'\\]+$/.test(a) ? a : `"${a.replace(/[\\"]/g, '\\$&')}"`;
}

function parseEnv(text) {
  const env = {};
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`environment line ${n + 1} is not NAME=VALUE: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

// ---------- terminal ----------

const term = new Terminal({
  convertEol: true, // the guest writes \n; the terminal needs \r\n
  cursorBlink: true,
  fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
  fontSize: 13,
  scrollback: 5000,
  theme: { background: '#14171c', foreground: '#e8e8e8' },
});
term.open(ui.terminal);
const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
/** stderr in red and the page's own lines dimmed, in ANSI so the guest's own colours pass through. */
const STYLE = { out: ['', ''], err: ['\x1b[31m', '\x1b[39m'], info: ['\x1b[2m', '\x1b[22m'] };

function write(kind, text) {
  if (text === '') return;
  const [on, off] = STYLE[kind];
  term.write(on + text + off);
}

/** The line being typed: echoed locally, sent to the guest's stdin on Enter (a terminal's canonical mode). */
let line = '';

function onTyped(data) {
  if (data.startsWith('\x1b')) return; // arrows and other keys with no line-editing meaning here
  for (const ch of data) {
    if (ch === '\x03') {
      // Ctrl-C stops whatever runs, typed into or not.
      if (proc === null && worker === null) continue;
      term.write('^C\r\n');
      stop();
      return;
    }
    if (proc === null) continue;
    if (ch === '\r') {
      term.write('\r\n');
      proc.stdin.write(line + '\n');
      line = '';
    } else if (ch === '\x7f' || ch === '\b') {
      if (line !== '') {
        line = [...line].slice(0, -1).join(''); // one character, not one UTF-16 unit
        term.write('\b \b');
      }
    } else if (ch === '\x04') {
      // As on a terminal: Ctrl-D sends a partial line as it is, and on an empty line ends input.
      if (line !== '') proc.stdin.write(line);
      else proc.stdin.end();
      line = '';
    } else if (ch >= ' ') {
      line += ch;
      term.write(ch);
    }
  }
}
term.onData(onTyped);

function setStatus(text, kind = '') {
  ui.status.textContent = text;
  ui.status.className = kind;
}

// ---------- files ----------

function seedFromFixture(files) {
  const out = [];
  for (const [key, value] of Object.entries(files)) {
    const path = '/' + key.replace(/\/+$/, '');
    if (value === null || key.endsWith('/')) out.push({ path, kind: 'dir' });
    else out.push({ path, kind: 'file', bytes: encoder.encode(value) });
  }
  return out;
}

function cloneEntries(list) {
  return list.map((e) => (e.bytes ? { ...e, bytes: e.bytes.slice() } : { ...e }));
}

function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let blobUrls = [];
function renderTree() {
  for (const u of blobUrls) URL.revokeObjectURL(u);
  blobUrls = [];
  const root = { children: new Map() };
  for (const e of entries) {
    const parts = e.path.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      let child = node.children.get(part);
      if (child === undefined) {
        child = { name: part, path: '/' + parts.slice(0, i + 1).join('/'), kind: 'dir', children: new Map() };
        node.children.set(part, child);
      }
      if (i === parts.length - 1) Object.assign(child, { kind: e.kind, entry: e });
      node = child;
    });
  }
  const build = (node) => {
    const ul = document.createElement('ul');
    const kids = [...node.children.values()].sort((a, b) =>
      (a.kind === 'dir') !== (b.kind === 'dir') ? (a.kind === 'dir' ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const k of kids) {
      const li = document.createElement('li');
      li.className = k.kind;
      li.dataset.path = k.path;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = k.kind === 'dir' ? `${k.name}/` : k.name;
      if (k.kind === 'file') {
        name.tabIndex = 0;
        name.setAttribute('role', 'button');
        name.title = `view or edit /sandbox${k.path}`;
        name.addEventListener('click', () => openEditor(k.path));
        name.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') openEditor(k.path);
        });
      }
      li.append(name);
      if (k.kind === 'file') {
        const size = document.createElement('span');
        size.className = 'size';
        size.textContent = formatSize(k.entry.bytes.byteLength);
        const a = document.createElement('a');
        const url = URL.createObjectURL(new Blob([k.entry.bytes]));
        blobUrls.push(url);
        a.href = url;
        a.download = k.name;
        a.textContent = 'download';
        a.title = `download /sandbox${k.path}`;
        li.append(size, a);
      } else if (k.kind === 'symlink') {
        const t = document.createElement('span');
        t.className = 'size';
        t.textContent = `→ ${k.entry.target}`;
        li.append(t);
      }
      if (k.kind === 'dir' && k.children.size > 0) li.append(build(k));
      ul.append(li);
    }
    return ul;
  };
  const list = build(root);
  ui.tree.replaceChildren(...list.childNodes);
  if (entries.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = '(empty)';
    ui.tree.append(li);
  }
}

/** The file list changed: redraw it and, with "Keep files", save it to OPFS. */
async function filesChanged() {
  renderTree();
  if (!ui.keep.checked) return;
  // One save at a time, each of the files as they were when it was asked for: saveToOPFS replaces the whole directory.
  const fs = memfsFrom(entries);
  saving = saving.then(() => saveToOPFS(fs, OPFS_DIR)).then(
    () => {
      document.body.dataset.savedAt = String(performance.now());
    },
    (err) => setStatus(`Could not save the files to OPFS: ${err.message}`, 'fail'),
  );
  await saving;
}
let saving = Promise.resolve();

async function addFiles(fileList) {
  const names = [];
  for (const f of fileList) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const path = '/' + f.name;
    entries = entries.filter((e) => e.path !== path);
    entries.push({ path, kind: 'file', bytes });
    names.push(f.name);
  }
  await filesChanged();
  if (names.length > 0) setStatus(`Added ${names.join(', ')} to /sandbox.`);
}

// ---------- viewing and editing a file ----------

/** The path open in the editor, or null. */
let editing = null;

function openEditor(path) {
  const e = entries.find((x) => x.path === path && x.kind === 'file');
  if (e === undefined) return;
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(e.bytes);
  } catch {
    setStatus(`/sandbox${path} is not UTF-8 text (${formatSize(e.bytes.byteLength)}): download it instead.`, 'fail');
    return;
  }
  editing = path;
  ui.editorPath.textContent = `/sandbox${path}`;
  ui.editorText.value = text;
  ui.editorNote.textContent = '';
  ui.editor.hidden = false;
  ui.editorText.focus();
}

async function saveEditor() {
  if (editing === null) return;
  const bytes = encoder.encode(ui.editorText.value);
  const e = entries.find((x) => x.path === editing && x.kind === 'file');
  if (e === undefined) entries.push({ path: editing, kind: 'file', bytes });
  else e.bytes = bytes;
  await filesChanged();
  ui.editorNote.textContent = `Saved ${formatSize(bytes.byteLength)}: the next run reads it.`;
  setStatus(`Saved /sandbox${editing}.`);
}

function closeEditor() {
  editing = null;
  ui.editor.hidden = true;
}

// ---------- choosing a program ----------

/** `threads`: the shared memory a wasi-threads program imports ({ initial, maximum } pages), or null. */
function setProgram(name, bytes, threads = null) {
  program = { name, bytes, threads };
  ui.programName.textContent = name;
  ui.run.disabled = worker !== null;
}

async function chooseFixture(name) {
  const f = fixtures.find((x) => x.name === name);
  if (f === undefined) return;
  ui.description.textContent = f.description;
  if (f.source) {
    const a = document.createElement('a');
    a.href = f.source;
    a.target = '_blank';
    a.textContent = f.source.endsWith('.rs') ? 'Rust source' : f.source.endsWith('.cpp') ? 'C++ source' : f.source.endsWith('.wat') ? 'WebAssembly text' : 'C source';
    ui.description.append(' (', a, ')');
  }
  ui.args.value = f.args.map(quoteArg).join(' ');
  ui.env.value = Object.entries(f.env).map(([k, v]) => `${k}=${v}`).join('\n');
  ui.stdin.value = f.stdin;
  ui.interactive.checked = INTERACTIVE.has(name);
  ui.stdin.disabled = ui.interactive.checked;
  seedEntries = seedFromFixture(f.files);
  if (ui.keep.checked) {
    // Kept files stay; the example's own files are added where missing.
    for (const e of cloneEntries(seedEntries)) if (!entries.some((x) => x.path === e.path)) entries.push(e);
  } else entries = cloneEntries(seedEntries);
  closeEditor();
  await filesChanged();
  ui.run.disabled = true;
  setStatus(`Loading ${name}…`);
  const res = await fetch(f.wasm);
  if (!res.ok) {
    setStatus(`Could not load ${f.wasm}: ${res.status}`, 'fail');
    return;
  }
  setProgram(name, new Uint8Array(await res.arrayBuffer()), f.threads ?? null);
  setStatus(`Ready: ${name}. Press Run.`);
}

async function chooseWasmFile(file) {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!WebAssembly.validate(bytes)) {
    setStatus(`${file.name} is not a valid WebAssembly module.`, 'fail');
    return;
  }
  let custom = ui.fixture.querySelector('option[value="__file"]');
  if (!custom) {
    custom = new Option('', '__file');
    ui.fixture.prepend(custom);
  }
  custom.textContent = `your file: ${file.name}`;
  ui.fixture.value = '__file';
  ui.description.textContent = `${file.name}, ${formatSize(bytes.byteLength)}, from your computer.`;
  seedEntries = [];
  setProgram(file.name.replace(/\.wasm$/i, ''), bytes);
  setStatus(`Ready: ${file.name}. Press Run.`);
}

// ---------- running ----------

function finish() {
  worker?.terminate();
  worker = null;
  proc = null;
  threaded = false;
  line = '';
  ui.run.disabled = program === null;
  ui.stop.disabled = true;
  ui.fixture.disabled = false;
}

function exited(exitCode, ms, note = '') {
  write('out', decoders[1].decode());
  write('err', decoders[2].decode());
  write('info', `[exit code ${exitCode}]\n`);
  setStatus(`Exited with code ${exitCode} in ${ms.toFixed(0)} ms.${note}`, exitCode === 0 ? 'ok' : 'fail');
  finish();
}

function failed(error) {
  write('err', `[${error}]\n`);
  setStatus(`Failed: ${error}`, 'fail');
  finish();
}

function run() {
  if (program === null || worker !== null || proc !== null || threaded) return;
  let env;
  try {
    env = parseEnv(ui.env.value);
  } catch (err) {
    setStatus(err.message, 'fail');
    return;
  }
  const args = [program.name, ...parseArgs(ui.args.value)];
  write('info', `$ ${args.map(quoteArg).join(' ')}\n`);
  decoders[1] = new TextDecoder();
  decoders[2] = new TextDecoder();
  ui.run.disabled = true;
  ui.stop.disabled = false;
  ui.fixture.disabled = true;
  runStarted = performance.now();
  if (program.threads !== null) runThreaded(args, env);
  else if (ui.interactive.checked) runInTerminal(args, env);
  else runInWorker(args, env);
}

/** Stdin is what is typed in the terminal; the guest sees a terminal (isatty). */
function runInTerminal(args, env) {
  // Shared with the command: it holds what the command left once `exited` settles (README, "Interactive programs").
  const fs = memfsFrom(entries);
  const out = (fd) => (chunk) => write(fd === 2 ? 'err' : 'out', decoders[fd].decode(chunk, { stream: true }));
  let p;
  try {
    p = spawn(program.bytes, { args, env, tty: true, preopens: { '/sandbox': fs }, stdout: out(1), stderr: out(2) });
  } catch (err) {
    failed(err.message);
    return;
  }
  proc = p;
  line = '';
  term.focus();
  setStatus('Running in the terminal: type a line and press Enter; Ctrl-D ends input, Ctrl-C stops.');
  const filesBack = () => {
    entries = entriesOf(fs);
    return filesChanged();
  };
  p.exited.then(
    async (code) => {
      if (proc !== p) return; // stopped
      await filesBack();
      exited(code, performance.now() - runStarted);
    },
    async (err) => {
      if (proc !== p) return;
      await filesBack();
      failed(`${err.name}: ${err.message}`);
    },
  );
}

/**
 * A wasi-threads program: WASI.startThreaded on this page, which serves every
 * thread's calls while each thread runs in a Worker of its own (README,
 * "Threads"); the page's MemFS is the one filesystem they all see.
 */
async function runThreaded(args, env) {
  threaded = true;
  ui.stop.disabled = true; // startThreaded runs to the end: there is nothing to stop it with
  const fs = memfsFrom(entries);
  const memory = new WebAssembly.Memory({ ...program.threads, shared: true });
  const out = (fd) => ({ isTTY: true, write: (chunk) => write(fd === 2 ? 'err' : 'out', decoders[fd].decode(chunk, { stream: true })) });
  setStatus('Running with threads…');
  try {
    const module = await WebAssembly.compile(program.bytes);
    const wasi = new WASI({ args, env, memory, stdin: '', preopens: { '/sandbox': fs }, stdout: out(1), stderr: out(2) });
    const code = await wasi.startThreaded(module, { workerUrl: '/dist/browser-thread-worker.js' });
    entries = entriesOf(fs);
    await filesChanged();
    exited(code, performance.now() - runStarted);
  } catch (err) {
    entries = entriesOf(fs);
    await filesChanged();
    failed(`${err.name}: ${err.message}`);
  }
}

/** Stdin is the text box; the files the program leaves come back to the file panel. */
function runInWorker(args, env) {
  worker = new Worker('/worker.js', { type: 'module' });
  setStatus('Starting…');
  worker.onmessage = ({ data }) => {
    if (data.type === 'started') {
      setStatus(`Running… (sleeps ${data.sleep === 'atomics' ? 'block in Atomics.wait' : 'spin'})`);
    } else if (data.type === 'out') {
      write(data.fd === 2 ? 'err' : 'out', decoders[data.fd].decode(data.chunk, { stream: true }));
    } else if (data.type === 'exit') {
      entries = data.entries;
      void filesChanged();
      if (data.error !== null) failed(data.error);
      else exited(data.exitCode, data.ms);
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    write('err', `[worker error: ${e.message}]\n`);
    setStatus(`Worker error: ${e.message}`, 'fail');
    finish();
  };
  worker.postMessage({ wasm: program.bytes, args, env, stdin: ui.stdin.value, entries: cloneEntries(entries) });
}

function stop() {
  if (worker === null && proc === null) return;
  const t0 = performance.now();
  const secs = ((t0 - runStarted) / 1000).toFixed(1);
  const p = proc;
  finish();
  if (p !== null) {
    p.kill();
    // How long the guest took to stop once asked (test/browser-demo.test.ts holds it under 100 ms).
    p.exited.then(() => {
      document.body.dataset.stopMs = (performance.now() - t0).toFixed(1);
    });
  }
  write('info', `[stopped after ${secs} s]\n`);
  setStatus(`Stopped after ${secs} s. The files are as they were before the run.`, 'fail');
}

// ---------- wiring ----------

ui.run.addEventListener('click', run);
ui.stop.addEventListener('click', stop);
ui.clear.addEventListener('click', () => term.reset());
ui.interactive.addEventListener('change', () => {
  ui.stdin.disabled = ui.interactive.checked;
});
ui.fixture.addEventListener('change', () => {
  if (ui.fixture.value !== '__file') chooseFixture(ui.fixture.value);
});
ui.dropzone.addEventListener('click', () => ui.wasmFile.click());
ui.dropzone.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    ui.wasmFile.click();
  }
});
ui.wasmFile.addEventListener('change', () => chooseWasmFile(ui.wasmFile.files[0]));
for (const [el, onDrop] of [[ui.dropzone, (files) => chooseWasmFile(files[0])], [ui.filesPanel, addFiles]]) {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    e.stopPropagation();
    el.classList.add('over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    el.classList.remove('over');
    onDrop([...e.dataTransfer.files]);
  });
}
ui.upload.addEventListener('click', () => ui.uploadFile.click());
ui.uploadFile.addEventListener('change', async () => {
  await addFiles([...ui.uploadFile.files]);
  ui.uploadFile.value = '';
});
ui.reset.addEventListener('click', async () => {
  entries = cloneEntries(seedEntries);
  closeEditor();
  await filesChanged();
  setStatus('Files reset.');
});
ui.editorSave.addEventListener('click', saveEditor);
ui.editorClose.addEventListener('click', closeEditor);
ui.keep.addEventListener('change', async () => {
  localStorage.setItem(KEEP_KEY, ui.keep.checked ? '1' : '');
  if (ui.keep.checked) await filesChanged();
  else {
    // Unchecked: the saved copy goes; the files on the page stay until reload.
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(OPFS_DIR, { recursive: true }).catch(() => {});
  }
  document.body.dataset.keepSettled = String(performance.now());
});

async function start() {
  ui.keep.checked = localStorage.getItem(KEEP_KEY) === '1';
  if (ui.keep.checked) {
    for (const [key, value] of Object.entries(await loadFromOPFS(OPFS_DIR))) {
      entries.push(value === null ? { path: '/' + key.replace(/\/$/, ''), kind: 'dir' } : { path: '/' + key, kind: 'file', bytes: value });
    }
  }
  renderTree();
  const res = await fetch('/fixtures.json');
  fixtures = await res.json();
  ui.fixture.replaceChildren(...fixtures.map((f) => new Option(f.name, f.name)));
  const first = fixtures.some((f) => f.name === 'hello') ? 'hello' : fixtures[0]?.name;
  if (first) {
    ui.fixture.value = first;
    await chooseFixture(first);
  }
  document.body.dataset.ready = 'true';
}

start().catch((err) => setStatus(`Could not start: ${err.message}`, 'fail'));
