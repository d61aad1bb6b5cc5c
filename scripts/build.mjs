// Builds dist/:
//
//   index.js, cli.js     the Node entry and the CLI (dependencies left as imports)
//   browser.js           ESM for browsers and bundlers: WASI, run, MemFS. memfs's
//                        tree (fs-core's Node and Link) is bundled in, with small
//                        stand-ins for the Node modules it imports, so a page or a
//                        bundler needs no polyfill set-up
//   core.js              ESM of the core host alone (src/core.ts): no MemFS, no memfs, no threads,
//                        JSPI, wasi.memory, trace or interceptors (bring a backend)
//   wasi-host.iife.js    minified single file for a plain <script> tag: global `wasiHost`
//   runner.js, runner-worker.js                  the Worker runner for Node (wasi-host/runner)
//   browser-runner.js, browser-runner-worker.js  the same for browsers (a module Worker)
//   types/               .d.ts for all of the above
//
// then prints the browser size budget (minified + gzip) and fails if a browser
// build reaches a Node built-in or the core grows past its budget.
//
//   node scripts/build.mjs            build and print sizes
//   node scripts/build.mjs --quiet    build only
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import ts from 'typescript';
import { browser, bundleSizes, common, nodeTree } from './browser-build.mjs';

const quiet = process.argv.includes('--quiet');

/**
 * minified + gzip bytes past which the build fails: the core must not grow for
 * no reason.
 */
// History: 16 KB, 18 KB with errors that name their fix, then 21 KB with the binder, wasi.memory,
// threads and JSPI (issues 10-13). Issue 14 split the core from the full entry: wasi-host/core is one
// synchronous preview1 run (src/core.ts says what it leaves out), 15.1 KB as built then, so its budget
// is 15.5 KB (0.4 KB headroom, as before). The 12 KB is below the floor of the syscalls,
// namespace and memory alone (README, "Sizes"; `node scripts/size-breakdown.mjs` prints the breakdown).
// The full build is the core plus WASIFullHost and MemFS on memfs's tree, without memfs's Volume and
// its polyfills: 28.7 KB then, under the 30 KB. After the merges of that session (the clock
// reader and fixed-arity path_open of issue 14's speed work, JSPI's Suspend let through the core's
// catch-alls, an AsyncVfs preopen refused by name) the core is 15.5 KB: budget 16 KB, 0.4 KB headroom.
// Issue 14, part 5 (BENCHMARKS.md): internal property names shortened (INTERNAL_PROPS in
// scripts/browser-build.mjs): core 15.5 KB, full 29.7 KB as built then; budgets 15.9 KB (0.4 KB headroom)
// and 30 KB, the cap for the full build (0.3 KB headroom). 12 KB for the core needs features
// out of it: BENCHMARKS.md, "Issue 14, part 5", prices each. After the merges of that session (the
// one-walk open +238 B core / +278 B full, startup +54/+62, MemFS's in-place growth +135 full): core
// 15958 B, full 30706 B, with the host context's members shortened too (the test treats HostContext as
// opaque: no API hands one out): budgets unchanged, 14 B headroom on the full build.
// Issue 14, part 6 (MemFS open+fstat+close, BENCHMARKS.md): the speed-ups cost 68 B of the core and
// 97 B of the full build (the resolver's plain-path pass, the ASCII path string, the times memo),
// paid back by nine more INTERNAL_PROPS: core 15973 B, full 30717 B, budgets unchanged (3 B headroom
// on the full build).
// Part 6 (s-hostopen): the one-walk open's long-name test asked apart from its regular expression
// (~200 ns a path), and rightsFromAbi as one BigInt.asUintN(30, ...): core 15962 B, full 30713 B, 7 B headroom.
// Part 7 (s-memshort): MemFS's lean store (addChild, one Date per millisecond, one change bus) +66 B of
// the full build, FileDescriptor's unused path −7/−13 B: core 15940 → 15933 B, full 30632 → 30698 B, 22 B headroom.
// Merged with s-startalloc (its startup work +71 B) the full build was 30782 B: its byte-costly micro-steps
// were taken back (option keys by for…in + hasOwn, the binder's handler class, a hoisted `some` callback) and
// MemFS's #base loops by for…of again, each a few bytes of garbage a run: core 15945 B, full 30714 B, 6 B headroom.
// Part 8 (s-cold): the tree's stand-ins as CommonJS (no __esm/__toCommonJS wrappers) −98 B, the errno map and
// poll_oneoff's state made at first use +1 B: core 15944 B, full 30612 B, 108 B headroom.
// Part 9: the errno fixes found by running wasmtime 49 +90 B (full 30,724 B, over), paid back by the tree's
// Buffer stand-in replacing fs-node-builtins' internal/buffer whole (−141 B); no view per batched write +23 B:
// core 16045 B, full 30606 B, 114 B headroom.
// Parts 10-11: MemFS's EFBIG and gap +125 B, the stream checks in FdTable −27 B (full 30,710 B); then
// MemFS's ENOSPC +22 B and the rename/link/open NAMETOOLONG order +66 B, paid by `x?.kind` −13 B and the
// core's messages for other hosts' fs/print/printErr moved into src/core.ts (−100 B full, +59 B core): core
// 16120 B, full 30685 B; the review's one stream check in fd_seek/fd_tell −16 B: core 16106 B, full 30669 B,
// 51 B headroom (the IIFE, unbudgeted, 30729 B).
const BUDGET = { core: Math.round(15.9 * 1024), full: 30 * 1024 };

rmSync('dist', { recursive: true, force: true });
// No source maps: dist/ is unminified ESM (the IIFE aside) and reads as it is;
// maps and the src/ they point into would triple the package (README, "What
// the package holds").

// The Node entries are built in two groups, each splitting only within itself. Node's ESM loader
// costs a fresh process ~0.6 ms or more per module it resolves, reads and links, so the main entry
// shares one chunk with wasi-host/runner alone (the runner takes MemFS instances made by the main
// entry, so the two must share its classes): `import 'wasi-host'` reads two files, not the nine
// chunks one split across all six entries made (21 → 13–15 ms; BENCHMARKS.md, "Issue 14, part 7").
// The CLI and the Worker entries (guest threads, the runner's Worker, `wasi-host test`'s) split among
// themselves: they share no class with the main entry's users, and one file each would double
// the package for ~8 ms of the CLI's start and ~3 ms of a thread's.
const node = { ...common, outdir: 'dist', format: 'esm', platform: 'node', packages: 'external', plugins: [nodeTree] };
await build({ ...node, entryPoints: { index: 'src/index.ts', runner: 'src/runner/node.ts' }, splitting: true });
await build({ ...node, entryPoints: { cli: 'src/cli.ts', 'thread-worker': 'src/thread-worker.ts', 'cli-test-worker': 'src/cli-test-worker.ts', 'runner-worker': 'src/runner/node-worker.ts' }, splitting: true, chunkNames: 'cli-chunk-[hash]' });
// A guest thread's Worker boots ~7 ms sooner from CommonJS than from an ES module (Node 20 sets up
// its ESM loader in each Worker first: 47–49 against 53–56 ms for an empty Worker here), and a
// threaded program starts one per thread: thread-worker.cjs, one file, is what startThreaded runs by
// default (BENCHMARKS.md, "Issue 14, part 7"). thread-worker.js stays for a workerUrl that names it.
// createRequire takes a path as well as a URL: the late builtins' fallback gets this file's.
await build({ ...node, format: 'cjs', entryPoints: { 'thread-worker': 'src/thread-worker.ts' }, outExtension: { '.js': '.cjs' }, define: { 'import.meta.url': '__filename' } });
const esm = await build({ ...browser, entryPoints: { browser: 'src/browser.ts', core: 'src/core.ts', porter: 'src/porter/index.ts', 'browser-thread-worker': 'src/browser-thread-worker.ts', 'browser-runner': 'src/runner/browser.ts', 'browser-runner-worker': 'src/runner/browser-worker.ts', opfs: 'src/opfs.ts', 'browser-napi': 'src/browser-napi.ts' }, outdir: 'dist', format: 'esm', splitting: true, chunkNames: 'browser-chunk-[hash]' });
const iife = await build({ ...browser, entryPoints: { 'wasi-host.iife': 'src/browser.ts' }, outdir: 'dist', format: 'iife', globalName: 'wasiHost', minify: true, define: { 'import.meta.url': 'undefined' } });

// Nothing a browser loads may import anything: every module is in the files.
for (const [file, out] of Object.entries({ ...esm.metafile.outputs, ...iife.metafile.outputs })) {
  const outside = out.imports.filter((i) => i.external);
  if (outside.length > 0) throw new Error(`${file} imports ${outside.map((i) => i.path).join(', ')}: a browser build must be self-contained`);
}

// Sizes of what a user gets, each built alone and minified (scripts/browser-build.mjs);
// the README's table quotes them and test/docs.test.ts holds it to them.
const { core, full, iife: iifeSize } = await bundleSizes();
const sizes = { core: core.gz, full: full.gz };
if (core.fromPackages.length > 0) throw new Error(`the core bundle pulls in ${core.fromPackages.join(', ')}: it must be our own code only`);
emitTypes();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(8);
if (!quiet) {
  console.log('browser bundles, minified + gzip:');
  console.log(`  core: WASI, no MemFS (wasi-host/core)       ${kb(core.gz)}  (${kb(core.min)} minified; budget ${kb(BUDGET.core)})`);
  console.log(`  with MemFS and memfs's tree (browser.js)   ${kb(full.gz)}  (${kb(full.min)} minified; budget ${kb(BUDGET.full)})`);
  console.log(`  IIFE for a <script> tag (wasi-host.iife.js)  ${kb(iifeSize.gz)}  (${kb(iifeSize.min)} minified)`);
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
  const program = ts.createProgram(['src/index.ts', 'src/browser.ts', 'src/core.ts', 'src/porter/index.ts', 'src/runner/node.ts', 'src/runner/browser.ts', 'src/opfs.ts', 'src/browser-napi.ts'], options);
  const result = program.emit();
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' }));
}
