// The fenced code blocks of the user-facing Markdown, each with what the doc
// test must do with it. A block says so itself:
//
//   ```text                 a listing, never run
//   ```text output          the exact stdout (or console output) of the runnable block before it
//   ```sh                   run with bash in the packed project (test/packed/project.ts)
//   ```ts / ```js           run as an ES module by Node in the packed project
//   ```html                 opened in Chromium, served from the packed project's root
//
// and an HTML comment on the line before the fence can change that:
//
//   <!-- doc-test: clone -->    run in the repository itself (a fresh clone's point of view)
//   <!-- doc-test: install -->  the command that installs the package into the project (run first)
//   <!-- doc-test: browser -->  a ts/js module bundled for browsers (esbuild) and run in Chromium
//   <!-- no-run: REASON -->     not run, for the reason given (a reason is required)
//
// Any other block (no info string, another language) is an error, so nothing
// is skipped without saying why.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type BlockKind = 'text' | 'output' | 'sh' | 'module' | 'browser-module' | 'html' | 'no-run';

export interface DocBlock {
  /** e.g. README.md:12 (the fence's line) */
  where: string;
  file: string;
  line: number;
  lang: string;
  code: string;
  kind: BlockKind;
  /** For sh blocks: where they run. */
  place: 'project' | 'clone' | 'install';
  /** For no-run blocks. */
  reason?: string;
  /** The `text output` block that follows, if any. */
  expected?: string;
}

/** Markdown files a user reads: everything tracked but node_modules, build output and vendored specs. */
export function userDocs(repo: string): string[] {
  const skip = new Set(['node_modules', 'dist', 'spec', 'test-artifacts', '.git', '.bench-tmp']);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(relative(repo, p));
    }
  };
  walk(repo);
  return out.sort();
}

const DIRECTIVE = /^<!--\s*(doc-test|no-run):\s*(.*?)\s*-->$/;

/** Blocks of one file; throws on a block whose treatment is not declared. */
export function parseBlocks(repo: string, file: string): DocBlock[] {
  const lines = readFileSync(join(repo, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    // CommonMark: a backtick fence's info string has no backtick (that is inline code).
    if (open === null || (open[2][0] === '`' && open[3].includes('`'))) continue;
    const fence = open[2];
    const info = open[3].trim().split(/\s+/).filter((w) => w !== '');
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence); i++) body.push(lines[i].slice(open[1].length));
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: a code block is never closed`);
    let prev = start - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const directive = prev >= 0 ? DIRECTIVE.exec(lines[prev].trim()) : null;
    const where = `${file}:${start + 1}`;
    const block: DocBlock = { where, file, line: start + 1, lang: info[0] ?? '', code: body.join('\n') + '\n', kind: 'text', place: 'project' };
    if (directive?.[1] === 'no-run') {
      if (directive[2] === '') throw new Error(`${where}: <!-- no-run: --> needs a reason`);
      block.kind = 'no-run';
      block.reason = directive[2];
    } else if (block.lang === 'text') {
      block.kind = info.includes('output') ? 'output' : 'text';
    } else if (['sh', 'bash', 'shell'].includes(block.lang)) {
      block.kind = 'sh';
    } else if (['ts', 'js', 'typescript', 'javascript'].includes(block.lang)) {
      block.kind = directive?.[2] === 'browser' ? 'browser-module' : 'module';
    } else if (block.lang === 'html') {
      block.kind = 'html';
    } else {
      throw new Error(`${where}: a \`\`\`${block.lang} block the doc test cannot run: mark it \`\`\`text, or put <!-- no-run: why --> on the line before it (test/packed/markdown.ts)`);
    }
    if (directive?.[1] === 'doc-test') {
      const d = directive[2];
      if (d === 'clone' || d === 'install') {
        if (block.kind !== 'sh') throw new Error(`${where}: <!-- doc-test: ${d} --> applies to shell blocks only`);
        block.place = d;
      } else if (d !== 'browser' || block.kind !== 'browser-module') {
        throw new Error(`${where}: unknown or misplaced <!-- doc-test: ${d} -->`);
      }
    }
    if (block.kind === 'output') {
      const target = blocks.at(-1);
      if (target === undefined || !['sh', 'module', 'browser-module', 'html'].includes(target.kind) || target.expected !== undefined) {
        throw new Error(`${where}: a \`\`\`text output block must follow the runnable block whose output it shows`);
      }
      target.expected = block.code;
    }
    blocks.push(block);
  }
  return blocks;
}
