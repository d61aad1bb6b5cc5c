// What `import 'wasi-host'` costs a fresh Node process (issue 14, part 7): the
// built entry (dist/index.js, as `npm test` builds it first) loads no
// CommonJS package (memfs's tree is bundled, with five file-type bits for
// @jsonjoy.com/fs-node-utils), none of Node's modules that only some runs use
// (crypto, tty, worker_threads, perf_hooks: each loaded at its first use), and
// one shared chunk. Then a program that asks for randomness and a terminal
// check runs from that import, so the lazy loads are shown to load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = pathToFileURL(`${root}dist/index.js`).href;

const randomStdout = (JSON.parse(readFileSync(`${root}wasi-fixtures/random.json`, 'utf8')) as { stdout: string }).stdout;

// The child reports on stderr, the guest writes to stdout.
const child = `
import fs from 'node:fs';
import { createRequire } from 'node:module';
const builtins = () => process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13));
const before = new Set(builtins());
const { WASI, MemFS } = await import(${JSON.stringify(dist)});
const atImport = builtins().filter((m) => !before.has(m));
const cjs = Object.keys(createRequire(import.meta.url).cache);
const w = new WASI({ version: 'preview1', args: ['random'], env: {}, returnOnExit: true, preopens: { '/': new MemFS() } });
const module = new WebAssembly.Module(fs.readFileSync(${JSON.stringify(`${root}wasi-fixtures/random.wasm`)}));
const code = w.start(new WebAssembly.Instance(module, w.getImportObject()));
const afterRun = builtins().filter((m) => !before.has(m));
process.stderr.write(JSON.stringify({ atImport, cjs, afterRun, code }));
`;

describe('importing the built Node entry', () => {
  it('loads no CommonJS package and none of crypto, tty, worker_threads or perf_hooks until a run asks', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-'], { input: child, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stderr) as { atImport: string[]; cjs: string[]; afterRun: string[]; code: number };
    for (const lazy of ['crypto', 'tty', 'worker_threads', 'perf_hooks']) expect(report.atImport).not.toContain(lazy);
    expect(report.cjs).toEqual([]);
    // random.wasm prints through libc's stdio, which asks fd_fdstat_get of stdout (the tty check) and calls random_get.
    expect(report.code).toBe(0);
    expect(r.stdout).toBe(randomStdout);
    expect(report.afterRun).toContain('crypto');
    expect(report.afterRun).toContain('tty');
  });

  it('reads two of our modules: the entry and the chunk it shares with wasi-host/runner', () => {
    const text = readFileSync(`${root}dist/index.js`, 'utf8');
    const imports = [...text.matchAll(/from "(\.\/[^"]+)"/g)].map((m) => m[1]);
    expect(imports.length).toBe(1);
    const chunk = readFileSync(`${root}dist/${imports[0].slice(2)}`, 'utf8');
    expect([...chunk.matchAll(/from "(\.\/[^"]+)"/g)]).toEqual([]);
    expect([...chunk.matchAll(/from "([^"]+)"/g)].map((m) => m[1]).every((s) => s.startsWith('node:'))).toBe(true);
  });

  // Work at import is paid by every run, even one that never needs it (BENCHMARKS.md, "Issue 14, part 8"):
  // the Node platform's sleeper and interval-clock base are made at first use.
  it('reads no clock and makes no SharedArrayBuffer at import', () => {
    const script = `
let hrtimes = 0, sabs = 0;
const hrtime = process.hrtime;
process.hrtime = Object.assign((...a) => (hrtimes++, hrtime(...a)), { bigint: hrtime.bigint });
globalThis.SharedArrayBuffer = class extends SharedArrayBuffer { constructor(n) { super(n); sabs++; } };
await import(${JSON.stringify(dist)});
process.stderr.write(JSON.stringify([hrtimes, sabs]));
`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-'], { input: script, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stderr)).toEqual([0, 0]);
  });

  // An embedder's app bundled to CommonJS (esbuild, webpack, ncc) has no import.meta.url: the late
  // loads must not need it, and on Node before 20.16 (no process.getBuiltinModule) they still load.
  const runRandom = (setup: string, load: string, kind: 'module' | 'commonjs'): string => `
${setup}
const fs = require('node:fs');
const { WASI, MemFS } = ${load};
const w = new WASI({ version: 'preview1', args: ['random'], env: {}, returnOnExit: true, preopens: { '/': new MemFS() } });
const module = new WebAssembly.Module(fs.readFileSync(${JSON.stringify(`${root}wasi-fixtures/random.wasm`)}));
process.exitCode = w.start(new WebAssembly.Instance(module, w.getImportObject()));
`.replace('const fs = require', kind === 'module' ? 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url); const fs = require' : 'const fs = require');

  it('runs from a CommonJS bundle of an app, where import.meta.url is empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cjs-'));
    try {
      const app = join(dir, 'app.cjs');
      await build({ stdin: { contents: runRandom('', `require(${JSON.stringify(`${root}dist/index.js`)})`, 'commonjs'), resolveDir: root, loader: 'js' }, bundle: true, platform: 'node', format: 'cjs', outfile: app, logLevel: 'silent' });
      expect(readFileSync(app, 'utf8')).toContain('getBuiltinModule');
      const r = spawnSync(process.execPath, [app], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(randomStdout);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads them with a require of its own on Node without process.getBuiltinModule', () => {
    const script = runRandom('delete process.getBuiltinModule;', `await import(${JSON.stringify(dist)})`, 'module');
    const r = spawnSync(process.execPath, ['--input-type=module', '-'], { input: script, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(randomStdout);
    expect(r.status).toBe(0);
  });
});
