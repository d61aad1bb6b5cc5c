// The package as a user gets it: `npm pack` of the package files, installed
// into an empty project by the README's own install command. Built once per
// vitest run (in the directory test/global-setup.ts provides), whichever suite
// asks first; the other waits for it.
//
//   <packRoot>/wasi-host/   a copy of the files `npm pack` takes from the repository
//   <packRoot>/my-app/      an empty project, then the README's install block run in it
//
// No registry is reached: npm runs offline, and memfs and @jsonjoy.com/fs-core
// (the dependencies) are the repository's own copies, linked into
// my-app/node_modules beforehand, so npm finds them installed. npm pack's prepare script (the build) is skipped:
// `npm test` built dist/ just before and other suites read it meanwhile.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBlocks } from './markdown.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** npm as the suites run it: offline, no scripts, quiet about audits and funding. */
export const NPM_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_ignore_scripts: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

export interface PackedProject {
  /** the packed files' directory, standing for a clone next to the project */
  clone: string;
  /** the project the package is installed in */
  app: string;
  tarball: string;
}

export function sh(script: string, cwd: string, timeoutMs = 60_000): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: NPM_ENV, encoding: 'utf8', timeout: timeoutMs });
}

function mustSucceed(what: string, r: SpawnSyncReturns<string>): void {
  if (r.status !== 0) throw new Error(`${what} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${r.stdout}\n${r.stderr}`);
}

function link(from: string, to: string): void {
  mkdirSync(dirname(from), { recursive: true });
  if (!existsSync(from)) symlinkSync(to, from);
}

function build(root: string): PackedProject {
  for (const f of ['dist/index.js', 'dist/browser.js', 'dist/wasi-host.iife.js', 'dist/types/index.d.ts']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is missing: run \`node scripts/build.mjs\` first (npm test does)`);
  }
  // Exactly what `npm pack` here would take (package.json's `files` and npm's own rules), copied.
  const list = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: REPO, env: NPM_ENV, encoding: 'utf8', timeout: 60_000 });
  mustSucceed('npm pack --dry-run --json', list);
  const [{ files }] = JSON.parse(list.stdout) as [{ files: { path: string }[] }];
  const clone = join(root, 'wasi-host');
  for (const { path } of files) cpSync(join(REPO, path), join(clone, path), { recursive: true });
  const app = join(root, 'my-app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }, null, 2));
  for (const p of ['memfs', '@jsonjoy.com/fs-core']) link(join(app, 'node_modules', p), join(REPO, 'node_modules', p));

  const install = parseBlocks(REPO, 'README.md').filter((b) => b.place === 'install');
  if (install.length !== 1) throw new Error(`README.md must have exactly one <!-- doc-test: install --> block, found ${install.length}`);
  mustSucceed(`the README's install block (${install[0].where})`, sh(install[0].code, app));

  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  const tarball = join(clone, `wasi-host-${version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`the install block did not leave ${tarball}`);
  // Tools the done-when projects build with, and the fixtures the README's samples run.
  for (const p of ['typescript', 'vite', 'esbuild', '@types/node']) link(join(app, 'node_modules', p), join(REPO, 'node_modules', p));
  link(join(app, 'wasi-fixtures'), join(REPO, 'wasi-fixtures'));
  return { clone, app, tarball };
}

/** The packed project of this vitest run, built by the first caller. */
export async function packedProject(root: string): Promise<PackedProject> {
  const done = join(root, 'done.json');
  let builder = true;
  try {
    mkdirSync(join(root, 'lock'));
  } catch {
    builder = false;
  }
  if (builder) {
    let result: { project?: PackedProject; error?: string };
    try {
      result = { project: build(root) };
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    // Written whole, then renamed: a waiter never reads half a file.
    writeFileSync(`${done}.tmp`, JSON.stringify(result));
    renameSync(`${done}.tmp`, done);
  }
  for (const deadline = Date.now() + 120_000; !existsSync(done); ) {
    if (Date.now() > deadline) throw new Error(`the packed project in ${root} was not ready after 120 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const result = JSON.parse(readFileSync(done, 'utf8')) as { project?: PackedProject; error?: string };
  if (result.project === undefined) throw new Error(`building the packed project failed: ${result.error}`);
  return result.project;
}
