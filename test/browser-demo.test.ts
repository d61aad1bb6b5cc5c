// The demo page (npm run demo) driven the way a person uses it. In Chromium
// (playwright-core): choose a fixture, click Run, read the output, download a
// file the program wrote; drop a .wasm of one's own; upload a file for the
// program to read; stop a program that never ends. In Chromium and Firefox
// alike (one test body, test/browser/engines.ts): type into a program through
// the terminal, Ctrl-D, Ctrl-C; a terminal run's files in the file panel;
// edit a file in the panel and run cat on it; ANSI colours; a wasi-threads
// program; files kept in OPFS across a reload. Leaves screenshots in
// test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoServer } from '../demo/serve.mjs';
import type { StaticServer } from '../demo/static-server.mjs';
import { launchChromium, loopbackContext } from './browser/chromium.js';
import { chromium, describeInBrowser, ENGINES, type EnginePage } from './browser/engines.js';
import { FIXTURE_DIR, loadFixtures } from './fixture-runner.js';

const ARTIFACTS = 'test-artifacts';

describeInBrowser('the demo page in Chromium', chromium, () => {

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

  it('made no request off 127.0.0.1 and logged no error', () => {
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

for (const engine of ENGINES) {
  describeInBrowser(`the demo's terminal and file panel in ${engine.name}`, engine, () => {

    let server: StaticServer;
    let page: EnginePage;
    const text = (selector: string): Promise<string> => page.evaluate((sel) => (document.querySelector(sel) as HTMLElement | null)?.innerText ?? '', selector);
    const terminal = (): Promise<string> => text('#terminal');
    const status = (): Promise<string> => text('#status');
    /** Waits until the text of `selector` matches `re`. */
    const until = (selector: string, re: RegExp, timeoutMs = 20_000): Promise<void> =>
      page.waitFor(([sel, src]) => new RegExp(src).test((document.querySelector(sel) as HTMLElement | null)?.innerText ?? ''), [selector, re.source] as const, timeoutMs);
    const untilTerminal = (s: string): Promise<void> => until('#terminal', new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const ready = (): Promise<void> => page.waitFor(() => document.body.dataset.ready === 'true', undefined, 10_000);
    const select = async (name: string): Promise<void> => {
      await page.evaluate((n) => {
        const sel = document.getElementById('fixture') as HTMLSelectElement;
        sel.value = n;
        sel.dispatchEvent(new Event('change'));
      }, name);
      await page.waitFor((n) => document.getElementById('program-name')!.textContent === n && !(document.getElementById('run') as HTMLButtonElement).disabled, name, 10_000);
    };
    const setValue = (selector: string, value: string): Promise<void> =>
      page.evaluate(([sel, v]) => {
        (document.querySelector(sel) as HTMLInputElement).value = v;
      }, [selector, value] as const);
    const setInteractive = (on: boolean): Promise<void> =>
      page.evaluate((v) => {
        const box = document.getElementById('interactive') as HTMLInputElement;
        box.checked = v;
        box.dispatchEvent(new Event('change'));
      }, on);
    const hasFile = (path: string): Promise<boolean> => page.evaluate((p) => document.querySelector(`li.file[data-path="${p}"]`) !== null, path);
    const run = async (): Promise<void> => {
      await page.click('#clear');
      await page.click('#run');
    };
    const typeLine = async (line: string): Promise<void> => {
      await page.type(line);
      await page.press('Enter');
    };

    beforeAll(async () => {
      server = await startDemoServer();
      page = await engine.open({ width: 1400, height: 860 });
      await page.goto(`${server.url}/`);
      await ready();
    });

    afterAll(async () => {
      const errors = page?.errors ?? [];
      await page?.close();
      await server?.close();
      expect(errors).toEqual([]);
    });

    it('runs the REPL in the terminal: three lines typed one at a time, each answered before the next; Ctrl-D ends it', async () => {
      await select('repl');
      expect(await page.evaluate(() => (document.getElementById('interactive') as HTMLInputElement).checked, undefined)).toBe(true);
      await run();
      // spawn(..., { tty: true }): the guest's isatty(1) is true.
      await untilTerminal('repl on a terminal');
      await page.click('#terminal');
      // Local echo and backspace: "helx", a backspace, "lo" sends "hello".
      await page.type('helx');
      await untilTerminal('helx');
      await page.press('Backspace');
      await page.waitFor(() => !document.getElementById('terminal')!.innerText.includes('helx'), undefined, 5000);
      await typeLine('lo');
      await untilTerminal('1: HELLO');
      expect(await terminal()).not.toContain('2:');
      await typeLine('add 2 3');
      await untilTerminal('2: 5');
      expect(await terminal()).not.toContain('3:');
      await typeLine('mixed Case');
      await untilTerminal('3: MIXED CASE');
      expect(await terminal()).not.toContain('bye');
      expect(await status()).toMatch(/Running in the terminal/);
      await page.press('d', true);
      await until('#status', /Exited with code 0/);
      await untilTerminal('[exit code 0]');
      expect(await terminal()).toContain('bye after 3 lines');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot(`${ARTIFACTS}/demo-terminal-${engine.name}.png`);
    });

    it('runs poll_stdin in the terminal: its poll times out, then it reads a typed line, then end of input', async () => {
      await select('poll_stdin');
      await run();
      await untilTerminal('waiting');
      await page.click('#terminal');
      await typeLine('abc');
      await untilTerminal('got 4: abc');
      await page.press('d', true);
      await until('#status', /Exited with code 0/);
      await untilTerminal('end of input after a timeout');
    });

    it('Ctrl-C stops a program blocked reading stdin within 100 ms', async () => {
      await select('repl');
      await page.evaluate(() => delete document.body.dataset.stopMs, undefined);
      await run();
      await untilTerminal('repl on a terminal');
      await page.click('#terminal');
      await typeLine('one');
      await untilTerminal('1: ONE');
      // Now blocked in fd_read (Atomics.wait in the runner's Worker).
      await page.press('c', true);
      await until('#status', /Stopped after/);
      await untilTerminal('[stopped after');
      await page.waitFor(() => document.body.dataset.stopMs !== undefined, undefined, 5000);
      expect(Number(await page.evaluate(() => document.body.dataset.stopMs, undefined))).toBeLessThan(100);
      const out = await terminal();
      expect(out).toContain('^C');
      expect(out).not.toContain('bye');
      expect(await page.evaluate(() => [(document.getElementById('run') as HTMLButtonElement).disabled, (document.getElementById('stop') as HTMLButtonElement).disabled], undefined)).toEqual([false, true]);
    });

    it("a terminal run's files come back to the file panel", async () => {
      await select('cp');
      await setInteractive(true);
      expect(await hasFile('/out/dst.txt')).toBe(false);
      await run();
      await until('#status', /Exited with code 0/);
      await untilTerminal('O_EXCL on existing destination: EEXIST');
      // The guest saw a terminal, and what it wrote is in the page's files.
      expect(await hasFile('/out/dst.txt')).toBe(true);
      await setInteractive(false);
    });

    it('the file panel views and edits a text file, and the next run reads the edit', async () => {
      await select('cat');
      await page.click('li.file[data-path="/input.txt"] .name');
      await page.waitFor(() => !document.getElementById('editor')!.hidden, undefined, 5000);
      expect(await page.evaluate(() => (document.getElementById('editor-text') as HTMLTextAreaElement).value, undefined)).toBe('first line\nsecond line with ünïcödé\n\tindented\nno newline at end');
      await page.click('#editor-text');
      await page.press('a', true);
      await page.type('edited in the panel\nsecond edited line\n');
      await page.click('#editor-save');
      await until('#editor-note', /Saved/);
      await setValue('#args', '/sandbox/input.txt');
      await run();
      await until('#status', /Exited with code 0/);
      await untilTerminal('second edited line');
      const out = await terminal();
      expect(out).toContain('edited in the panel');
      expect(out).not.toContain('first line');
    });

    it('shows a program\'s ANSI colours in the terminal', async () => {
      await select('ansi_colours');
      await run();
      await until('#status', /Exited with code 0/);
      await untilTerminal('black on white');
      // xterm.js's DOM renderer: one span per run of cells with the same attributes.
      const styled = await page.evaluate(() => {
        const of = (cls: string): string[] => Array.from(document.querySelectorAll(`#terminal .${cls}`)).map((e) => (e as HTMLElement).innerText);
        return { red: of('xterm-fg-1'), green: of('xterm-fg-2'), cyan: of('xterm-fg-6'), bold: of('xterm-bold'), onWhite: of('xterm-bg-7') };
      }, undefined);
      expect(styled.red).toContain('red');
      expect(styled.green).toContain('green');
      expect(styled.cyan).toContain('cyan');
      expect(styled.bold).toContain('bold');
      expect(styled.onWhite).toContain('black on white');
      // No escape reached the screen as text.
      expect(await terminal()).not.toMatch(/\[3\dm/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot(`${ARTIFACTS}/demo-colours-${engine.name}.png`);
    });

    it('runs a wasi-threads program: four threads write one file, the main thread prints in the terminal', async () => {
      await select('threads_write_one_fd');
      await run();
      await until('#status', /Exited with code 0/);
      await untilTerminal('done');
      expect(await hasFile('/out.txt')).toBe(true);
      await page.click('li.file[data-path="/out.txt"] .name');
      const lines = (await page.evaluate(() => (document.getElementById('editor-text') as HTMLTextAreaElement).value, undefined)).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(200);
      for (const t of ['t0', 't1', 't2', 't3']) expect(lines.filter((l) => l === t)).toHaveLength(50);
      await page.click('#editor-close');
    });

    it('with "Keep files (OPFS)" a file a program wrote is in the panel after a reload and a program reads it', async () => {
      await page.click('#keep');
      await page.waitFor(() => document.body.dataset.keepSettled !== undefined, undefined, 10_000);
      await select('cp');
      await page.evaluate(() => delete document.body.dataset.savedAt, undefined);
      await run();
      await until('#status', /Exited with code 0/);
      await page.waitFor(() => document.body.dataset.savedAt !== undefined, undefined, 10_000);
      await page.goto(`${server.url}/`);
      await ready();
      expect(await page.evaluate(() => (document.getElementById('keep') as HTMLInputElement).checked, undefined)).toBe(true);
      expect(await hasFile('/out/dst.txt')).toBe(true);
      await select('cat');
      await setValue('#args', '/sandbox/out/dst.txt');
      await run();
      await until('#status', /Exited with code 0/);
      await untilTerminal('line 039: the quick brown fox');
      // Unchecked, the saved copy goes: the next load starts from the example's files.
      await page.evaluate(() => delete document.body.dataset.keepSettled, undefined);
      await page.click('#keep');
      await page.waitFor(() => document.body.dataset.keepSettled !== undefined, undefined, 10_000);
      await page.goto(`${server.url}/`);
      await ready();
      expect(await hasFile('/out/dst.txt')).toBe(false);
    });
  });
}
