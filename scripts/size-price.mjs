// What the core's features cost in its bundle: src/core.ts built as
// scripts/browser-build.mjs measures it (minified, alone, gzip -9), once as it
// is and once without each feature below, so the difference is that feature's
// price. A measurement only: nothing is written, and the source edits are
// made in memory on the way into esbuild. Each edit must find its target, or
// the script stops (a renamed function would otherwise price as free).
//
//   node scripts/size-price.mjs
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { browser } from './browser-build.mjs';

/** Replaces `find` in the file's text, or throws when it is not there. */
const edit = (find, replace) => (text, file) => {
  if (!find.test(text)) throw new Error(`size-price: ${find} not found in ${file}: update scripts/size-price.mjs`);
  return text.replace(find, replace);
};

const FEATURES = {
  // The checks of every option and their messages (src/options.ts): the constructor's shape and value checks.
  'option checks': {
    'src/options.ts': [
      // What is left without them: the guest's environment, which checkOptions builds in its pass over env.
      // Whole functions go, not just their bodies: esbuild tree-shakes before it drops code after a return.
      edit(/\nfunction checkOptionShapes\([\s\S]*?\n\}\n/, '\n'),
      edit(
        /\nexport function checkOptions\([\s\S]*?\n\}\n/,
        "\nexport function checkOptions(options: WASIOptions, full: boolean): string[] { const e: string[] = []; for (const n in options.env) e.push(`${n}=${options.env[n]}`); return e; }\n",
      ),
    ],
  },
  // poll_oneoff answering ENOSYS: the clock and fd subscriptions, the sleep, waiting on stdin.
  poll_oneoff: { 'src/syscalls/table.ts': [edit(/import \{ poll_oneoff \} from '\.\/poll\.js';/, 'const poll_oneoff = () => 52;')] },
  'run()': { 'src/core.ts': [edit(/export function run\([\s\S]*?\n\}\n/, '')] },
};

/** The built core with `edits` applied: minified bytes, and the same with every message's text emptied. */
async function measure(edits) {
  const plugin = {
    name: 'size-price-edits',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const file = args.path.slice(args.path.lastIndexOf('src/'));
        let text = readFileSync(args.path, 'utf8');
        for (const e of edits[file] ?? []) text = e(text, file);
        return { contents: text, loader: 'ts' };
      });
    },
  };
  const r = await build({ ...browser, plugins: [...browser.plugins, plugin], entryPoints: ['src/core.ts'], format: 'esm', minify: true, write: false });
  const js = r.outputFiles[0].text;
  return { js, noMessages: withoutMessages(js) };
}

/**
 * The bundle with the text of every message emptied: each string or template
 * piece with a space in it and longer than 12 characters (messages; the
 * names, tags and keys the code compares have no spaces).
 */
function withoutMessages(js) {
  const sf = ts.createSourceFile('core.js', js, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const K = ts.SyntaxKind;
  const empty = { [K.StringLiteral]: null, [K.NoSubstitutionTemplateLiteral]: null, [K.TemplateHead]: '`${', [K.TemplateMiddle]: '}${', [K.TemplateTail]: '}`' };
  const cuts = [];
  const visit = (n) => {
    if (n.kind in empty && n.text.length > 12 && n.text.includes(' ')) {
      const start = n.getStart(sf);
      cuts.push([start, n.getEnd(), empty[n.kind] ?? js[start] + js[start]]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  let out = '';
  let at = 0;
  for (const [start, end, by] of cuts.sort((a, b) => a[0] - b[0])) {
    out += js.slice(at, start) + by;
    at = end;
  }
  return out + js.slice(at);
}

const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).byteLength;
const row = (name, base, m) => `${String(gz(m)).padStart(7)} ${String(gz(m) - base).padStart(7)}  ${name}`;

const built = await measure({});
const base = gz(built.js);
console.log(`src/core.ts minified + gzip -9, as built and without each feature (bytes, and the difference):\n`);
console.log(row('as built', base, built.js));
const all = {};
for (const [name, edits] of Object.entries(FEATURES)) {
  console.log(row(`without ${name}`, base, (await measure(edits)).js));
  for (const [file, e] of Object.entries(edits)) all[file] = [...(all[file] ?? []), ...e];
}
console.log(row('without the text of every message', base, built.noMessages));
const none = await measure(all);
console.log(row(`without ${Object.keys(FEATURES).join(', ')}`, base, none.js));
console.log(row(`without ${Object.keys(FEATURES).join(', ')} and every message's text`, base, none.noMessages));
