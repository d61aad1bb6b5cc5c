// The shipped browser build (dist/) in a real headless Chromium: every
// wasi-fixture on the in-memory backend, on a page's main thread and in a Web
// Worker, against the same expectations as in Node (test/fixtures.test.ts);
// clock sleeps on both; the IIFE and core builds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { launchChromium, loopbackContext } from './browser/chromium.js';
import { chromium, describeInBrowser } from './browser/engines.js';
import { expectLikeNode, installWorkerBridge, type BrowserRun } from './browser/fixture-page.js';
import { loadFixtures, FIXTURE_DIR, fixtureModule, type FixtureSpec } from './fixture-runner.js';
import { MemFS, WASI as NodeWASI } from '../src/index.js';
import { porter } from '../src/porter/options.js';
import { formatTraceEntry } from '../src/trace.js';

const fixtures = loadFixtures();

interface SleepReport {
  errno: number;
  nevents: number;
  userdata: string;
  eventError: number;
  eventType: number;
  guestElapsedNs: number;
  wantNs: number;
  wallMs: number;
  strategy: 'atomics' | 'spin';
  atomicsWaits: number | null;
}

/** test/browser/index.html's import(): a page.evaluate() body cannot say import(), which the test runner rewrites. */
interface Importer {
  __import(url: string): Promise<Record<string, unknown>>;
}

/** The most recently modified file under `dir`. */
function newestSource(dir: string): { path: string; mtimeMs: number } {
  let best = { path: dir, mtimeMs: 0 };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    const c = e.isDirectory() ? newestSource(p) : { path: p, mtimeMs: statSync(p).mtimeMs };
    if (c.mtimeMs > best.mtimeMs) best = c;
  }
  return best;
}

describeInBrowser('in Chromium', chromium, () => {

  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];
  let page: Page;
  const pageErrors: string[] = [];
  const notFound: string[] = [];

  beforeAll(async () => {
    for (const f of ['dist/browser.js', 'dist/core.js', 'dist/wasi-host.iife.js']) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` (npm test builds first)`);
    }
    const newest = newestSource('src');
    if (statSync('dist/browser.js').mtimeMs < newest.mtimeMs) {
      throw new Error(`dist/ is older than ${newest.path}: this suite tests the built files, so run \`npm run build\` (npm test builds first)`);
    }
    server = await startStaticServer({
      mounts: { '/dist': 'dist', '/wasi-fixtures': FIXTURE_DIR, '/test/browser': 'test/browser' },
    });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
    await context.addInitScript({ path: 'test/browser/spy.js' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(r.url());
    });
    await page.goto(`${server.url}/test/browser/index.html`);
    await page.waitForFunction(() => '__import' in globalThis);
    // One module worker for the whole suite; window.__call(task, args) runs a task of run.js in it.
    await page.evaluate(installWorkerBridge);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const onPage = <T>(task: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(async ([t, a]) => {
      const mod = (await (globalThis as unknown as Importer).__import('/test/browser/run.js')) as Record<string, (...x: unknown[]) => unknown>;
      return mod[t as string](...(a as unknown[]));
    }, [task, args] as const) as Promise<T>;
  const inWorker = <T>(task: string, ...args: unknown[]): Promise<T> =>
    page.evaluate(([t, a]) => (globalThis as unknown as { __call: (t: string, a: unknown[]) => Promise<unknown> }).__call(t as string, a as unknown[]), [task, args] as const) as Promise<T>;

  describe('every fixture, on the in-memory backend, on the main thread', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
      expectLikeNode(await onPage<BrowserRun>('runFixture', spec), spec);
    });
  });

  describe('every fixture on wasi-host/core (dist/core.js, MemFS mounted as a Vfs), on the main thread', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
      expectLikeNode(await onPage<BrowserRun>('runFixture', spec, 'core'), spec);
    });
  });

  describe('every fixture, on the in-memory backend, in a Web Worker', () => {
    it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
      expectLikeNode(await inWorker<BrowserRun>('runFixture', spec), spec);
    });
  });

  describe('poll_oneoff clock sleeps', () => {
    it('the page is cross-origin isolated and the main thread may not Atomics.wait', async () => {
      const facts = await page.evaluate(() => {
        let waitError = '';
        try {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        } catch (e) {
          waitError = String(e);
        }
        return { isolated: crossOriginIsolated, waitError };
      });
      expect(facts.isolated).toBe(true);
      expect(facts.waitError).toMatch(/TypeError/);
    });

    for (const abstime of [false, true]) {
      const kind = abstime ? 'absolute deadline' : 'relative timeout';
      it(`main thread, ${kind}: spins on the clock and never wakes early`, async () => {
        const r = await onPage<SleepReport>('pollSleep', 120, abstime);
        expect(r.strategy).toBe('spin');
        expect(r.atomicsWaits).toBe(0);
        expect({ errno: r.errno, nevents: r.nevents, userdata: r.userdata, eventError: r.eventError, eventType: r.eventType })
          .toEqual({ errno: 0, nevents: 1, userdata: '123456789abc', eventError: 0, eventType: 0 });
        expect(r.guestElapsedNs).toBeGreaterThanOrEqual(r.wantNs);
        expect(r.wallMs).toBeGreaterThanOrEqual(119);
        expect(r.wallMs).toBeLessThan(5000);
      });
      it(`Web Worker, ${kind}: blocks in Atomics.wait and never wakes early`, async () => {
        const r = await inWorker<SleepReport>('pollSleep', 120, abstime);
        expect(r.strategy).toBe('atomics');
        expect(r.atomicsWaits).toBeGreaterThanOrEqual(1);
        expect({ errno: r.errno, nevents: r.nevents, userdata: r.userdata, eventError: r.eventError, eventType: r.eventType })
          .toEqual({ errno: 0, nevents: 1, userdata: '123456789abc', eventError: 0, eventType: 0 });
        expect(r.guestElapsedNs).toBeGreaterThanOrEqual(r.wantNs);
        expect(r.wallMs).toBeGreaterThanOrEqual(119);
        expect(r.wallMs).toBeLessThan(5000);
      });
    }
  });

  describe('clock_time_get(MONOTONIC)', () => {
    // performance.now() is coarsened to 5-100 µs in browsers; a guest reading the clock
    // twice in a row still sees it move (wasi-testsuite clock_gettime-monotonic asserts it).
    for (const where of ['main thread', 'Web Worker'] as const) {
      it(`${where}: back-to-back reads always increase and stay within a tick of the page's clock`, async () => {
        type Reads = { notIncreasing: number; spanNs: number; aheadOfPageNs: number };
        const r = where === 'main thread' ? await onPage<Reads>('monotonicReads', 20000) : await inWorker<Reads>('monotonicReads', 20000);
        expect(r.notIncreasing).toBe(0);
        expect(r.spanNs).toBeGreaterThan(0);
        expect(r.aheadOfPageNs).toBeLessThan(1_000_000);
      });
    }
  });

  describe('the README reactor example (wasi.memory)', () => {
    for (const where of ['main thread', 'Web Worker'] as const) {
      it(`${where}: greet() through malloc and (ptr, len), also after the guest grew its memory`, async () => {
        type Greeted = { first: string; bigOk: boolean; after: string; sizeBefore: number; sizeAfter: number; staleLength: number; outOfRange: string };
        const r = where === 'main thread' ? await onPage<Greeted>('greetReactor') : await inWorker<Greeted>('greetReactor');
        expect(r).toMatchObject({ first: 'Hello, wasm!', bigOk: true, after: 'Hello, again!', staleLength: 0 });
        expect(r.sizeAfter).toBeGreaterThan(r.sizeBefore);
        expect(r.outOfRange).toBe(`RangeError: readBytes: [${r.sizeAfter}, ${r.sizeAfter + 1}) is outside guest memory (${r.sizeAfter} bytes)`);
      });
    }
  });

  describe('the other builds', () => {
    it('the IIFE works from a plain <script> tag as the global wasiHost', async () => {
      const p = await context.newPage();
      try {
        await p.goto(`${server.url}/test/browser/iife.html`);
        const r = await p.evaluate(async () => {
          const g = (globalThis as unknown as { wasiHost: Record<string, unknown> }).wasiHost;
          const { run, MemFS } = g as { run: (w: BufferSource, o: unknown) => Promise<{ exitCode: number; stdout: string }>; MemFS: new (seed: unknown) => { readText(p: string): string } };
          const hello = await run(await (await fetch('/wasi-fixtures/hello.wasm')).arrayBuffer(), { args: ['hello'] });
          const fs = new MemFS({ 'src.txt': 'copied by cp\n', 'out/': null });
          const cp = await run(await (await fetch('/wasi-fixtures/cp.wasm')).arrayBuffer(), { args: ['cp', '/sandbox/src.txt', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs } });
          return { keys: Object.keys(g).sort(), hello, cpExit: cp.exitCode, copied: fs.readText('/out/dst.txt') };
        });
        expect(r.keys).toEqual(expect.arrayContaining(['WASI', 'MemFS', 'run', 'Errno', 'WASIExit', 'sleepStrategy']));
        expect(r.hello).toMatchObject({ exitCode: 0, stdout: 'Hello, WASI!\n' });
        expect(r.cpExit).toBe(0);
        expect(r.copied).toBe('copied by cp\n');
      } finally {
        await p.close();
      }
    });

    it('replays a recording made in Node (wasi-host/porter), with no files in the browser: same output, same trace', async () => {
      const cat = fixtures.find((f) => f.name === 'cat') as FixtureSpec;
      const lines: string[] = [];
      const trace: string[] = [];
      const wasi = new NodeWASI(porter({
        version: 'preview1', args: ['cat', ...(cat.args ?? [])], preopens: { '/sandbox': new MemFS(cat.files ?? {}) }, stdout: 'collect', stderr: 'collect',
        trace: (e) => trace.push(formatTraceEntry(e, { times: false })), record: (l) => lines.push(l),
      }));
      const exitCode = wasi.start(new WebAssembly.Instance(fixtureModule('cat'), wasi.getImportObject() as unknown as WebAssembly.Imports));
      const r = await onPage<{ exitCode: number; stdout: string; stderr: string; trace: string[] }>('replayFixture', 'cat', cat.args ?? [], lines.join('\n'));
      expect(r).toEqual({ exitCode, stdout: cat.stdout, stderr: cat.stderr ?? '', trace });
      expect(trace.length).toBeGreaterThan(10);
    });

    it('wasi-host/core runs a program, carries no MemFS, and names the full entry for what it leaves out', async () => {
      const r = await page.evaluate(async () => {
        const core = await (globalThis as unknown as Importer).__import('/dist/core.js');
        const run = core.run as (w: BufferSource, o: unknown) => Promise<{ exitCode: number; stdout: string }>;
        const hello = await run(await (await fetch('/wasi-fixtures/hello.wasm')).arrayBuffer(), { args: ['hello'] });
        const WASI = core.WASI as new (o: unknown) => Record<string, () => unknown>;
        const errors: string[] = [];
        for (const call of [() => new WASI({}).startAsync(), () => new WASI({ trace: () => {} })]) {
          try {
            call();
          } catch (e) {
            errors.push(`${(e as Error).name}: ${(e as Error).message}`);
          }
        }
        return { hasMemFS: 'MemFS' in core, hello, errors };
      });
      expect(r.hasMemFS).toBe(false);
      expect(r.hello).toMatchObject({ exitCode: 0, stdout: 'Hello, WASI!\n' });
      expect(r.errors).toEqual([
        "TypeError: wasi.startAsync() is in the full entry: use the WASI of 'wasi-host' (wasi-host/core leaves it out)",
        "TypeError: WASI: option `trace` is in the full entry: use the WASI of 'wasi-host' (wasi-host/core leaves it out)",
      ]);
    });

    it('the browser files import nothing from outside dist/ and name no Node built-in', () => {
      for (const f of ['dist/browser.js', 'dist/core.js', 'dist/wasi-host.iife.js', 'dist/porter.js']) {
        const text = readFileSync(f, 'utf8');
        expect(text, f).not.toMatch(/\bfrom\s*["'](?!\.\/)[^"']+["']/);
        expect(text, f).not.toMatch(/\brequire\(\s*["']node:/);
        expect(text, f).not.toMatch(/\bimport\(\s*["']node:/);
      }
    });

    it('the page made no request off 127.0.0.1, hit no missing file and threw nothing', () => {
      expect(blocked).toEqual([]);
      expect(notFound).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
});
