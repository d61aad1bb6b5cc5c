// wasi-threads in headless Chromium: the browser build's WASI.startThreaded on
// a cross-origin isolated page (the static server sends COOP/COEP), the guest's
// threads in module Web Workers, one MemFS on the page's main thread shared by
// every thread (test/browser/threads.js); the same fixtures as test/threads.test.ts.
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { launchChromium, loopbackContext } from './browser/chromium.js';
import { chromium, describeInBrowser } from './browser/engines.js';

interface ThreadedRun {
  code: number | null;
  error: string | null;
  settledAfterMs: number | null;
  movedAfterMs: number | null;
  spins: number;
  spinsLater: number;
  stdout: string;
  out: string | null;
}

/** test/browser/index.html's import(): a page.evaluate() body cannot say import(). */
interface Importer {
  __import(url: string): Promise<Record<string, unknown>>;
}


describeInBrowser('threads in Chromium', chromium, () => {
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

  const run = (name: string, stamp?: string, cells: Record<number, number> = {}): Promise<ThreadedRun> =>
    page.evaluate(async ([n, s, c]) => {
      const mod = await (globalThis as unknown as Importer).__import('/test/browser/threads.js');
      return (mod.runThreaded as (n: string, s: string | undefined, c: Record<number, number>) => Promise<ThreadedRun>)(n, s, c);
    }, [name, stamp, cells] as const);

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

  // A thread that calls WASI, or sleeps in poll_oneoff, unwinds at its next
  // call or wakes from its sleep when the run ends (src/threads/channel.ts),
  // so its Worker is idle when terminate() comes and stops at once.
  it.each([
    ['proc_exit', {}, 7, null],
    ['a trap', { 5: 1 }, null, /^RuntimeError: thread \d+ trapped: unreachable/],
  ] as const)('threads that keep calling WASI or sleeping stop within 100 ms of %s, and the run settles without waiting 2 s for terminate()', async (_what, cells, code, error) => {
    const r = await run('calls_end', 'random_get', cells);
    expect(r.code).toBe(code);
    if (error === null) expect(r.error).toBe(null);
    else expect(r.error).toMatch(error);
    expect(r.movedAfterMs).toBeLessThan(100);
    expect(r.settledAfterMs).toBeLessThan(500);
    expect(r.spins).toBeGreaterThanOrEqual(1000);
    expect(r.spinsLater).toBe(r.spins);
  });

  // A thread that never calls WASI (spinning in wasm, or blocked in
  // memory.atomic.wait32, as in pthread_join) stops only when its Worker is
  // terminated, and Chromium's terminate() stops a busy Worker only after
  // Blink's forcible-termination delay (kForcibleTerminationDelay, 2 s; README,
  // Threads). The run settles once every Worker is gone (a Web Lock each
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
