// Finds and launches Debian's Chromium through playwright-core for the
// browser suites. A missing Chromium fails the suite loudly unless
// WASI_HOST_SKIP_BROWSER=1 says to skip it.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SKIP_BROWSER = process.env.WASI_HOST_SKIP_BROWSER === '1';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser suite cannot run here, or null if it can. */
export function chromiumProblem(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  return (
    `Chromium was not found at ${CHROMIUM_PATH}, so the browser suite cannot run. ` +
    'Install it (Debian: `apt-get install chromium`; .ci/run does this), or point CHROMIUM_PATH at a Chromium binary. ' +
    'To skip the browser suite on purpose, set WASI_HOST_SKIP_BROWSER=1.'
  );
}

if (SKIP_BROWSER) {
  console.warn('\n*** WASI_HOST_SKIP_BROWSER=1: the browser suites are SKIPPED; nothing was checked in Chromium ***\n');
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A context whose pages may only reach 127.0.0.1: any other request is
 * aborted and recorded in `blocked`, which a suite checks stays empty.
 */
export async function loopbackContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext(options);
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && url.hostname === '127.0.0.1') return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return { context, blocked };
}
