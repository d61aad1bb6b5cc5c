// The README's napi-rs recipe ("napi-rs bindings"), applied to the loaders of
// published bindings: each changed line replaced exactly once, into copies
// beside the originals (`*.wasi-host.*`), so the stock loader and wasi-host's
// run side by side with the same runtime and the same .wasm.
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Binding {
  /** The package directory in node_modules. */
  readonly dir: string;
  /** Its Node loader (`*.wasi.cjs`) and browser loader (`*.wasi-browser.js`). */
  readonly node: string;
  readonly browser: string;
}

export const BINDINGS = {
  tailwind: { dir: join(ROOT, 'node_modules/@tailwindcss/oxide-wasm32-wasi'), node: 'tailwindcss-oxide.wasi.cjs', browser: 'tailwindcss-oxide.wasi-browser.js' },
  argon2: { dir: join(ROOT, 'node_modules/@node-rs/argon2-wasm32-wasi'), node: 'argon2.wasi.cjs', browser: 'argon2.wasi-browser.js' },
} as const satisfies Record<string, Binding>;

/** The copy's name: `x.wasi.cjs` → `x.wasi-host.cjs`, `wasi-worker.mjs` → `wasi-worker.wasi-host.mjs` (`tag` for another copy). */
export function hostName(name: string, tag = 'wasi-host'): string {
  return name.includes('.wasi') ? name.replace(/\.wasi(?=[.-])/, `.${tag}`) : name.replace(/\.mjs$/, `.${tag}.mjs`);
}

function replaceOnce(text: string, from: string, to: string, where: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`${where}: expected exactly one ${JSON.stringify(from)}; the published loader changed`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function write(b: Binding, name: string, edits: readonly (readonly [string, string])[], tag = 'wasi-host'): string {
  let text = readFileSync(join(b.dir, name), 'utf8');
  for (const [from, to] of edits) text = replaceOnce(text, from, to, name);
  const out = join(b.dir, hostName(name, tag));
  writeIfChanged(out, text);
  return out;
}

/** Test files run in parallel and both patch: a file another process may be reading is rewritten only if it must be. */
function writeIfChanged(path: string, text: string): void {
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}

/**
 * The recipe for Node: `require('node:wasi')` → `require('wasi-host')` in the
 * loader, `from "node:wasi"` → `from "wasi-host"` in its worker. (The copy's
 * worker file name is the test's own change.) Returns the loader copy's path.
 */
export function patchNodeLoader(b: Binding): string {
  write(b, 'wasi-worker.mjs', [['from "node:wasi"', 'from "wasi-host"']]);
  return write(b, b.node, [
    ["require('node:wasi')", "require('wasi-host')"],
    ["'wasi-worker.mjs'", `'${hostName('wasi-worker.mjs')}'`],
  ]);
}

/**
 * The recipe for browsers: WASI from 'wasi-host/napi' instead of from
 * '@napi-rs/wasm-runtime', in the loader and in its worker. Returns the loader copy's path.
 */
export function patchBrowserLoader(b: Binding): string {
  write(b, 'wasi-worker-browser.mjs', [
    ['WASI,', ''],
    ["} from '@napi-rs/wasm-runtime'", "} from '@napi-rs/wasm-runtime'\nimport { WASI } from 'wasi-host/napi'"],
  ]);
  return write(b, b.browser, [
    ['  WASI as __WASI,\n', ''],
    ["} from '@napi-rs/wasm-runtime'", "} from '@napi-rs/wasm-runtime'\nimport { WASI as __WASI } from 'wasi-host/napi'"],
    ['wasi-worker-browser.mjs', hostName('wasi-worker-browser.mjs')],
  ]);
}

/** The copies' tag for the bridged recipe. */
export const BRIDGED = 'wasi-host-bridged';
/** Workers the bridged loader starts ahead: tailwind's scan() took one here (counted in onCreateWorker), and one spare. */
const BRIDGED_WORKERS = 2;

/**
 * The recipe for threads that read files in a browser (README): as
 * patchBrowserLoader, and every thread's WASI mounts `bridgedVfs()` instead
 * of the loader's memfs or the fs proxy; the loader posts the bridge to each
 * Worker it makes, which takes it before napi-rs's handler. Returns the loader copy's path.
 */
export function patchBrowserLoaderBridged(b: Binding): string {
  write(b, 'wasi-worker-browser.mjs', [
    ['WASI,', ''],
    ["} from '@napi-rs/wasm-runtime'", "} from '@napi-rs/wasm-runtime'\nimport { WASI, bridgedVfs, acceptVfsBridge } from 'wasi-host/napi'"],
    ['      fs,\n', ''],
    ["'/': '/',", "'/': bridgedVfs(),"],
    ['  handler.handle(e)', '  if (!acceptVfsBridge(e)) handler.handle(e)'],
  ], BRIDGED);
  const worker = hostName('wasi-worker-browser.mjs', BRIDGED);
  return write(b, b.browser, [
    ['  WASI as __WASI,\n', ''],
    ["} from '@napi-rs/wasm-runtime'", "} from '@napi-rs/wasm-runtime'\nimport { WASI as __WASI, bridgedVfs, startBridgedWorkers, takeBridgedWorker } from 'wasi-host/napi'"],
    ['  fs: __fs,\n', ''],
    ["'/': '/',", "'/': bridgedVfs(),"],
    ['wasi-worker-browser.mjs', worker],
    ['const worker = new Worker(', 'const worker = takeBridgedWorker('],
    ["    worker.addEventListener('message', __wasmCreateOnMessageForFsProxy(__fs))\n", ''],
    ['const __wasmFile = await', `await startBridgedWorkers(new URL('./${worker}', import.meta.url), ${BRIDGED_WORKERS})\nconst __wasmFile = await`],
  ], BRIDGED);
}

/**
 * `wasi-host` in node_modules, as an application that installed it has it:
 * this package.json, and dist/ linked to this checkout's build.
 */
export function installWasiHost(): void {
  const at = join(ROOT, 'node_modules/wasi-host');
  mkdirSync(at, { recursive: true });
  writeIfChanged(join(at, 'package.json'), readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const link = join(at, 'dist');
  // A link left by another checkout (node_modules copied from it) would test that checkout's build.
  if (existsSync(link) && readlinkOr(link) !== join(ROOT, 'dist')) rmSync(link, { force: true });
  try {
    symlinkSync(join(ROOT, 'dist'), link);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
  }
}

function readlinkOr(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
