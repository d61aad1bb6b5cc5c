// Builds dist/: the Node entry, the CLI and the browser ESM entry (memfs kept
// external). Prints the browser bundle size.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, sourcemap: true, target: 'es2022', logLevel: 'warning' };

await build({ ...common, entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' }, outdir: 'dist', format: 'esm', platform: 'node', packages: 'external', splitting: true });
await build({ ...common, entryPoints: { browser: 'src/browser.ts' }, outdir: 'dist', format: 'esm', platform: 'browser', external: ['memfs'] });
await build({ ...common, entryPoints: { 'browser.min': 'src/browser.ts' }, outdir: 'dist', format: 'esm', platform: 'browser', external: ['memfs'], minify: true, sourcemap: false });

if (!quiet) {
  const gz = (f) => gzipSync(readFileSync(f)).byteLength;
  console.log(`browser core (minified+gzip, memfs external): ${gz('dist/browser.min.js')} bytes`);
}
