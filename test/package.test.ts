// The package as a user gets it (test/packed/project.ts: `npm pack`, then the
// README's install command in an empty project, offline): what the tarball
// holds, `npm publish --dry-run`, and a Node script, a `tsc --strict` project
// under `node16` and under `bundler` resolution, a Vite app and an esbuild app,
// each building and running a fixture (the browser apps in Chromium).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';
import { NPM_ENV, packedProject, REPO, sh, type PackedProject } from './packed/project.js';
import { runPage } from './packed/page.js';

let project: PackedProject;

beforeAll(async () => {
  project = await packedProject(inject('packRoot'));
}, 120_000);

function node(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, args, { cwd, env: NPM_ENV, encoding: 'utf8', timeout: 60_000 });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const ok = (what: string, r: { status: number | null; stdout: string; stderr: string }): string => {
  expect(r.status, `${what}:\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
};

describe('the tarball', () => {
  it('holds the built package, its declarations, README and LICENSE, and nothing else', () => {
    const files = ok('tar', spawnSync('tar', ['-tzf', project.tarball], { encoding: 'utf8' })).trim().split('\n').sort();
    const allowed = [
      /^package\/(package\.json|README\.md|LICENSE)$/,
      /^package\/bin\/wasi-host\.mjs$/,
      /^package\/dist\/(index|cli|browser|core|porter|thread-worker|browser-thread-worker|cli-test-worker|runner|runner-worker|browser-runner|browser-runner-worker|opfs|browser-napi|wasi-host\.iife|chunk-[A-Z0-9]+|browser-chunk-[A-Z0-9]+|cli-chunk-[A-Z0-9]+)\.js$/,
      /^package\/dist\/thread-worker\.cjs$/,
      /^package\/dist\/types\/[a-z0-9/-]+\.d\.ts$/,
    ];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const f of ['LICENSE', 'README.md', 'bin/wasi-host.mjs', 'dist/index.js', 'dist/cli.js', 'dist/browser.js', 'dist/core.js',
      'dist/wasi-host.iife.js', 'dist/thread-worker.js', 'dist/thread-worker.cjs', 'dist/browser-thread-worker.js', 'dist/types/index.d.ts', 'dist/types/browser.d.ts', 'dist/types/core.d.ts',
      'dist/porter.js', 'dist/types/porter/index.d.ts', 'dist/cli-test-worker.js']) {
      expect(files, f).toContain(`package/${f}`);
    }
  });

  it('`npm publish --dry-run` warns of nothing but the missing login', () => {
    const r = sh('npm publish --dry-run', project.clone);
    ok('npm publish --dry-run', r);
    const warnings = r.stderr.split('\n').filter((l) => /^npm (warn|error)/i.test(l) && !/requires you to be logged in/.test(l));
    expect(warnings).toEqual([]);
  });
});

describe('a Node project', () => {
  it('a plain ESM script runs a fixture on MemFS and on a host directory, and the bin runs one', () => {
    write(project.app, {
      'node-script.mjs': `import { readFile } from 'node:fs/promises';
import { run, MemFS, NodeFS } from 'wasi-host';
import { WASI as CoreWASI } from 'wasi-host/core';
const bytes = await readFile('wasi-fixtures/cat.wasm');
const mem = await run(bytes, { args: ['cat', '/m/a.txt'], preopens: { '/m': new MemFS({ 'a.txt': 'memfs\\n' }) } });
const host = await run(bytes, { args: ['cat', '/h/hello.c'], preopens: { '/h': new NodeFS('wasi-fixtures') } });
console.log(mem.stdout.trim(), host.stdout.split('\\n')[0], typeof CoreWASI);
`,
    });
    expect(ok('node node-script.mjs', node(['node-script.mjs'], project.app))).toBe('memfs /* hello: the smallest fixture. One line on stdout, exit 0. */ function\n');
    expect(ok('npx wasi-host', sh('npx wasi-host wasi-fixtures/hello.wasm', project.app))).toBe('Hello, WASI!\n');
  });

  it('tsc --strict with node16 resolution: Node types (NodeFS, typed wasiImport), then the output runs', () => {
    const dir = join(project.app, 'ts-node16');
    write(dir, {
      'package.json': JSON.stringify({ type: 'module' }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', types: ['node'], outDir: 'out', skipLibCheck: false }, files: ['main.ts', 'types-only.ts'] }),
      // Compiled, never run: the Node types leave the browser-only export out.
      'types-only.ts': `// @ts-expect-error sleepStrategy is in the browser entry only
import { sleepStrategy } from 'wasi-host';
export { sleepStrategy };
`,
      'main.ts': `import { readFile } from 'node:fs/promises';
import { WASI, NodeFS, type WASIImport } from 'wasi-host';

const wasi = new WASI({ args: ['cat', '/h/hello.c'], preopens: { '/h': new NodeFS('../wasi-fixtures') }, stdout: 'collect', returnOnExit: true });
const fdWrite: WASIImport['fd_write'] = wasi.wasiImport.fd_write;
const clock: (id: number, precision: bigint, out: number) => number = wasi.wasiImport.clock_time_get;
// @ts-expect-error not a preview1 import
void wasi.wasiImport.fd_frobnicate;
const { instance } = await WebAssembly.instantiate(await readFile('../wasi-fixtures/cat.wasm'), wasi.getImportObject());
const code: number = wasi.start(instance);
console.log(code, new TextDecoder().decode(wasi.getStdout()).split('\\n')[0], typeof fdWrite, typeof clock);
`,
    });
    ok('tsc -p ts-node16', node([join(project.app, 'node_modules/typescript/bin/tsc'), '-p', '.'], dir));
    expect(ok('node out/main.js', node(['out/main.js'], dir))).toBe('0 /* hello: the smallest fixture. One line on stdout, exit 0. */ function function\n');
  }, 60_000);
});

describe.skipIf(SKIP_BROWSER)('a browser project (bundler resolution, Vite, esbuild)', () => {
  const web = (): string => join(project.app, 'web');
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];

  beforeAll(async () => {
    const problem = chromiumProblem();
    if (problem !== null) throw new Error(problem);
    write(web(), {
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'], types: [], noEmit: true, skipLibCheck: true },
        files: ['main.ts', 'types-only.ts'],
      }),
      'index.html': '<!doctype html>\n<script type="module" src="./main.ts"></script>\n',
      'main.ts': `import { WASI, MemFS, run, sleepStrategy, type WASIImport } from 'wasi-host';

const bytes = await (await fetch(new URL('./cat.wasm', document.baseURI))).arrayBuffer();
const r = await run(bytes, { args: ['cat', '/d/a.txt'], preopens: { '/d': new MemFS({ 'a.txt': 'from the bundle' }) } });
const strategy: 'atomics' | 'spin' = sleepStrategy();
const imp: WASIImport = new WASI().wasiImport;
console.log(r.stdout, r.exitCode, strategy, typeof imp.fd_write);
Object.assign(globalThis, { __docDone: true });
`,
      // Type-checked, never bundled: the browser types leave the Node backend out.
      'types-only.ts': `// @ts-expect-error NodeFS is in the Node entry only
import { NodeFS } from 'wasi-host';
export { NodeFS };
`,
    });
    mkdirSync(join(web(), 'public'), { recursive: true });
    copyFileSync(join(REPO, 'wasi-fixtures/cat.wasm'), join(web(), 'public/cat.wasm'));
    server = await startStaticServer({ mounts: { '/': project.app } });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('tsc --strict with bundler resolution gets the browser types', () => {
    ok('tsc -p web', node([join(project.app, 'node_modules/typescript/bin/tsc'), '-p', '.'], web()));
  }, 60_000);

  async function expectRuns(path: string): Promise<void> {
    const r = await runPage(context, `${server.url}/web/${path}`, 'flag');
    expect(r.errors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(r.output).toBe('from the bundle 0 spin function\n');
  }

  it('vite build, then the app runs the fixture in Chromium', async () => {
    ok('vite build', node([join(project.app, 'node_modules/vite/bin/vite.js'), 'build', '--base', './', '--outDir', 'dist-vite', '--logLevel', 'warn'], web()));
    await expectRuns('dist-vite/index.html');
  }, 60_000);

  it('esbuild bundle, then the app runs the fixture in Chromium', async () => {
    const out = join(web(), 'dist-esbuild');
    await build({ entryPoints: [join(web(), 'main.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: join(out, 'main.js'), logLevel: 'error', absWorkingDir: project.app });
    write(out, { 'index.html': '<!doctype html>\n<script type="module" src="./main.js"></script>\n' });
    copyFileSync(join(web(), 'public/cat.wasm'), join(out, 'cat.wasm'));
    await expectRuns('dist-esbuild/index.html');
  }, 60_000);
});
