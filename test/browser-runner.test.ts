// The Worker runner in Chromium (issue 13), the built dist/browser-runner.js
// on a cross-origin-isolated page: the same interactive runs as in Node
// (test/runner.test.ts): three lines typed one at a time, each answered before
// the next; poll with a timeout, then input; end of input; kill within 100 ms.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';
import { FIXTURE_DIR, loadFixtures, type FixtureSpec } from './fixture-runner.js';

interface RunnerPage {
  runner: {
    start(name: string, options?: { tty?: boolean }): Promise<number>;
    out(id: number): string;
    type(id: number, text: string): void;
    end(id: number): void;
    exited(id: number): Promise<number | null>;
    kill(id: number): Promise<{ ms: number; status: number | null }>;
    jspiPresent(): boolean;
    startJspi(name: string, options?: { tty?: boolean }): Promise<number>;
    ticks(id: number): number;
    runFixtureJspi(spec: FixtureSpec): Promise<{ exitCode: number; stdout: string; stderr: string; filesAfter: Record<string, string | null> }>;
  };
}
type R = RunnerPage['runner'];

describe.skipIf(SKIP_BROWSER)('Worker runner in Chromium', () => {
  const problem = chromiumProblem();
  if (problem !== null) {
    it('needs Chromium installed', () => {
      throw new Error(problem);
    });
    return;
  }
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let blocked: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/browser-runner.js')) throw new Error('dist/browser-runner.js is missing: run `npm run build` (npm test builds first)');
    server = await startStaticServer({ mounts: { '/dist': 'dist', '/wasi-fixtures': FIXTURE_DIR, '/test/browser': 'test/browser' } });
    browser = await launchChromium();
    const made = await loopbackContext(browser);
    blocked = made.blocked;
    page = await made.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/test/browser/runner.html`);
    await page.waitForFunction(() => 'runner' in globalThis);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    expect(pageErrors).toEqual([]);
    expect(blocked).toEqual([]);
  });

  const call = <K extends keyof R>(fn: K, ...args: Parameters<R[K]>): Promise<Awaited<ReturnType<R[K]>>> =>
    page.evaluate(([f, a]) => ((globalThis as unknown as RunnerPage).runner[f] as (...x: unknown[]) => unknown)(...(a as unknown[])), [fn, args] as const) as Promise<Awaited<ReturnType<R[K]>>>;
  const until = async (id: number, text: string): Promise<void> => {
    await page.waitForFunction(([i, t]) => (globalThis as unknown as RunnerPage).runner.out(i as number).includes(t as string), [id, text] as const, { timeout: 5000 });
  };

  it('a REPL answers each of three lines typed after it started before the next is typed; end of input ends it', async () => {
    const id = await call('start', 'repl');
    await until(id, 'repl on a pipe\n');
    for (const [line, answer] of [['hello', '1: HELLO'], ['add 40 2', '2: 42'], ['last one', '3: LAST ONE']]) {
      expect(await call('out', id)).not.toContain(answer);
      await call('type', id, `${line}\n`);
      await until(id, `${answer}\n`);
    }
    await call('end', id);
    expect(await call('exited', id)).toBe(0);
    expect(await call('out', id)).toBe('repl on a pipe\n1: HELLO\n2: 42\n3: LAST ONE\nbye after 3 lines\n');
  });

  it('tty: true makes stdout a terminal for the guest (isatty)', async () => {
    const id = await call('start', 'repl', { tty: true });
    await call('end', id);
    expect(await call('exited', id)).toBe(0);
    expect(await call('out', id)).toBe('repl on a terminal\nbye after 0 lines\n');
  });

  it('poll with a timeout times out while nothing is typed, then reads, then ends at end of input', async () => {
    const id = await call('start', 'poll_stdin');
    await until(id, 'waiting\n');
    await page.waitForTimeout(250);
    await call('type', id, 'typed\n');
    await until(id, 'got 6: typed\n');
    await call('end', id);
    expect(await call('exited', id)).toBe(0);
    expect(await call('out', id)).toBe('waiting\ngot 6: typed\nend of input after a timeout\n');
  });

  it('kill() ends a program blocked on stdin within 100 ms; exited is null', async () => {
    const id = await call('start', 'repl');
    await until(id, 'repl on a pipe\n');
    await page.waitForTimeout(50);
    const r = await call('kill', id);
    expect(r.status).toBeNull();
    expect(r.ms).toBeLessThan(100);
  });

  describe('JSPI mode on the page\'s main thread (startAsync)', () => {
    it('Chromium has JSPI', async () => {
      expect(await call('jspiPresent')).toBe(true);
    });

    it('a REPL waits for each line while a timer keeps firing, answers it, and ends at end of input', async () => {
      const id = await call('startJspi', 'repl');
      await until(id, 'repl on a pipe\n');
      for (const [line, answer] of [['hello', '1: HELLO'], ['add 40 2', '2: 42'], ['last one', '3: LAST ONE']]) {
        const before = await call('ticks', id);
        await page.waitForTimeout(100); // the guest is waiting for input now
        expect(await call('ticks', id), 'the page timer fired while the guest waited').toBeGreaterThan(before + 3);
        expect(await call('out', id)).not.toContain(answer);
        await call('type', id, `${line}\n`);
        await until(id, `${answer}\n`);
      }
      await call('end', id);
      expect(await call('exited', id)).toBe(0);
      expect(await call('out', id)).toBe('repl on a pipe\n1: HELLO\n2: 42\n3: LAST ONE\nbye after 3 lines\n');
    });

    it('tty makes stdout a terminal for the guest', async () => {
      const id = await call('startJspi', 'repl', { tty: true });
      await call('end', id);
      expect(await call('exited', id)).toBe(0);
      expect(await call('out', id)).toBe('repl on a terminal\nbye after 0 lines\n');
    });

    it('poll with a timeout times out (the page stays free), then reads, then ends', async () => {
      const id = await call('startJspi', 'poll_stdin');
      await until(id, 'waiting\n');
      const before = await call('ticks', id);
      await page.waitForTimeout(250);
      expect(await call('ticks', id)).toBeGreaterThan(before + 10);
      await call('type', id, 'typed\n');
      await until(id, 'got 6: typed\n');
      await call('end', id);
      expect(await call('exited', id)).toBe(0);
      expect(await call('out', id)).toBe('waiting\ngot 6: typed\nend of input after a timeout\n');
    });

    describe('every fixture', () => {
      it.each(loadFixtures().map((f) => [f.name, f] as const))('%s', async (_name, spec) => {
        const r = await call('runFixtureJspi', spec);
        expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ stdout: spec.stdout, stderr: spec.stderr ?? '', exitCode: spec.exitCode });
        for (const [path, content] of Object.entries(spec.filesAfter ?? {})) expect(r.filesAfter[path], `file ${path} after the run`).toBe(content);
      });
    });
  });
});
