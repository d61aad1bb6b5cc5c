// The esbuild set-up of the browser builds, shared by scripts/build.mjs (which
// writes dist/) and test/docs.test.ts (which checks the README's size table
// without touching dist/).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { relative } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// MemFS (src/vfs/memfs.ts) uses memfs's tree alone: Node and Link of
// @jsonjoy.com/fs-core, not memfs's Volume (a Node fs clone). Those two
// modules reach three things a browser lacks, each replaced by a stand-in:
//
// - `node:buffer`, reached through @jsonjoy.com/fs-node-builtins' internal/buffer
//   (which the stand-in replaces whole, with its re-export and fallbacks): a node
//   keeps its bytes in a Buffer and grows them with bufferAllocUnsafe, bufferFrom
//   and buf.copy, and reads them with toString; MemFS itself only uses Uint8Array
//   methods and Buffer.from. A Uint8Array subclass with those few methods does,
//   where the `buffer` package would be 25 KB.
// - `process`: optional (fs-core asks it for uid/gid and falls back to 0).
// - `@jsonjoy.com/fs-node-utils`: Node and Link read only five file-type bits
//   of its `constants` (S_IFMT, S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR); the
//   module's whole table of fs constants and its index's inspector and glob
//   matcher are never called. The bits are POSIX's (test/memfs-tree.test.ts
//   checks them against the package's own).
export const FILE_TYPE_BITS = { S_IFMT: 0o170000, S_IFDIR: 0o040000, S_IFREG: 0o100000, S_IFLNK: 0o120000, S_IFCHR: 0o020000 };
const unavailable = (what) => `() => { throw new Error(${JSON.stringify(`${what} is left out of the wasi-host browser build`)}); }`;
// The stand-ins are CommonJS, as the tree that require()s them: an ES module required from CommonJS
// brings esbuild's __esm/__export/__toCommonJS wrappers (98 B min+gzip of the full bundle, and three
// more helpers a fresh Node process compiles at import; BENCHMARKS.md, "Issue 14, part 8").
const STANDINS = {
  '@jsonjoy.com/fs-node-builtins/lib/internal/buffer': `class Buffer extends Uint8Array {
  static allocUnsafe(n) { return new Buffer(n); }
  static from(x, a, b) {
    if (typeof x === 'string') {
      if (a !== undefined && a !== 'utf8' && a !== 'utf-8') (${unavailable('Buffer encodings other than UTF-8')})();
      x = new TextEncoder().encode(x);
    } else if (!ArrayBuffer.isView(x)) return new Buffer(x, a, b);
    const copy = new Buffer(x.byteLength);
    copy.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    return copy;
  }
  copy(target, at = 0, start = 0, end = this.length) {
    const part = this.subarray(start, Math.min(end, start + target.length - at));
    target.set(part, at);
    return part.length;
  }
  toString(encoding) {
    if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') (${unavailable('Buffer encodings other than UTF-8')})();
    return new TextDecoder().decode(this);
  }
}
module.exports = { Buffer, bufferAllocUnsafe: Buffer.allocUnsafe, bufferFrom: Buffer.from };`,
  process: 'module.exports = undefined;',
  '@jsonjoy.com/fs-node-utils': `module.exports = { constants: ${JSON.stringify(FILE_TYPE_BITS)} };`,
};

const browserShims = {
  name: 'browser-shims',
  setup(b) {
    b.onResolve({ filter: /^(node:.*|process|@jsonjoy\.com\/fs-node-utils|@jsonjoy\.com\/fs-node-builtins\/lib\/internal\/buffer)$/ }, (args) => {
      if (args.namespace === 'standin') return undefined;
      if (args.path in STANDINS) return { path: args.path, namespace: 'standin' };
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser stand-in: add one in scripts/browser-build.mjs` }] };
    });
    b.onLoad({ filter: /.*/, namespace: 'standin' }, (args) => ({ contents: STANDINS[args.path], loader: 'js', resolveDir: ROOT }));
  },
};

/**
 * The Node build (dist/index.js and its chunks) leaves packages as imports,
 * but bundles memfs's tree the way the browser build does: fs-core's Node and
 * Link with what they reach (thingies' fanout, fs-core's process helper;
 * fs-node-builtins' Buffer wrapper is replaced by Node's Buffer functions
 * themselves), and the same five file-type bits for
 * `@jsonjoy.com/fs-node-utils`. That package's index loads its inspector,
 * argument-error helpers, glob matcher and tslib: ~17 ms of `import
 * 'wasi-host'` in a fresh Node process (half the import), for five
 * constants. Node's own modules (node:buffer, process) stay Node's.
 */
const NODE_STANDINS = {
  '@jsonjoy.com/fs-node-utils': STANDINS['@jsonjoy.com/fs-node-utils'],
  'node:buffer': 'module.exports = { Buffer: globalThis.Buffer };',
  // The two functions the tree takes from fs-node-builtins (its internal/buffer and the re-export
  // under it are skipped): Node's own, as that module hands them over.
  '@jsonjoy.com/fs-node-builtins/lib/internal/buffer': 'const { Buffer } = globalThis; module.exports = { Buffer, bufferAllocUnsafe: Buffer.allocUnsafe, bufferFrom: Buffer.from };',
  process: 'module.exports = globalThis.process;',
};
const TREE_PACKAGES = /^(@jsonjoy\.com\/fs-core\/|@jsonjoy\.com\/fs-node-builtins\/|thingies\/)/;
export const nodeTree = {
  name: 'node-tree',
  setup(b) {
    b.onResolve({ filter: /^@jsonjoy\.com\/(fs-node-utils|fs-node-builtins\/lib\/internal\/buffer)$/ }, (args) => ({ path: args.path, namespace: 'node-standin' }));
    // An ESM bundle cannot require() Node's modules, and the tree's CommonJS does: Node's own
    // Buffer and process are globals, handed over as the modules' exports.
    b.onResolve({ filter: /^(node:buffer|process)$/ }, (args) => (TREE_PACKAGES.test(relative(ROOT, args.importer).replace(/^node_modules\//, '')) ? { path: args.path, namespace: 'node-standin' } : undefined));
    b.onResolve({ filter: TREE_PACKAGES }, (args) => ({ path: createRequire(args.importer).resolve(args.path) }));
    b.onLoad({ filter: /.*/, namespace: 'node-standin' }, (args) => ({ contents: NODE_STANDINS[args.path], loader: 'js', resolveDir: ROOT }));
  },
};

export const common = { bundle: true, target: 'es2022', logLevel: 'warning', legalComments: 'none', absWorkingDir: ROOT };

/**
 * Property names the browser builds shorten (esbuild's mangleProps): members
 * no code outside the bundle reaches, the TypeScript-`private` fields of
 * GuestMemory (src/memory.ts) and FdTable (src/fd-table.ts), the struct
 * layouts' fields (src/abi/layout.ts) and poll_oneoff's per-call state
 * (src/syscalls/poll.ts). Minifiers keep property names, and these are
 * repeated across the bundle: −0.14 KB min+gzip of each browser bundle.
 * A name belongs here only if it is no member of a type the entries export,
 * never written as a string in src/ (a quoted key is not renamed), and not in
 * a bundled package; test/browser-build.test.ts checks all three.
 */
export const INTERNAL_PROPS = [
  '_u8', '_view', '_words', '_shared', 'slots', 'lowestFree',
  'nlinkIs64', 'fileSize', 'clockId', 'clockTimeout', 'clockFlags',
  'clocks', 'minHi', 'minLo', 'nowRead', 'nowHi', 'nowLo', 'lastFd', 'lastType', 'lastStream', 'lastError', 'lastNbytes',
  'waitUdLo', 'waitUdHi', 'readyEvent',
  'guestPath', 'vfs',
  'listings', 'rawName', 'deferredErrno', 'trailingSlash', 'trailingDot', 'isMountRoot', 'isEmptyDir', 'preopenName', 'mountsIn', 'statDir', 'enterStat', 'inoOf', 'fdStream', 'defaultStdio', 'hostDirectory', 'outerLayers', 'iovecs', 'scratch', 'gather', 'renumber', 'realtimeNs', 'cputimeNs', 'clockResolutionNs', 'randomFill', 'bufSize', 'writeTo', 'mount', 'maxOpen', 'owner', 'reserve', 'fds', 'openDir', 'syscalls', 'threadWorkers', 'startArg',
  // Issue 14 part 6 (s-startup): the binder's lazy tables, the facade's protected steps, and members only internal types reach.
  'plans', 'byName', 'unbound', 'underModule', 'exitStatus', 'endRun', 'buildImports', 'asyncMounts', 'embedderMemory', 'peek', 'getDir',
  'mem', 'ctx', 'monotonicBigNs', 'tid',
  // Issue 14 part 8 (s-warm): Iovecs' reused copy buffer.
  'spare',
];
export const browser = { ...common, platform: 'browser', plugins: [browserShims], metafile: true, mangleProps: new RegExp(`^(${INTERNAL_PROPS.join('|')})$`) };

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
