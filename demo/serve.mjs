#!/usr/bin/env node
// `npm run demo`: serves the demo page on http://127.0.0.1:8080 (or --port N,
// or PORT). The page loads the built dist/browser.js, so build first (npm run
// demo does).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';
import { tickerWasm } from './ticker.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const fixtureDir = join(root, 'wasi-fixtures');

/** The URL of a fixture's source, C or Rust, if it has one. */
function sourceOf(name) {
  for (const ext of ['c', 'rs', 'cpp']) {
    if (existsSync(join(fixtureDir, `${name}.${ext}`))) return `/wasi-fixtures/${name}.${ext}`;
  }
  return null;
}

/** The fixtures the page offers: every wasi-fixtures/NAME.json with a NAME.wasm, and the ticker. */
function fixtureList() {
  const list = readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json') && existsSync(join(fixtureDir, f.slice(0, -5) + '.wasm')))
    .sort()
    .map((f) => {
      const name = f.slice(0, -5);
      const spec = JSON.parse(readFileSync(join(fixtureDir, f), 'utf8'));
      return {
        name,
        description: spec.description ?? '',
        wasm: `/wasi-fixtures/${name}.wasm`,
        source: sourceOf(name),
        args: spec.args ?? [],
        env: spec.env ?? {},
        stdin: spec.stdin ?? '',
        files: spec.files ?? {},
      };
    });
  // wasi-threads: four threads write to one descriptor; WASI.startThreaded runs it (demo/app.js).
  list.push({
    name: 'threads_write_one_fd',
    description: 'wasi-threads: four threads write 50 lines each to /sandbox/out.txt through one descriptor, then the main thread prints "done" (each thread is a Worker; the page serves their calls)',
    wasm: '/wasi-fixtures/threads/write_one_fd.wasm',
    source: '/wasi-fixtures/threads/write_one_fd.wat',
    args: [],
    env: {},
    stdin: '',
    files: {},
    // The shared memory it imports: (memory 1 1 shared).
    threads: { initial: 1, maximum: 1 },
  });
  list.push({
    name: 'ticker',
    description: 'prints "tick N" every 100 ms and never stops on its own: press Stop (it sleeps with poll_oneoff in between)',
    wasm: '/ticker.wasm',
    source: null,
    args: [],
    env: {},
    stdin: '',
    files: {},
  });
  return list;
}

export function startDemoServer({ port = 0 } = {}) {
  return startStaticServer({
    port,
    mounts: {
      '/': here,
      '/dist': join(root, 'dist'),
      '/wasi-fixtures': fixtureDir,
      // The terminal pane (demo/app.js): xterm.js's ESM build and stylesheet.
      '/xterm': join(root, 'node_modules', '@xterm', 'xterm'),
    },
    routes: {
      '/fixtures.json': () => ({ type: 'application/json; charset=utf-8', body: JSON.stringify(fixtureList()) }),
      '/ticker.wasm': () => ({ type: 'application/wasm', body: tickerWasm(100) }),
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(root, 'dist', 'browser.js'))) {
    console.error('dist/browser.js is missing: run `npm run build` first (npm run demo does)');
    process.exit(1);
  }
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  try {
    const { url } = await startDemoServer({ port });
    console.log(`wasi-host demo: ${url}/  (Ctrl-C to stop)`);
  } catch (err) {
    if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
    const why = err.code === 'EADDRINUSE' ? 'is already in use' : 'may not be used by this user';
    console.error(`wasi-host demo: port ${port} on 127.0.0.1 ${why}; pick another with: npm run demo -- --port ${port === 8080 ? 8081 : port + 1}`);
    process.exit(1);
  }
}
