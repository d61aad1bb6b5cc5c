// Published napi-rs wasm32-wasi bindings on wasi-host in headless Chromium:
// each binding's stock browser loader (@tybys/wasm-util's WASI) and the README
// recipe's copy of it (wasi-host's, test/napi/loaders.ts) bundled with esbuild
// (test/napi/bundle.ts), each run on a fresh cross-origin isolated page, and
// their results compared. The loaders' WASI on the binding's main thread gets
// the loader's memfs (`fs: __fs`); each wasi-threads Worker's gets a proxy of
// it that calls back to that thread (test/browser/napi.js says what runs where).
// The bridged recipe (README, "Threads that read files in a browser"): every
// thread's WASI mounts a blocking bridge to a MemFS the page serves, so
// tailwind's Scanner may walk a directory on its threads during a call; its
// result is compared with the stock Node loader's on the same tree.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { launchChromium, loopbackContext } from './browser/chromium.js';
import { chromium, describeInBrowser } from './browser/engines.js';
import { bundleBrowserLoader } from './napi/bundle.js';
import { BINDINGS, BRIDGED, installWasiHost, patchBrowserLoader, patchBrowserLoaderBridged } from './napi/loaders.js';

type Name = keyof typeof BINDINGS;

/** A small source tree: enough files for rayon to hand some to other threads. */
const TREE: Record<string, string> = { 'app.js': "export const cls = ['grid', 'gap-4', 'lg:grid-cols-3']\n" };
for (let i = 0; i < 24; i++) TREE[`pkg${i % 3}/src/c${i}.html`] = `<div class="m-${i} p-${i % 7} md:flex hover:text-red-${(i % 9) + 1}00">${i}</div>\n`;

/** The stock Node loader's result on TREE written to `dir` (test/napi/run-node.cjs). */
function nodeResult(dir: string): Promise<Record<string, unknown>> {
  for (const [path, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const b = BINDINGS.tailwind;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [new URL('./napi/run-node.cjs', import.meta.url).pathname, join(b.dir, b.node), 'tailwind', dir], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve((JSON.parse(stdout) as { result: Record<string, unknown> }).result);
    });
  });
}

describeInBrowser('napi-rs bindings on wasi-host in Chromium', chromium, () => {
  let out: string;
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];

  beforeAll(async () => {
    if (!existsSync('dist/browser.js')) throw new Error('dist/ is missing: run `npm run build` (npm test builds first)');
    installWasiHost();
    out = mkdtempSync(join(tmpdir(), 'wasi-host-napi-browser-'));
    for (const name of Object.keys(BINDINGS) as Name[]) {
      patchBrowserLoader(BINDINGS[name]);
      await bundleBrowserLoader(BINDINGS[name], false, join(out, `${name}-stock`));
      await bundleBrowserLoader(BINDINGS[name], true, join(out, `${name}-host`));
    }
    patchBrowserLoaderBridged(BINDINGS.tailwind);
    await bundleBrowserLoader(BINDINGS.tailwind, BRIDGED, join(out, 'tailwind-bridged'));
    server = await startStaticServer({ mounts: { '/napi': out, '/test/browser': 'test/browser', '/dist': 'dist' } });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  /**
   * `name`'s workload through its stock loader or the recipe's, on a page of
   * its own (or a Worker of that page); 'bridged': tailwind's bridged
   * workload in a Worker, TREE under /src in a MemFS the page serves.
   */
  async function run(name: Name, variant: 'stock' | 'host' | 'bridged', inWorker: boolean): Promise<Record<string, unknown>> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${server.url}/test/browser/index.html`);
      await page.waitForFunction(() => '__import' in globalThis);
      const args = { binding: variant === 'bridged' ? `${name}-bridged` : name, loaderUrl: `/napi/${name}-${variant}/loader.js`, inWorker, tree: variant === 'bridged' ? TREE : undefined };
      const reply = await page.evaluate(async ({ binding, loaderUrl, inWorker, tree }) => {
        const load = (globalThis as unknown as { __import(u: string): Promise<Record<string, (...a: unknown[]) => unknown>> }).__import;
        let bridge: SharedArrayBuffer | undefined;
        if (tree !== undefined) {
          const { MemFS } = await load('/dist/browser.js');
          const { createVfsBridge, serveVfsBridge, toAsyncVfs } = await load('/dist/opfs.js');
          const files = Object.fromEntries(Object.entries(tree).map(([p, text]) => [`src/${p}`, text]));
          bridge = createVfsBridge() as SharedArrayBuffer;
          serveVfsBridge(toAsyncVfs(new (MemFS as unknown as new (t: object) => object)(files)), bridge);
        }
        if (!inWorker) {
          const mod = await (globalThis as unknown as { __import(u: string): Promise<{ workload(b: string, u: string): Promise<unknown> }> }).__import('/test/browser/napi.js');
          return { result: await mod.workload(binding, loaderUrl), error: undefined };
        }
        const worker = new Worker('/test/browser/napi-worker.js', { type: 'module' });
        return new Promise<{ result?: unknown; error?: string }>((resolve) => {
          worker.onmessage = (e) => resolve(e.data as { result?: unknown; error?: string });
          worker.onerror = (e) => resolve({ error: e.message });
          worker.postMessage({ binding, loaderUrl, bridge });
          // A hang (the stock recipe's, README) fails the test instead of stalling it.
          setTimeout(() => resolve({ error: 'no answer in 20 s' }), 20_000);
        });
      }, args);
      expect(reply.error).toBeUndefined();
      expect(errors).toEqual([]);
      return reply.result as Record<string, unknown>;
    } finally {
      await page.close();
    }
  }

  it('@node-rs/argon2 on the page: hashes and verifies, synchronously and on its async work pool, to the same strings', async () => {
    const stock = await run('argon2', 'stock', false);
    const host = await run('argon2', 'host', false);
    expect(host).toEqual(stock);
    expect(stock.verifySync).toEqual([true, false]);
    expect(stock.verify).toEqual([true, false]);
    expect(stock.hashSync).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
  });

  it("@tailwindcss/oxide in a Worker, its files in the loader's memfs: the Scanner finds the same candidates", async () => {
    const stock = await run('tailwind', 'stock', true);
    const host = await run('tailwind', 'host', true);
    expect(host).toEqual(stock);
    expect(stock.candidates).toEqual(['class', 'm-0', 'm-1', 'm-2', 'm-3', 'm-4', 'm-5', 'md:flex']);
    expect(blocked).toEqual([]);
  });

  it("@tailwindcss/oxide in a Worker, every thread on a bridge the page serves: scan() of a directory and a 2-input scanFiles give Node's result", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-napi-tree-'));
    try {
      const [node, bridged] = await Promise.all([nodeResult(dir), run('tailwind', 'bridged', true)]);
      expect(bridged).toEqual(node);
      expect(node.files).toHaveLength(25);
      expect(node.scanFiles).toEqual(['class', 'gap-4', 'grid', 'lg:grid-cols-3', 'm-1', 'md:flex']);
      expect(blocked).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
