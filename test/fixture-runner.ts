// Loads the fixture specs (wasi-fixtures/NAME.json beside NAME.c/NAME.wasm)
// and runs one under a chosen backend, returning what came out.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASI as NodeWASI } from 'node:wasi';
import { openSync, closeSync } from 'node:fs';
import { WASI, MemFS } from '../src/index.js';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'wasi-fixtures');

export interface FixtureSpec {
  name: string;
  description?: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  files?: Record<string, string | null>;
  stdout: string;
  stderr?: string;
  exitCode: number;
  filesAfter?: Record<string, string>;
  nodeWasiKnownDifferences?: string;
  /** node:wasi cannot run this at all (e.g. it would sleep for hours); the reason is in nodeWasiKnownDifferences. */
  nodeWasiSkip?: boolean;
  /**
   * A failure node:wasi shows only sometimes (under load), and why: a line of
   * its output containing `text` is read as if `text` were `as`; ours is held
   * to the expected output as it is.
   */
  nodeWasiSometimes?: { text: string; as: string; why: string };
  /** Where wasmtime, the reference, answers otherwise and why we keep our answer (checked by scripts/wasmtime-diff.py). */
  wasmtimeKnownDifferences?: string;
  /**
   * A probe's record of wasmtime's answer, line for line: the exact stdout wasmtime gives (up to
   * its trap, if it traps); scripts/wasmtime-diff.py checks it is still what wasmtime gives.
   * Needs wasmtimeKnownDifferences, the why.
   */
  wasmtimeStdout?: string;
  /** Text wasmtime's trap message contains: it ends the program there (scripts/wasmtime-diff.py checks it). */
  wasmtimeTrap?: string;
}

export interface FixtureResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Reads a file the program left in its preopen, or undefined. */
  readAfter(path: string): string | undefined;
}

export function loadFixtures(): FixtureSpec[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -5), ...JSON.parse(readFileSync(join(FIXTURE_DIR, f), 'utf8')) as Omit<FixtureSpec, 'name'> }));
}

const modules = new Map<string, WebAssembly.Module>();
export function fixtureModule(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(join(FIXTURE_DIR, `${name}.wasm`)));
    modules.set(name, m);
  }
  return m;
}

function seedHostDir(dir: string, files: Record<string, string | null> = {}): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    if (content === null || rel.endsWith('/')) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }
}

export type Backend = 'memfs' | 'node' | 'node:wasi';

export function runFixture(spec: FixtureSpec, backend: Backend): FixtureResult {
  const args = [spec.name, ...(spec.args ?? [])];
  const env = spec.env ?? {};
  if (backend === 'memfs') {
    const fs = new MemFS(spec.files ?? {});
    const wasi = new WASI({ version: 'preview1', args, env, preopens: { '/sandbox': fs }, stdin: spec.stdin ?? '', stdout: 'collect', stderr: 'collect' });
    const instance = new WebAssembly.Instance(fixtureModule(spec.name), wasi.getImportObject() as unknown as WebAssembly.Imports);
    const exitCode = wasi.start(instance);
    const dec = new TextDecoder();
    return {
      exitCode,
      stdout: dec.decode(wasi.getStdout()),
      stderr: dec.decode(wasi.getStderr()),
      readAfter: (p) => {
        try {
          return fs.readText('/' + p);
        } catch {
          return undefined;
        }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `wasi-host-fixture-${spec.name}-`));
  const io = mkdtempSync(join(tmpdir(), `wasi-host-io-${spec.name}-`));
  try {
    seedHostDir(dir, spec.files);
    writeFileSync(join(io, 'stdin'), spec.stdin ?? '');
    const fin = openSync(join(io, 'stdin'), 'r');
    const fout = openSync(join(io, 'stdout'), 'w');
    const ferr = openSync(join(io, 'stderr'), 'w');
    let exitCode: number;
    try {
      const opts = { version: 'preview1' as const, args, env, preopens: { '/sandbox': dir }, stdin: fin, stdout: fout, stderr: ferr, returnOnExit: true };
      const wasi = backend === 'node' ? new WASI(opts) : new NodeWASI(opts);
      const instance = new WebAssembly.Instance(fixtureModule(spec.name), wasi.getImportObject() as unknown as WebAssembly.Imports);
      exitCode = wasi.start(instance) ?? 0;
    } finally {
      closeSync(fin);
      closeSync(fout);
      closeSync(ferr);
    }
    const after = new Map<string, string>();
    for (const p of Object.keys(spec.filesAfter ?? {})) {
      if (existsSync(join(dir, p))) after.set(p, readFileSync(join(dir, p), 'utf8'));
    }
    return {
      exitCode,
      stdout: readFileSync(join(io, 'stdout'), 'utf8'),
      stderr: readFileSync(join(io, 'stderr'), 'utf8'),
      readAfter: (p) => after.get(p),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(io, { recursive: true, force: true });
  }
}
