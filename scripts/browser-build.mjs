// The esbuild set-up of the browser builds, shared by scripts/build.mjs (which
// writes dist/) and test/docs.test.ts (which checks the README's size table
// without touching dist/).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The Node modules memfs 4.80 imports (through @jsonjoy.com/fs-node-builtins),
// and what a browser build uses for each. buffer, events and path are the
// usual browser packages (devDependencies, bundled). The rest are never used
// by anything MemFS calls, so they are stand-ins rather than polyfills:
// streams exist only for createReadStream/createWriteStream, `process` is
// optional (memfs falls back to cwd '/'), and URL is the browser's own.
const POLYFILLS = {
  'node:buffer': require.resolve('buffer/'),
  'node:events': require.resolve('events/'),
  'node:path': require.resolve('path-browserify'),
};
const unavailable = (what) => `() => { throw new Error(${JSON.stringify(`${what} is left out of the wasi-host browser build`)}); }`;
const STANDINS = {
  'node:stream': `class NoStream { constructor() { (${unavailable('memfs read/write streams')})(); } }
export const Readable = NoStream, Writable = NoStream;`,
  'node:url': 'export const URL = globalThis.URL;',
  process: 'module.exports = undefined;',
  // memfs's snapshot helpers (vol.toSnapshot() and friends, a CBOR/JSON codec)
  // are a sixth of its size and nothing here uses them.
  '@jsonjoy.com/fs-snapshot': `const no = ${unavailable('memfs snapshots (Volume#toSnapshot and friends)')};
export { no as toSnapshotSync, no as fromSnapshotSync, no as toBinarySnapshotSync, no as fromBinarySnapshotSync, no as toJsonSnapshotSync, no as fromJsonSnapshotSync };`,
};

const browserShims = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^(node:.*|process|@jsonjoy\.com\/fs-snapshot)$/ }, (args) => {
      if (args.path in POLYFILLS) return { path: POLYFILLS[args.path] };
      if (args.path in STANDINS) return { path: args.path, namespace: 'standin' };
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser stand-in: add one in scripts/browser-build.mjs` }] };
    });
    b.onLoad({ filter: /.*/, namespace: 'standin' }, (args) => ({ contents: STANDINS[args.path], loader: 'js' }));
  },
};

export const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none', absWorkingDir: ROOT };
export const browser = { ...common, platform: 'browser', plugins: [browserShims], metafile: true };

/** One entry built alone, minified, in memory: its bytes, gzip -9 bytes, and what it took from packages. */
async function minGzip(entry, format) {
  const r = await build({ ...browser, entryPoints: [entry], format, ...(format === 'iife' ? { globalName: 'wasiHost', define: { 'import.meta.url': 'undefined' } } : {}), minify: true, write: false });
  const [out] = Object.values(r.metafile.outputs);
  const fromPackages = Object.keys(out.inputs).filter((p) => !p.startsWith('src/'));
  const bytes = r.outputFiles[0].contents;
  return { min: bytes.byteLength, gz: gzipSync(bytes, { level: 9 }).byteLength, fromPackages };
}

/**
 * minified + gzip sizes of what a browser user gets: the core (no MemFS, no
 * memfs), everything as ESM, and everything as the IIFE (the ESM plus a wrapper).
 */
export async function bundleSizes() {
  const [core, full, iife] = await Promise.all([minGzip('src/core.ts', 'esm'), minGzip('src/browser.ts', 'esm'), minGzip('src/browser.ts', 'iife')]);
  return { core, full, iife };
}
