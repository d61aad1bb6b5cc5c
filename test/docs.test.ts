// Every fenced code block of the user-facing Markdown runs as pasted, against
// the package as a user installs it (test/packed/project.ts): shell blocks with
// bash, ts/js blocks as ES modules in Node, browser blocks and HTML pages in
// Chromium. A block followed by ```text output must print exactly that. How a
// block declares what it is: test/packed/markdown.ts. Also: the README's size
// table against the bundles as built now.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startStaticServer, type StaticServer } from '../demo/static-server.mjs';
import { bundleSizes } from '../scripts/browser-build.mjs';
import { chromiumProblem, launchChromium, loopbackContext, SKIP_BROWSER } from './browser/chromium.js';
import { parseBlocks, userDocs, type DocBlock } from './packed/markdown.js';
import { NPM_ENV, packedProject, REPO, sh, type PackedProject } from './packed/project.js';
import { runPage } from './packed/page.js';

const docs = userDocs(REPO);
const parsed = docs.map((file) => {
  try {
    return { file, blocks: parseBlocks(REPO, file) };
  } catch (err) {
    return { file, error: err as Error };
  }
});
const needsBrowser = parsed.some((d) => d.blocks?.some((b) => b.kind === 'html' || b.kind === 'browser-module'));

let project: PackedProject;
let server: StaticServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let blocked: string[] = [];

beforeAll(async () => {
  project = await packedProject(inject('packRoot'));
  mkdirSync(join(project.app, '.doc'), { recursive: true });
  if (needsBrowser && !SKIP_BROWSER && chromiumProblem() === null) {
    server = await startStaticServer({ mounts: { '/': project.app } });
    browser = await launchChromium();
    ({ context, blocked } = await loopbackContext(browser));
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A file name for a block: README.md:12 → README-12. */
const slug = (b: DocBlock): string => `${b.file.replace(/[^A-Za-z0-9]+/g, '-').replace(/-md$/, '')}-${b.line}`;

function expectOutput(b: DocBlock, actual: string): void {
  if (b.expected !== undefined) expect(actual.trimEnd(), `output of ${b.where}`).toBe(b.expected.trimEnd());
}

async function runBlock(b: DocBlock): Promise<void> {
  switch (b.kind) {
    case 'sh': {
      if (b.place === 'install') return; // ran as the project was built (beforeAll), or nothing here would have
      const r = sh(b.code, b.place === 'clone' ? REPO : project.app);
      expect(r.status, `${b.where} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`).toBe(0);
      expectOutput(b, r.stdout);
      return;
    }
    case 'module': {
      const file = join(project.app, '.doc', `${slug(b)}.mjs`);
      writeFileSync(file, transformSync(b.code, { loader: 'ts', format: 'esm', target: 'es2022' }).code);
      const r = spawnSync(process.execPath, [file], { cwd: project.app, env: NPM_ENV, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${b.where} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`).toBe(0);
      expectOutput(b, r.stdout);
      return;
    }
    case 'browser-module':
    case 'html': {
      if (context === undefined || server === undefined) throw new Error(chromiumProblem() ?? 'Chromium did not start');
      let page = `${slug(b)}.html`;
      if (b.kind === 'browser-module') {
        // Bundled as a user's bundler would (the package's browser condition); the flag is set once the block's top-level await is done.
        writeFileSync(join(project.app, '.doc', `${slug(b)}.ts`), b.code);
        await build({
          stdin: { contents: `import './${slug(b)}.ts';\nglobalThis.__docDone = true;\n`, resolveDir: join(project.app, '.doc'), loader: 'js' },
          bundle: true, platform: 'browser', format: 'esm', target: 'es2022', outfile: join(project.app, '.doc', `${slug(b)}.js`), logLevel: 'error',
        });
        writeFileSync(join(project.app, page), `<!doctype html>\n<script type="module" src=".doc/${slug(b)}.js"></script>\n`);
      } else {
        writeFileSync(join(project.app, page), b.code);
      }
      const r = await runPage(context, `${server.url}/${page}`, b.kind === 'browser-module' ? 'flag' : b.expected);
      expect(r.errors, `${b.where} in Chromium`).toEqual([]);
      expect(blocked).toEqual([]);
      expectOutput(b, r.output);
      return;
    }
    default:
      throw new Error(`${b.where}: ${b.kind} blocks are not run`);
  }
}

for (const doc of parsed) {
  describe(doc.file, () => {
    it('declares how each code block is checked', () => {
      if (doc.error !== undefined) throw doc.error;
      for (const b of doc.blocks) expect(b.kind !== 'no-run' || (b.reason ?? '') !== '', b.where).toBe(true);
    });
    if (doc.error !== undefined) return;
    const runnable = doc.blocks.filter((b) => ['sh', 'module', 'browser-module', 'html'].includes(b.kind));
    for (const b of runnable) {
      const inBrowser = b.kind === 'html' || b.kind === 'browser-module';
      it.skipIf(inBrowser && SKIP_BROWSER)(`${b.where} (${b.lang}${b.place !== 'project' ? `, ${b.place}` : ''}${inBrowser ? ', Chromium' : ''})`, () => runBlock(b), 60_000);
    }
  });
}

describe('README.md size table', () => {
  // The README quotes what `npm run build` prints; within half a KB, so that
  // small changes to the code need no README edit, but drift does.
  it('matches the bundles as built now (minified + gzip)', async () => {
    const text = readFileSync(join(REPO, 'README.md'), 'utf8');
    const quoted = (row: string): number => {
      const m = new RegExp(`^\\| ${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\| ([0-9.]+) KB \\|$`, 'm').exec(text);
      if (m === null) throw new Error(`README.md has no size row starting "| ${row}"`);
      return Number(m[1]) * 1024;
    };
    const sizes = await bundleSizes();
    expect(Math.abs(quoted('`wasi-host/core`') - sizes.core.gz), 'core').toBeLessThanOrEqual(512);
    expect(Math.abs(quoted('`wasi-host` in a browser') - sizes.full.gz), 'browser.js').toBeLessThanOrEqual(512);
    expect(Math.abs(quoted('`wasi-host.iife.js`') - sizes.iife.gz), 'IIFE').toBeLessThanOrEqual(512);
  }, 60_000);
});
