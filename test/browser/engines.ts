// The browsers the interactive suite runs in, behind one small page interface:
// Debian's Chromium through playwright-core (CDP), Debian's Firefox ESR
// through puppeteer-core over WebDriver BiDi. A missing browser fails the
// suite loudly unless WASI_HOST_SKIP_BROWSER=1 says to skip browsers.
import { describe, it } from 'vitest';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './chromium.js';
import { firefoxProblem, launchFirefox, loopbackPage } from './firefox.js';

/** What a suite does with a page, the same in both drivers. */
export interface EnginePage {
  readonly engine: string;
  goto(url: string): Promise<void>;
  evaluate<A, T>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  waitFor<A>(fn: (arg: A) => boolean, arg: A, timeoutMs: number): Promise<void>;
  /** A real mouse click on the centre of the first element `selector` matches. */
  click(selector: string): Promise<void>;
  /** Real key events into whatever has focus. */
  type(text: string): Promise<void>;
  /** One key (`Enter`, `Backspace`, `d`), with Control held if `ctrl`. */
  press(key: string, ctrl?: boolean): Promise<void>;
  screenshot(path: string): Promise<void>;
  /** Uncaught page errors, and requests that left 127.0.0.1 (both drivers block and record them). */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface Engine {
  readonly name: 'chromium' | 'firefox';
  /** Why it cannot run here, or null. */
  problem(): string | null;
  open(viewport?: { width: number; height: number }): Promise<EnginePage>;
}

export const chromium: Engine = {
  name: 'chromium',
  problem: chromiumProblem,
  async open(viewport) {
    const browser = await launchChromium();
    const { context, blocked } = await loopbackContext(browser, viewport === undefined ? {} : { viewport });
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
      click: (selector) => page.locator(selector).first().click(),
      type: (text) => page.keyboard.type(text),
      press: (key, ctrl = false) => page.keyboard.press(ctrl ? `Control+${key}` : key),
      screenshot: async (path) => {
        await page.screenshot({ path, fullPage: true });
      },
      get errors() {
        return [...errors, ...blocked.map((b) => `blocked request: ${b}`)];
      },
      close: () => browser.close(),
    };
  },
};

export const firefox: Engine = {
  name: 'firefox',
  problem: firefoxProblem,
  async open(viewport) {
    const browser = await launchFirefox();
    const { page, blocked } = await loopbackPage(browser);
    if (viewport !== undefined) await page.setViewport(viewport);
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
      click: (selector) => page.click(selector),
      type: (text) => page.keyboard.type(text),
      press: async (key, ctrl = false) => {
        if (ctrl) await page.keyboard.down('Control');
        await page.keyboard.press(key as never);
        if (ctrl) await page.keyboard.up('Control');
      },
      screenshot: async (path) => {
        await page.screenshot({ path: path as `${string}.png`, fullPage: true });
      },
      get errors() {
        return [...errors, ...blocked.map((b) => `blocked request: ${b}`)];
      },
      close: () => browser.close(),
    };
  },
};

export const ENGINES: readonly Engine[] = [chromium, firefox];

/**
 * describe() for a suite that needs `engine`: skipped only when
 * WASI_HOST_SKIP_BROWSER=1 says so; where the browser is missing, one test
 * that fails naming what to install instead of a silent pass.
 */
export function describeInBrowser(title: string, engine: Pick<Engine, 'name' | 'problem'>, body: () => void): void {
  describe.skipIf(SKIP_BROWSER)(title, () => {
    const problem = engine.problem();
    if (problem !== null) {
      it(`needs ${engine.name} installed`, () => {
        throw new Error(problem);
      });
      return;
    }
    body();
  });
}
