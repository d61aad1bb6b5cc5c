// The browsers the interactive suite runs in, behind one small page interface:
// Debian's Chromium through playwright-core (CDP), Debian's Firefox ESR
// through puppeteer-core over WebDriver BiDi. A missing browser fails the
// suite loudly unless WASI_HOST_SKIP_BROWSER=1 says to skip browsers.
import { existsSync } from 'node:fs';
import { chromiumProblem, launchChromium, loopbackContext } from './chromium.js';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** What a suite does with a page, the same in both drivers. */
export interface EnginePage {
  readonly engine: string;
  goto(url: string): Promise<void>;
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  waitFor<A>(fn: (arg: A) => boolean, arg: A, timeoutMs: number): Promise<void>;
  /** Uncaught page errors, and requests that left 127.0.0.1 (Chromium blocks and records them). */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface Engine {
  readonly name: 'chromium' | 'firefox';
  /** Why it cannot run here, or null. */
  problem(): string | null;
  open(): Promise<EnginePage>;
}

const chromium: Engine = {
  name: 'chromium',
  problem: chromiumProblem,
  async open() {
    const browser = await launchChromium();
    const { context, blocked } = await loopbackContext(browser);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return {
      engine: 'chromium',
      goto: async (url) => {
        await page.goto(url);
      },
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      waitFor: async (fn, arg, timeout) => {
        await page.waitForFunction(fn as never, arg, { timeout });
      },
      get errors() {
        return [...errors, ...blocked.map((b) => `blocked request: ${b}`)];
      },
      close: () => browser.close(),
    };
  },
};

const firefox: Engine = {
  name: 'firefox',
  problem: () =>
    existsSync(FIREFOX_PATH)
      ? null
      : `Firefox was not found at ${FIREFOX_PATH}, so the Firefox suite cannot run. Install it (Debian: \`apt-get install firefox-esr\`; .ci/run does this), ` +
        'or point FIREFOX_PATH at a Firefox binary. To skip the browser suites on purpose, set WASI_HOST_SKIP_BROWSER=1.',
  async open() {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, protocol: 'webDriverBiDi' });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return {
      engine: 'firefox',
      goto: async (url) => {
        await page.goto(url);
      },
      evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
      waitFor: async (fn, arg, timeout) => {
        await page.waitForFunction(fn as never, { timeout }, arg);
      },
      errors,
      close: () => browser.close(),
    };
  },
};

export const ENGINES: readonly Engine[] = [chromium, firefox];
