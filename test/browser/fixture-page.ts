// What the Chromium and Firefox suites share around test/browser/run.js: the
// result of one fixture run in a browser, the check against the Node
// expectations, and the page-side bridge to one module Worker that runs
// run.js's tasks (window.__call(task, args)).
import { expect } from 'vitest';
import type { FixtureSpec } from '../fixture-runner.js';

/** What run.js's runFixture returns. */
export interface BrowserRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  filesAfter: Record<string, string | null>;
}

/** The same output, exit code and files as test/fixtures.test.ts expects in Node. */
export function expectLikeNode(r: BrowserRun, spec: FixtureSpec): void {
  expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({
    stdout: spec.stdout,
    stderr: spec.stderr ?? '',
    exitCode: spec.exitCode,
  });
  for (const [path, content] of Object.entries(spec.filesAfter ?? {})) {
    expect(r.filesAfter[path], `file ${path} after the run`).toBe(content);
  }
}

/**
 * Runs in the page (pass it to page.evaluate): starts test/browser/worker.js
 * and installs window.__call(task, args), which runs a run.js task there.
 */
export function installWorkerBridge(): void {
  const w = new Worker('/test/browser/worker.js', { type: 'module' });
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  let next = 0;
  w.onmessage = (e: MessageEvent<{ id: number; ok: boolean; value?: unknown; error?: string }>) => {
    const p = pending.get(e.data.id);
    pending.delete(e.data.id);
    if (e.data.ok) p?.ok(e.data.value);
    else p?.fail(new Error(e.data.error));
  };
  w.onerror = (e) => {
    for (const p of pending.values()) p.fail(new Error(`worker error: ${e.message}`));
    pending.clear();
  };
  (globalThis as unknown as { __call: unknown }).__call = (task: string, args: unknown[]) =>
    new Promise((ok, fail) => {
      const id = ++next;
      pending.set(id, { ok, fail });
      w.postMessage({ id, task, args });
    });
}
