// Finds and launches Debian's Firefox ESR through puppeteer-core over
// WebDriver BiDi for the Firefox suite. A missing Firefox fails the suite
// loudly unless WASI_HOST_SKIP_BROWSER=1 says to skip the browser suites.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Why the Firefox suite cannot run here, or null if it can. */
export function firefoxProblem(): string | null {
  if (existsSync(FIREFOX_PATH)) return null;
  return (
    `Firefox was not found at ${FIREFOX_PATH}, so the Firefox suite cannot run. ` +
    'Install it (Debian: `apt-get install firefox-esr`; .ci/run does this), or point FIREFOX_PATH at a Firefox binary. ' +
    'To skip the browser suites on purpose, set WASI_HOST_SKIP_BROWSER=1.'
  );
}

/** Preferences that keep a test Firefox off the network and quiet: nothing but 127.0.0.1 is reached. */
const PREFS = {
  'network.proxy.type': 0,
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

export async function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: PREFS });
}

/** A page whose requests may only reach 127.0.0.1: any other is aborted and recorded in `blocked`. */
export async function loopbackPage(browser: Browser): Promise<{ page: Page; blocked: string[] }> {
  const page = await browser.newPage();
  const blocked: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = new URL(req.url());
    // data: URLs (the demo's empty favicon) never leave the page; Firefox's BiDi shows them as requests, Chromium's CDP does not.
    if ((url.protocol === 'http:' && url.hostname === '127.0.0.1') || url.protocol === 'data:') void req.continue();
    else {
      blocked.push(url.href);
      void req.abort('blockedbyclient');
    }
  });
  return { page, blocked };
}
