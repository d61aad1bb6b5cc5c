#!/usr/bin/env node
// A copy of a build's dist/ with every comment taken out of its .js files and
// nothing else minified (TypeScript's printer: the same statements, one per
// line), for A/B runs (bench/cold-ab.mjs, bench/import-ab.mjs) that ask what
// the comments of a readable dist/ cost a fresh process's parse. OUT_DIR gets
// a package.json of type module, as the A/B scripts need beside another build.
//
//   node bench/strip-comments.mjs DIST_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const [src, out] = process.argv.slice(2);
if (src === undefined || out === undefined || !fs.statSync(src, { throwIfNoEntry: false })?.isDirectory()) {
  console.error('usage: node bench/strip-comments.mjs DIST_DIR OUT_DIR');
  process.exit(2);
}
fs.rmSync(out, { recursive: true, force: true });
fs.cpSync(src, out, { recursive: true });
fs.writeFileSync(path.join(out, 'package.json'), '{"type":"module"}\n');
const printer = ts.createPrinter({ removeComments: true });
let before = 0;
let after = 0;
for (const name of fs.readdirSync(out)) {
  if (!name.endsWith('.js')) continue;
  const file = path.join(out, name);
  const text = fs.readFileSync(file, 'utf8');
  const stripped = printer.printFile(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS));
  fs.writeFileSync(file, stripped);
  before += text.length;
  after += stripped.length;
}
console.log(`${out}: .js files ${before} → ${after} characters`);
