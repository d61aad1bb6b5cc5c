// The demo page: choose a program, set argv/env/stdin, run it in a Worker
// (demo/worker.js), stream its output into the terminal pane, and show the
// in-memory filesystem before and after, with uploads and downloads.
const $ = (id) => document.getElementById(id);
const ui = {
  fixture: $('fixture'), description: $('fixture-description'), dropzone: $('dropzone'), wasmFile: $('wasm-file'),
  programName: $('program-name'), args: $('args'), env: $('env'), stdin: $('stdin'), run: $('run'), stop: $('stop'),
  status: $('status'), terminal: $('terminal'), clear: $('clear'), upload: $('upload'), uploadFile: $('upload-file'),
  reset: $('reset'), tree: $('tree'), filesPanel: $('files-panel'),
};

const encoder = new TextEncoder();
let fixtures = [];
/** The program to run: { name, bytes } */
let program = null;
/** The filesystem the next run starts from: [{ path, kind: 'file'|'dir'|'symlink', bytes?, target? }] */
let entries = [];
/** What "Reset files" goes back to. */
let seedEntries = [];
let worker = null;
let runStarted = 0;

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

const MAX_TERMINAL_CHARS = 2_000_000;
let pending = [];
let flushQueued = false;
const decoders = { 1: new TextDecoder(), 2: new TextDecoder() };

function write(kind, text) {
  if (text === '') return;
  pending.push([kind, text]);
  if (!flushQueued) {
    flushQueued = true;
    requestAnimationFrame(flush);
  }
}

/** Appends what arrived since the last frame, merging runs of one stream into one span. */
function flush() {
  flushQueued = false;
  const term = ui.terminal;
  const atBottom = term.scrollTop + term.clientHeight >= term.scrollHeight - 4;
  for (const [kind, text] of pending) {
    const last = term.lastChild;
    if (last && last.dataset.kind === kind) last.textContent += text;
    else {
      const span = document.createElement('span');
      span.dataset.kind = kind;
      if (kind !== 'out') span.className = kind;
      span.textContent = text;
      term.append(span);
    }
  }
  pending = [];
  let total = term.textContent.length;
  while (total > MAX_TERMINAL_CHARS && term.firstChild) {
    total -= term.firstChild.textContent.length;
    term.firstChild.remove();
  }
  if (atBottom) term.scrollTop = term.scrollHeight;
}

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

async function addFiles(fileList) {
  const names = [];
  for (const f of fileList) {
    const bytes = new Uint8Array(await f.arrayBuffer());
    const path = '/' + f.name;
    entries = entries.filter((e) => e.path !== path);
    entries.push({ path, kind: 'file', bytes });
    names.push(f.name);
  }
  renderTree();
  if (names.length > 0) setStatus(`Added ${names.join(', ')} to /sandbox.`);
}

// ---------- choosing a program ----------

function setProgram(name, bytes) {
  program = { name, bytes };
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
    a.textContent = f.source.endsWith('.rs') ? 'Rust source' : f.source.endsWith('.cpp') ? 'C++ source' : 'C source';
    ui.description.append(' (', a, ')');
  }
  ui.args.value = f.args.map(quoteArg).join(' ');
  ui.env.value = Object.entries(f.env).map(([k, v]) => `${k}=${v}`).join('\n');
  ui.stdin.value = f.stdin;
  seedEntries = seedFromFixture(f.files);
  entries = cloneEntries(seedEntries);
  renderTree();
  ui.run.disabled = true;
  setStatus(`Loading ${name}…`);
  const res = await fetch(f.wasm);
  if (!res.ok) {
    setStatus(`Could not load ${f.wasm}: ${res.status}`, 'fail');
    return;
  }
  setProgram(name, new Uint8Array(await res.arrayBuffer()));
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
  ui.run.disabled = program === null;
  ui.stop.disabled = true;
  ui.fixture.disabled = false;
}

function run() {
  if (program === null || worker !== null) return;
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
  const stdin = ui.stdin.value;
  worker = new Worker('/worker.js', { type: 'module' });
  ui.run.disabled = true;
  ui.stop.disabled = false;
  ui.fixture.disabled = true;
  runStarted = performance.now();
  setStatus('Starting…');
  worker.onmessage = ({ data }) => {
    if (data.type === 'started') {
      setStatus(`Running… (sleeps ${data.sleep === 'atomics' ? 'block in Atomics.wait' : 'spin'})`);
    } else if (data.type === 'out') {
      write(data.fd === 2 ? 'err' : 'out', decoders[data.fd].decode(data.chunk, { stream: true }));
    } else if (data.type === 'exit') {
      write('out', decoders[1].decode());
      write('err', decoders[2].decode());
      entries = data.entries;
      renderTree();
      if (data.error !== null) {
        write('err', `[${data.error}]\n`);
        flush();
        setStatus(`Failed: ${data.error}`, 'fail');
      } else {
        write('info', `[exit code ${data.exitCode}]\n`);
        flush();
        setStatus(`Exited with code ${data.exitCode} in ${data.ms.toFixed(0)} ms.`, data.exitCode === 0 ? 'ok' : 'fail');
      }
      finish();
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    write('err', `[worker error: ${e.message}]\n`);
    setStatus(`Worker error: ${e.message}`, 'fail');
    finish();
  };
  worker.postMessage({ wasm: program.bytes, args, env, stdin, entries: cloneEntries(entries) });
}

function stop() {
  if (worker === null) return;
  const secs = ((performance.now() - runStarted) / 1000).toFixed(1);
  finish();
  write('info', `[stopped after ${secs} s]\n`);
  flush(); // the last line shows with the status, not a frame later
  setStatus(`Stopped after ${secs} s. The files are as they were before the run.`, 'fail');
}

// ---------- wiring ----------

ui.run.addEventListener('click', run);
ui.stop.addEventListener('click', stop);
ui.clear.addEventListener('click', () => ui.terminal.replaceChildren());
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
ui.reset.addEventListener('click', () => {
  entries = cloneEntries(seedEntries);
  renderTree();
  setStatus('Files reset.');
});

async function start() {
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
