// Bundles a napi-rs binding's browser loader and its worker with esbuild, as
// an application's bundler would: bare imports ('@napi-rs/wasm-runtime',
// 'wasi-host') resolved from the package, `new URL(..., import.meta.url)`
// left as is, so the worker and the .wasm are put where the loader's URLs point.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostName, type Binding } from './loaders.js';

/** Writes `<out>/loader.js`, the worker and the .wasm; `copy` picks a recipe's copies (hostName's tag), false the stock loader. */
export async function bundleBrowserLoader(b: Binding, copy: boolean | string, out: string): Promise<void> {
  const loader = copy === false ? b.browser : hostName(b.browser, copy === true ? undefined : copy);
  const text = readFileSync(join(b.dir, loader), 'utf8');
  const workerUrl = /(?:new Worker|takeBridgedWorker)\(new URL\('([^']+)', import\.meta\.url\)/.exec(text)?.[1];
  const wasmName = /new URL\('\.\/([^']+\.wasm)', import\.meta\.url\)/.exec(text)?.[1];
  if (workerUrl === undefined || wasmName === undefined) throw new Error(`${loader}: no worker or .wasm URL found; the published loader changed`);
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error' } as const;
  await build({ ...common, entryPoints: [join(b.dir, loader)], outfile: join(out, 'loader.js') });
  const workerOut = join(out, workerUrl);
  mkdirSync(dirname(workerOut), { recursive: true });
  await build({ ...common, entryPoints: [join(b.dir, workerUrl.split('/').pop()!)], outfile: workerOut });
  symlinkSync(join(b.dir, wasmName), join(out, wasmName));
}
