// What each module costs in a browser bundle, built as scripts/browser-build.mjs
// measures it (minified, alone, in memory): its minified bytes from esbuild's
// metafile, and its share of the gzip total. The share is an estimate (the
// module's minified bytes times the bundle's gzip ratio): gzip works across
// module boundaries, so no module has an exact compressed size of its own.
//
//   node scripts/size-breakdown.mjs                  the core (src/core.ts)
//   node scripts/size-breakdown.mjs src/browser.ts   any entry
//
// scripts/size-price.mjs prices features instead: the core built without each.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { browser } from './browser-build.mjs';

const entry = process.argv[2] ?? 'src/core.ts';
const r = await build({ ...browser, entryPoints: [entry], format: 'esm', minify: true, write: false });
const [out] = Object.values(r.metafile.outputs);
const bytes = r.outputFiles[0].contents;
const gz = gzipSync(bytes, { level: 9 }).byteLength;
const share = (n) => Math.round((n / bytes.byteLength) * gz);

const rows = Object.entries(out.inputs).map(([path, i]) => ({ path, min: i.bytesInOutput })).filter((r) => r.min > 0).sort((a, b) => b.min - a.min);
const groups = new Map();
for (const { path, min } of rows) {
  const group = path.startsWith('src/') ? path.split('/').slice(0, -1).join('/') || 'src' : 'packages';
  groups.set(group, (groups.get(group) ?? 0) + min);
}

const line = (min, name) => `${String(min).padStart(8)} ${String(share(min)).padStart(7)}  ${name}`;
console.log(`${entry}: ${bytes.byteLength} bytes minified, ${gz} gzip -9\n`);
console.log(`${'minified'.padStart(8)} ${'~gzip'.padStart(7)}  module`);
for (const { path, min } of rows) console.log(line(min, path));
console.log(`\n${'minified'.padStart(8)} ${'~gzip'.padStart(7)}  directory`);
for (const [group, min] of [...groups].sort((a, b) => b[1] - a[1])) console.log(line(min, `${group}/`));
