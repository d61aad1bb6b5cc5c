// Builds dist/:
//
//   index.js, cli.js     the Node entry and the CLI (dependencies left as imports)
//   browser.js           ESM for browsers and bundlers: WASI, run, MemFS. memfs is
//                        bundled in, with small browser stand-ins for the Node
//                        modules it imports, so a page or a bundler needs no
//                        polyfill set-up
//   core.js              ESM of the host alone, no MemFS and no memfs (bring a backend)
//   wasi-host.iife.js    minified single file for a plain <script> tag: global `wasiHost`
//   types/               .d.ts for all of the above
//
// then prints the browser size budget (minified + gzip) and fails if a browser
// build reaches a Node built-in or the core grows past its budget.
//
//   node scripts/build.mjs            build and print sizes
//   node scripts/build.mjs --quiet    build only
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const quiet = process.argv.includes('--quiet');

/**
 * minified + gzip bytes past which the build fails: the core must not grow for
 * no reason. 16 KB became 18 KB for errors that name their fix (option
 * checks, missing imports) and the embedder memory API, about 2.5 KB together.
 */
const BUDGET = { core: 18 * 1024, full: 80 * 1024 };

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
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser stand-in: add one in scripts/build.mjs` }] };
    });
    b.onLoad({ filter: /.*/, namespace: 'standin' }, (args) => ({ contents: STANDINS[args.path], loader: 'js' }));
  },
};

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' };
const browser = { ...common, platform: 'browser', plugins: [browserShims], metafile: true };

await build({ ...common, sourcemap: true, entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' }, outdir: 'dist', format: 'esm', platform: 'node', packages: 'external', splitting: true });
const esm = await build({ ...browser, sourcemap: true, entryPoints: { browser: 'src/browser.ts', core: 'src/core.ts' }, outdir: 'dist', format: 'esm', splitting: true, chunkNames: 'browser-chunk-[hash]' });
const iife = await build({ ...browser, entryPoints: { 'wasi-host.iife': 'src/browser.ts' }, outdir: 'dist', format: 'iife', globalName: 'wasiHost', minify: true });

// Nothing a browser loads may import anything: every module is in the files.
for (const [file, out] of Object.entries({ ...esm.metafile.outputs, ...iife.metafile.outputs })) {
  const outside = out.imports.filter((i) => i.external);
  if (outside.length > 0) throw new Error(`${file} imports ${outside.map((i) => i.path).join(', ')}: a browser build must be self-contained`);
}

// Sizes of what a user gets, each built alone and minified: the core (no
// MemFS, no memfs) and everything (the ESM and the IIFE differ by a wrapper).
async function minGzip(entry) {
  const r = await build({ ...browser, entryPoints: [entry], format: 'esm', minify: true, write: false });
  const [out] = Object.values(r.metafile.outputs);
  const fromPackages = Object.keys(out.inputs).filter((p) => !p.startsWith('src/'));
  return { min: r.outputFiles[0].contents.byteLength, gz: gzipSync(r.outputFiles[0].contents, { level: 9 }).byteLength, fromPackages };
}
const core = await minGzip('src/core.ts');
const full = await minGzip('src/browser.ts');
const iifeBytes = readFileSync('dist/wasi-host.iife.js');
const sizes = { core: core.gz, full: full.gz, iife: gzipSync(iifeBytes, { level: 9 }).byteLength };
if (core.fromPackages.length > 0) throw new Error(`the core bundle pulls in ${core.fromPackages.join(', ')}: it must be our own code only`);

emitTypes();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(8);
if (!quiet) {
  console.log('browser bundles, minified + gzip:');
  console.log(`  core: WASI, no MemFS (wasi-host/core)       ${kb(core.gz)}  (${kb(core.min)} minified; budget ${kb(BUDGET.core)})`);
  console.log(`  with MemFS, memfs and polyfills (browser.js) ${kb(full.gz)}  (${kb(full.min)} minified; budget ${kb(BUDGET.full)})`);
  console.log(`  IIFE for a <script> tag (wasi-host.iife.js)  ${kb(sizes.iife)}  (${kb(iifeBytes.byteLength)} minified)`);
}
for (const k of ['core', 'full']) {
  if (sizes[k] > BUDGET[k]) {
    console.error(`build: the ${k} browser bundle is ${sizes[k]} bytes, over its budget of ${BUDGET[k]} (scripts/build.mjs)`);
    process.exit(1);
  }
}

/** Declarations for the three entries, into dist/types, with the project's compiler options. */
function emitTypes() {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  const options = { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, rootDir: 'src', outDir: 'dist/types', declarationMap: false, sourceMap: false };
  const program = ts.createProgram(['src/index.ts', 'src/browser.ts', 'src/core.ts'], options);
  const result = program.emit();
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }));
}
