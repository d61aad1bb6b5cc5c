// wasi-threads in headless Chromium: the browser build's WASI.startThreaded on
// a cross-origin isolated page (the static server sends COOP/COEP), the guest's
// threads in module Web Workers, one MemFS on the page's main thread shared by
// every thread (test/browser/threads.js); the same fixtures as test/threads.test.ts.
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';

interface ThreadedRun {
  code: number | null;
  error: string | null;
  settledAfterMs: number | null;
  spins: number;
  spinsLater: number;
  stdout: string;
  out: string | null;
}

/** test/browser/index.html's import(): a page.evaluate() body cannot say import(). */
interface Importer {
  __import(url: string): Promise<Record<string, unknown>>;
}

const problem = chromiumProblem();

describe.skipIf(SKIP_BROWSER)('threads in Chromium', () => {
  if (problem !== null) {
    it('needs Chromium installed', () => {
      throw new Error(problem);
    });
    return;
  }
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/browser-thread-worker.js') || statSync('dist/browser-thread-worker.js').mtimeMs < statSync('src/threads/thread.ts').mtimeMs) {
      throw new Error('dist/ is missing or older than src/threads: run `npm run build` (npm test builds first)');
    }
    server = await startStaticServer({ mounts: { '/dist': 'dist', '/wasi-fixtures': 'wasi-fixtures', '/test/browser': 'test/browser' } });
    browser = await launchChromium();
    const { context } = await loopbackContext(browser);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/test/browser/index.html`);
    await page.waitForFunction(() => '__import' in globalThis);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const run = (name: string, stamp?: string): Promise<ThreadedRun> =>
    page.evaluate(async ([n, s]) => {
      const mod = await (globalThis as unknown as Importer).__import('/test/browser/threads.js');
      return (mod.runThreaded as (n: string, s?: string) => Promise<ThreadedRun>)(n, s);
    }, [name, stamp] as const);

  it('several threads write one file of the page\'s MemFS through one descriptor', async () => {
    const r = await run('write_one_fd');
    expect([r.code, r.error, r.stdout]).toEqual([0, null, 'done\n']);
    const lines = r.out!.split('\n').slice(0, -1);
    expect(lines).toHaveLength(200);
    for (const t of ['t0', 't1', 't2', 't3']) expect(lines.filter((l) => l === t)).toHaveLength(50);
  });

  it('threads open and read files of the page\'s MemFS by path, after sleeping', async () => {
    const r = await run('read_by_path');
    expect([r.code, r.error, r.stdout]).toEqual([0, null, 'zero\none\ntwo\n']);
  });

  it('hand over turns with memory.atomic.wait32 / notify', async () => {
    const r = await run('handoff');
    expect([r.code, r.error, r.stdout]).toEqual([0, null, 'ping\npong\n'.repeat(5)]);
  });

  // Chromium's terminate() stops a busy Worker (one running wasm, or blocked in
  // memory.atomic.wait32) only after a forcible-termination delay, 2 s as
  // measured here; the run settles once every Worker is gone (a Web Lock each
  // holds tells), so here the bound is 3 s, not Node's 100 ms.
  it('proc_exit on one thread ends every Worker, and the run settles only once they are gone', async () => {
    const r = await run('thread_exit', 'proc_exit');
    expect([r.code, r.error]).toEqual([7, null]);
    expect(r.settledAfterMs).toBeLessThan(3000);
    expect(r.spins).toBeGreaterThan(0);
    expect(r.spinsLater).toBe(r.spins);
  });

  it('a trap on one thread ends every Worker and rejects, once they are gone', async () => {
    const r = await run('thread_trap', 'random_get');
    expect(r.code).toBe(null);
    expect(r.error).toMatch(/^RuntimeError: thread \d+ trapped: unreachable/);
    expect(r.settledAfterMs).toBeLessThan(3000);
    expect(r.spins).toBeGreaterThan(0);
    expect(r.spinsLater).toBe(r.spins);
    expect(pageErrors).toEqual([]);
  });
});
