// The browser half of the seam measurements, in headless Chromium
// (/usr/bin/chromium or CHROMIUM_PATH) through playwright-core, on a
// cross-origin-isolated page served from 127.0.0.1 (demo/static-server.mjs
// sends COOP + COEP), plus whether Node 20 has JSPI at all.
//
//   node bench/seam/browser.mjs                 # about 30 s
//   node bench/seam/browser.mjs --calls 50000 --rounds 9
//
// Prints: the channel round trip with the page's main thread as owner and a
// Worker calling (median, p99, mean µs; Chromium coarsens performance.now(),
// so the step it takes is printed beside them), and JSPI's cost per import call.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../../demo/static-server.mjs';
import { fixed, table } from './stats.mjs';

const arg = (name, dflt) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : dflt;
};
const calls = arg('--calls', 20_000);
const rounds = arg('--rounds', 7);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What Node itself offers: the JSPI API, plain and behind the flags its V8 knows. */
function nodeJspi() {
  const probe = 'console.log([typeof WebAssembly.Suspending, typeof WebAssembly.promising, typeof WebAssembly.Suspender].join(" "))';
  return [[], ['--experimental-wasm-stack-switching'], ['--experimental-wasm-jspi']].map((flags) => {
    const r = spawnSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' });
    const [suspending, promising, suspender] = r.status === 0 ? r.stdout.trim().split(' ') : ['(flag rejected)', '', ''];
    return [`node ${flags.join(' ') || '(no flag)'}`, suspending, promising, suspender];
  });
}

const here = fileURLToPath(new URL('.', import.meta.url));
const server = await startStaticServer({
  mounts: { '/seam': here },
  routes: { '/index.html': async () => ({ type: 'text/html; charset=utf-8', body: '<!doctype html><title>seam</title>' }) },
});
const browser = await chromium.launch({
  executablePath, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
let result;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/index.html`);
  result = await page.evaluate(`import('/seam/browser-page.mjs').then((m) => m.runAll(${JSON.stringify({ calls, rounds })}))`);
  if (errors.length > 0) throw new Error(errors.join('\n'));
  result.version = browser.version();
} finally {
  await browser.close();
  await server.close();
}

const { facts, channels, jspi } = result;
console.log(`Chromium ${result.version}; crossOriginIsolated ${facts.crossOriginIsolated}; Atomics.waitAsync ${facts.waitAsync}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
console.log(`Channel round trip, page main thread = owner, a module Worker calls fd_write (16 B, shared memory); ${calls} calls per row:\n`);
const how = {
  direct: 'no forwarding: the plain call in the worker itself',
  waitAsync: 'owner awaits Atomics.waitAsync (its event loop stays free)',
  postMessage: 'request announced by postMessage, owner answers from its event loop',
};
console.log(table(['owner', 'how', 'median µs', 'p99 µs', 'mean µs', 'timer step µs'],
  channels.map((c) => [c.mode, how[c.mode], fixed(c.medianUs), fixed(c.p99Us), fixed(c.meanUs, 2), fixed(c.stepUs, 1)])));
console.log('\nJSPI: where it exists\n');
console.log(table(['engine', 'WebAssembly.Suspending', 'WebAssembly.promising', 'WebAssembly.Suspender (old API)'], [
  [`Chromium ${result.version}`, jspi.has.Suspending, jspi.has.promising, ''],
  ...nodeJspi(),
]));
console.log(`\nIn Chromium a Suspending import that returns a plain value suspends: ${jspi.has.suspendsOnNumber}; one that returns an already-resolved promise suspends: ${jspi.has.suspendsOnResolvedPromise}.`);
if (jspi.rows.length > 0) {
  console.log(`\nJSPI: cost per call in Chromium (median of ${rounds} rounds of ~50 ms):\n`);
  console.log(table(['calls', 'import is', 'ns/call median', 'ns/call min'],
    jspi.rows.map((r) => [r.group, r.what, fixed(r.nsPerCall), fixed(r.min)])));
}
