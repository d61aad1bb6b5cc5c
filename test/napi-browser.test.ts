// Published napi-rs wasm32-wasi bindings on wasi-host in headless Chromium:
// each binding's stock browser loader (@tybys/wasm-util's WASI) and the README
// recipe's copy of it (wasi-host's, test/napi/loaders.ts) bundled with esbuild
// (test/napi/bundle.ts), each run on a fresh cross-origin isolated page, and
// their results compared. The loaders' WASI on the binding's main thread gets
// the loader's memfs (`fs: __fs`); each wasi-threads Worker's gets a proxy of
// it that calls back to that thread (test/browser/napi.js says what runs where).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';
import { bundleBrowserLoader } from './napi/bundle.js';
import { BINDINGS, installWasiHost, patchBrowserLoader } from './napi/loaders.js';

type Name = keyof typeof BINDINGS;
const problem = chromiumProblem();

describe.skipIf(SKIP_BROWSER)('napi-rs bindings on wasi-host in Chromium', () => {
  if (problem !== null) {
    it('needs Chromium installed', () => {
      throw new Error(problem);
    });
    return;
  }
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
    server = await startStaticServer({ mounts: { '/napi': out, '/test/browser': 'test/browser' } });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out !== undefined) rmSync(out, { recursive: true, force: true });
  });

  /** `name`'s workload through its stock loader or the recipe's, on a page of its own (or a Worker of that page). */
  async function run(name: Name, variant: 'stock' | 'host', inWorker: boolean): Promise<Record<string, unknown>> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${server.url}/test/browser/index.html`);
      await page.waitForFunction(() => '__import' in globalThis);
      const args = { binding: name, loaderUrl: `/napi/${name}-${variant}/loader.js`, inWorker };
      const reply = await page.evaluate(async ({ binding, loaderUrl, inWorker }) => {
        if (!inWorker) {
          const mod = await (globalThis as unknown as { __import(u: string): Promise<{ workload(b: string, u: string): Promise<unknown> }> }).__import('/test/browser/napi.js');
          return { result: await mod.workload(binding, loaderUrl), error: undefined };
        }
        const worker = new Worker('/test/browser/napi-worker.js', { type: 'module' });
        return new Promise<{ result?: unknown; error?: string }>((resolve) => {
          worker.onmessage = (e) => resolve(e.data as { result?: unknown; error?: string });
          worker.onerror = (e) => resolve({ error: e.message });
          worker.postMessage({ binding, loaderUrl });
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
});
