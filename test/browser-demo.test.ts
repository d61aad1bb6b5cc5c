// The demo page (npm run demo) driven in Chromium the way a person uses it:
// choose a fixture, click Run, read the output, download a file the program
// wrote; drop a .wasm of one's own; upload a file for the program to read;
// stop a program that never ends; type into a program through the terminal.
// Leaves screenshots in test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer } from '../demo/serve.mjs';
import type { StaticServer } from '../demo/static-server.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';
import { FIXTURE_DIR, loadFixtures } from './fixture-runner.js';

const problem = chromiumProblem();
const ARTIFACTS = 'test-artifacts';

describe.skipIf(SKIP_BROWSER)('the demo page in Chromium', () => {
  if (problem !== null) {
    it('needs Chromium installed', () => {
      throw new Error(problem);
    });
    return;
  }

  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let blocked: string[];
  let page: Page;
  const pageErrors: string[] = [];

  const status = (): Promise<string> => page.locator('#status').innerText();
  const terminal = (): Promise<string> => page.locator('#terminal').innerText();
  const waitForStatus = (re: RegExp, timeout = 20_000): Promise<unknown> =>
    page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status')!.textContent ?? ''), re.source, { timeout });

  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser, { viewport: { width: 1400, height: 860 }, acceptDownloads: true }));
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('runs the cp fixture, shows its output and files, and downloads the copy it wrote', async () => {
    const spec = loadFixtures().find((f) => f.name === 'cp')!;
    await page.getByLabel('Example').selectOption('cp');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    await expect.poll(() => page.locator('#args').inputValue()).toBe('/sandbox/src.txt /sandbox/out/dst.txt');
    await page.getByRole('button', { name: 'Run' }).click();
    await waitForStatus(/Exited with code 0/);
    // xterm.js draws on the next frame, maybe after the status changed.
    await expect.poll(terminal).toContain('[exit code 0]');
    const out = await terminal();
    expect(out).toContain('$ cp /sandbox/src.txt /sandbox/out/dst.txt');
    expect(out).toContain(spec.stdout.trimEnd());
    expect(out).toContain('[exit code 0]');

    const copy = page.locator('li.file[data-path="/out/dst.txt"]');
    await expect.poll(() => copy.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), copy.getByRole('link', { name: 'download' }).click()]);
    expect(download.suggestedFilename()).toBe('dst.txt');
    const saved = await download.path();
    expect(readFileSync(saved, 'utf8')).toBe(spec.files!['src.txt']);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/demo.png`, fullPage: true });
  });

  it('runs a .wasm file the person chooses, with their arguments and environment', async () => {
    await page.locator('#wasm-file').setInputFiles(`${FIXTURE_DIR}/environ.wasm`);
    await expect.poll(() => page.locator('#program-name').innerText()).toBe('environ');
    await page.locator('#env').fill('GREETING=hi there\nLANG_JA=日本語\nEMPTY=\nEQUALS=a=b=c\nZ_LAST=🎉');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await waitForStatus(/Exited with code 0/);
    await expect.poll(terminal).toContain('[exit code 0]');
    const out = await terminal();
    expect(out).toContain('getenv(GREETING) = [hi there] (8 bytes)');
    expect(out).toContain('env[3] = LANG_JA=日本語');
  });

  it('puts an uploaded file in /sandbox for the program to read', async () => {
    await page.getByLabel('Example').selectOption('cat');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    await page.locator('#upload-file').setInputFiles({ name: 'mine.txt', mimeType: 'text/plain', buffer: Buffer.from('my own words, ünïcode too\n') });
    await expect.poll(() => page.locator('li.file[data-path="/mine.txt"]').count()).toBe(1);
    await page.locator('#args').fill('/sandbox/mine.txt /sandbox/nope.txt');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await waitForStatus(/Exited with code 1/);
    await expect.poll(terminal).toContain('[exit code 1]');
    const out = await terminal();
    expect(out).toContain('my own words, ünïcode too');
    // stderr is shown in red (ANSI colour 1 in the xterm.js pane)
    expect(await page.locator('#terminal .xterm-fg-1').allInnerTexts()).toContainEqual(expect.stringMatching(/nope\.txt/));
  });

  it('streams output while a program runs in a worker, keeps the page responsive, and Stop ends it', async () => {
    await page.getByLabel('Example').selectOption('ticker');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await waitForStatus(/Running… \(sleeps block in Atomics\.wait\)/);
    // Output arrives while the program is still running.
    await page.waitForFunction(() => /tick 0000003/.test(document.getElementById('terminal')!.textContent ?? ''));
    expect(await status()).toMatch(/Running/);
    // The page still answers: the main thread is not blocked by the guest.
    const t0 = Date.now();
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    expect(Date.now() - t0).toBeLessThan(2000);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForStatus(/Stopped after/);
    await expect.poll(terminal).toMatch(/\[stopped after [\d.]+ s\]/);
    const after = await terminal();
    // Nothing more arrives once stopped.
    await page.waitForTimeout(300);
    expect(await terminal()).toBe(after);
    expect(await page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/demo-stopped.png`, fullPage: true });
  });

  const typeLine = async (text: string): Promise<void> => {
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };

  it('runs the REPL in the terminal: three lines typed one at a time, each answered before the next; Ctrl-D ends it', async () => {
    await page.getByLabel('Example').selectOption('repl');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    expect(await page.locator('#interactive').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    // spawn(..., { tty: true }): the guest's isatty(1) is true.
    await expect.poll(terminal).toContain('repl on a terminal');
    await page.locator('#terminal').click();
    // Local echo and backspace: "helx", a backspace, "lo" sends "hello".
    await page.keyboard.type('helx');
    await expect.poll(terminal).toContain('helx');
    await page.keyboard.press('Backspace');
    await expect.poll(terminal).not.toContain('helx');
    await typeLine('lo');
    await expect.poll(terminal).toContain('1: HELLO');
    expect(await terminal()).not.toContain('2:');
    await typeLine('add 2 3');
    await expect.poll(terminal).toContain('2: 5');
    expect(await terminal()).not.toContain('3:');
    await typeLine('mixed Case');
    await expect.poll(terminal).toContain('3: MIXED CASE');
    expect(await terminal()).not.toContain('bye');
    expect(await status()).toMatch(/Running in the terminal/);
    await page.keyboard.press('Control+D');
    await waitForStatus(/Exited with code 0/);
    await expect.poll(terminal).toContain('[exit code 0]');
    const out = await terminal();
    expect(out).toContain('bye after 3 lines');
    expect(out).toContain('[exit code 0]');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/demo-terminal.png`, fullPage: true });
  });

  it('runs poll_stdin in the terminal: its poll times out, then it reads a typed line, then end of input', async () => {
    await page.getByLabel('Example').selectOption('poll_stdin');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(terminal).toContain('waiting');
    await page.locator('#terminal').click();
    await typeLine('abc');
    await expect.poll(terminal).toContain('got 4: abc');
    await page.keyboard.press('Control+D');
    await waitForStatus(/Exited with code 0/);
    await expect.poll(terminal).toContain('end of input after a timeout');
  });

  it('Ctrl-C stops a program blocked reading stdin within 100 ms', async () => {
    await page.getByLabel('Example').selectOption('repl');
    await expect.poll(() => page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.evaluate(() => delete document.body.dataset.stopMs);
    await page.getByRole('button', { name: 'Run' }).click();
    await expect.poll(terminal).toContain('repl on a terminal');
    await page.locator('#terminal').click();
    await typeLine('one');
    await expect.poll(terminal).toContain('1: ONE');
    // Now blocked in fd_read (Atomics.wait in the runner's Worker).
    await page.keyboard.press('Control+C');
    await waitForStatus(/Stopped after/);
    await expect.poll(terminal).toContain('[stopped after');
    await page.waitForFunction(() => document.body.dataset.stopMs !== undefined);
    const ms = Number(await page.evaluate(() => document.body.dataset.stopMs));
    expect(ms).toBeLessThan(100);
    const out = await terminal();
    expect(out).toContain('^C');
    expect(out).not.toContain('bye');
    expect(await page.getByRole('button', { name: 'Run' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
  });

  it('made no request off 127.0.0.1 and logged no error', () => {
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
