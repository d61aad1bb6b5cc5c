// Opens a page of the packed project in Chromium and collects what it logs.
import type { BrowserContext } from 'playwright-core';

export interface PageRun {
  /** console messages, one per line */
  output: string;
  /** uncaught errors, failed requests and console.error messages */
  errors: string[];
}

/**
 * Loads `url` and waits until `done` holds: `'flag'` waits for
 * `globalThis.__docDone` (set after a module's top-level await finished),
 * a string waits for that console output, anything else for the load event.
 */
export async function runPage(context: BrowserContext, url: string, done: 'flag' | string | undefined, timeoutMs = 15_000): Promise<PageRun> {
  const page = await context.newPage();
  const lines: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => (m.type() === 'error' ? errors : lines).push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.url()}: HTTP ${r.status()}`);
  });
  const output = (): string => lines.map((l) => `${l}\n`).join('');
  try {
    await page.goto(url);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (errors.length > 0) break;
      if (done === 'flag' ? await page.evaluate(() => (globalThis as { __docDone?: boolean }).__docDone === true)
        : done === undefined || output().trimEnd().length >= done.trimEnd().length) break;
      if (Date.now() > deadline) {
        errors.push(`timed out after ${timeoutMs} ms waiting for ${done === 'flag' ? 'the module to finish' : 'its output'}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { output: output(), errors };
  } finally {
    await page.close();
  }
}
