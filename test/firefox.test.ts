// The shipped browser build (dist/) in a real headless Firefox (Debian's
// firefox-esr, driven by puppeteer-core over WebDriver BiDi): every
// wasi-fixture on the in-memory backend on a page's main thread and in a Web
// Worker, against the same expectations as in Node and Chromium; clock sleeps
// (a spin on the main thread, Atomics.wait in a Worker); the reactor example.
// The tasks are test/browser/run.js's, the same ones test/browser.test.ts runs.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { describeInBrowser, firefox } from './browser/engines.js';
import { launchFirefox, loopbackPage } from './browser/firefox.js';
import { expectLikeNode, installWorkerBridge, type BrowserRun } from './browser/fixture-page.js';
import { loadFixtures, FIXTURE_DIR } from './fixture-runner.js';

const fixtures = loadFixtures();

describeInBrowser('in Firefox', firefox, () => {

  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let blocked: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/browser.js')) throw new Error('dist/browser.js is missing: run `npm run build` (npm test builds first)');
    server = await startStaticServer({
      mounts: { '/dist': 'dist', '/wasi-fixtures': FIXTURE_DIR, '/test/browser': 'test/browser' },
    });
    browser = await launchFirefox();
    ({ page, blocked } = await loopbackPage(browser));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/test/browser/index.html`);
    await page.waitForFunction(() => '__import' in globalThis);
    await page.evaluate(installWorkerBridge);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const onPage = <T>(task: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(async (t: string, a: unknown[]) => {
      const mod = (await (globalThis as unknown as { __import(u: string): Promise<Record<string, (...x: unknown[]) => unknown>> }).__import('/test/browser/run.js'));
      return mod[t](...a);
    }, task, args) as Promise<T>;
  const inWorker = <T>(task: string, ...args: unknown[]): Promise<T> =>
    page.evaluate((t: string, a: unknown[]) => (globalThis as unknown as { __call: (t: string, a: unknown[]) => Promise<unknown> }).__call(t, a), task, args) as Promise<T>;

  it('the page is cross-origin isolated, and reached nothing but 127.0.0.1', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(blocked).toEqual([]);
  });

  describe('every fixture, on the in-memory backend, on the main thread', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
      expectLikeNode(await onPage<BrowserRun>('runFixture', spec), spec);
    });
  });

  describe('every fixture, on the in-memory backend, in a Web Worker', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
      expectLikeNode(await inWorker<BrowserRun>('runFixture', spec), spec);
    });
  });

  describe('poll_oneoff clock sleeps', () => {
    interface SleepReport { errno: number; nevents: number; guestElapsedNs: number; wantNs: number; wallMs: number; strategy: string; atomicsWaits: number | null }
    it('main thread: spins on the clock and never wakes early', async () => {
      const r = await onPage<SleepReport>('pollSleep', 120, false);
      expect({ errno: r.errno, nevents: r.nevents, strategy: r.strategy }).toEqual({ errno: 0, nevents: 1, strategy: 'spin' });
      expect(r.guestElapsedNs).toBeGreaterThanOrEqual(r.wantNs);
      expect(r.wallMs).toBeGreaterThanOrEqual(119);
    });
    it('Web Worker: blocks in Atomics.wait and never wakes early', async () => {
      const r = await inWorker<SleepReport>('pollSleep', 120, false);
      expect({ errno: r.errno, nevents: r.nevents, strategy: r.strategy }).toEqual({ errno: 0, nevents: 1, strategy: 'atomics' });
      expect(r.atomicsWaits).toBeGreaterThanOrEqual(1);
      expect(r.guestElapsedNs).toBeGreaterThanOrEqual(r.wantNs);
      expect(r.wallMs).toBeGreaterThanOrEqual(119);
    });
  });

  it('clock_time_get(MONOTONIC): back-to-back reads always increase', async () => {
    const r = await inWorker<{ notIncreasing: number }>('monotonicReads', 20000);
    expect(r.notIncreasing).toBe(0);
  });

  it('the README reactor example, also after the guest grew its memory', async () => {
    const r = await onPage<{ first: string; bigOk: boolean; after: string }>('greetReactor');
    expect(r).toMatchObject({ first: 'Hello, wasm!', bigOk: true, after: 'Hello, again!' });
    expect(pageErrors).toEqual([]);
  });
});

// wasi-threads in Firefox: the same page-side runner as test/browser-threads.test.ts
// (test/browser/threads.js), with one MemFS on the page's main thread shared by every thread.
describeInBrowser('threads in Firefox', firefox, () => {
  interface ThreadedRun { code: number | null; error: string | null; settledAfterMs: number | null; spins: number; spinsLater: number; stdout: string; out: string | null }
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startStaticServer({ mounts: { '/dist': 'dist', '/wasi-fixtures': 'wasi-fixtures', '/test/browser': 'test/browser' } });
    browser = await launchFirefox();
    ({ page } = await loopbackPage(browser));
    await page.goto(`${server.url}/test/browser/index.html`);
    await page.waitForFunction(() => '__import' in globalThis);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const run = (name: string, stamp?: string): Promise<ThreadedRun> =>
    page.evaluate(async (n: string, s: string | undefined) => {
      const mod = await (globalThis as unknown as { __import(u: string): Promise<Record<string, unknown>> }).__import('/test/browser/threads.js');
      return (mod.runThreaded as (n: string, s?: string) => Promise<ThreadedRun>)(n, s);
    }, name, stamp) as Promise<ThreadedRun>;

  it("several threads write one file of the page's MemFS through one descriptor", async () => {
    const r = await run('write_one_fd');
    expect([r.code, r.error, r.stdout]).toEqual([0, null, 'done\n']);
    const lines = r.out!.split('\n').slice(0, -1);
    expect(lines).toHaveLength(200);
    for (const t of ['t0', 't1', 't2', 't3']) expect(lines.filter((l) => l === t)).toHaveLength(50);
  });

  it("threads open and read files of the page's MemFS by path, after sleeping", async () => {
    const r = await run('read_by_path');
    expect([r.code, r.error, r.stdout]).toEqual([0, null, 'zero\none\ntwo\n']);
  });

  it('proc_exit on one thread ends every Worker, and the run settles once they are gone', async () => {
    const r = await run('thread_exit', 'proc_exit');
    expect([r.code, r.error]).toEqual([7, null]);
    expect(r.settledAfterMs).toBeLessThan(3000);
    expect(r.spinsLater).toBe(r.spins);
  });
});
