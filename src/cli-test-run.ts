/**
 * One test of `wasi-host test`: a NAME.wasm beside its NAME.json, in either
 * format the runner accepts, run to completion and compared. Runs inside a
 * worker thread (cli-test-worker.ts), so a test that hangs can be stopped.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { MemFS, NodeFS, WASI } from './index.js';
import { porter, type PorterOptions } from './porter/options.js';
import { formatStrictReport } from './porter/strict.js';
import { wasiImportVersion } from './wasi.js';

/**
 * A test's JSON. Two formats, told apart by their keys:
 * - the official wasi-testsuite's: `args`, `env`, `dirs` (directories beside
 *   the test, preopened under the same name), `exit_code` (default 0),
 *   `stdout`/`stderr` (compared when present);
 * - this project's wasi-fixtures/README.md: `args`, `env`, `stdin`, `files`
 *   (seeding an in-memory /sandbox), `exitCode`, `stdout`, `stderr` (default
 *   ""), `filesAfter`.
 */
export interface TestSpec {
  args?: string[];
  env?: Record<string, string>;
  dirs?: string[];
  exit_code?: number;
  exitCode?: number;
  stdin?: string;
  stdout?: string;
  stderr?: string;
  files?: Record<string, string | null>;
  filesAfter?: Record<string, string>;
}

export interface TestCase {
  /** DIR/NAME, as reported. */
  readonly id: string;
  readonly dir: string;
  readonly name: string;
}

export interface TestResult {
  readonly id: string;
  readonly ok: boolean;
  /** Why it failed, one line each. */
  readonly failures: string[];
  /** Strict mode's reports (warn), for the report's diagnostics. */
  readonly notes: string[];
  readonly ms: number;
}

/** The porter modes a test run may add (record and replay are per run, not per suite). */
export type TestModes = Pick<PorterOptions, 'faults' | 'deterministic'> & { strict?: 'warn' | 'error' };

const short = (s: string): string => JSON.stringify(s.length > 200 ? s.slice(0, 200) + '…' : s);

export function runTest(t: TestCase, modes: TestModes): TestResult {
  const t0 = performance.now();
  const failures: string[] = [];
  const notes: string[] = [];
  const temps: string[] = [];
  try {
    const spec = JSON.parse(readFileSync(join(t.dir, `${t.name}.json`), 'utf8')) as TestSpec;
    const project = 'exitCode' in spec || 'files' in spec || 'filesAfter' in spec;
    const preopens: Record<string, string | NodeFS | MemFS> = {};
    let sandbox: MemFS | undefined;
    if (project) preopens['/sandbox'] = sandbox = new MemFS(spec.files ?? {});
    for (const d of spec.dirs ?? []) {
      // A copy each, so tests that write run side by side and leave the suite as it was.
      const tmp = mkdtempSync(join(tmpdir(), `wasi-host-test-${basename(d)}-`));
      temps.push(tmp);
      cpSync(join(t.dir, d), tmp, { recursive: true });
      preopens[d] = new NodeFS(tmp);
    }
    const module = new WebAssembly.Module(readFileSync(join(t.dir, `${t.name}.wasm`)));
    const wasi = new WASI(porter({
      version: wasiImportVersion(module) ?? 'preview1',
      args: [project ? t.name : `${t.name}.wasm`, ...(spec.args ?? [])],
      env: spec.env ?? {},
      preopens,
      stdin: spec.stdin ?? '',
      stdout: 'collect',
      stderr: 'collect',
      ...modes,
      ...(modes.strict === undefined ? {} : { strict: { mode: modes.strict, onReport: (r) => notes.push(formatStrictReport(r).trimEnd()) } }),
    }));
    const instance = new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    const exitCode = wasi.start(instance);
    const dec = new TextDecoder();
    const stdout = dec.decode(wasi.getStdout());
    const stderr = dec.decode(wasi.getStderr());
    const wantExit = project ? spec.exitCode : (spec.exit_code ?? 0);
    if (exitCode !== wantExit) failures.push(`exit code ${exitCode}, expected ${String(wantExit)}`);
    if (spec.stdout !== undefined && stdout !== spec.stdout) failures.push(`stdout ${short(stdout)}, expected ${short(spec.stdout)}`);
    const wantErr = spec.stderr ?? (project ? '' : undefined);
    if (wantErr !== undefined && stderr !== wantErr) failures.push(`stderr ${short(stderr)}, expected ${short(wantErr)}`);
    for (const [path, content] of Object.entries(spec.filesAfter ?? {})) {
      let got: string | undefined;
      try {
        got = sandbox?.readText('/' + path);
      } catch {
        got = undefined;
      }
      if (got !== content) failures.push(`file ${path}: ${got === undefined ? 'missing' : short(got)}, expected ${short(content)}`);
    }
  } catch (err) {
    failures.push(`${(err as Error).name}: ${(err as Error).message}`);
  } finally {
    for (const d of temps) rmSync(d, { recursive: true, force: true });
  }
  return { id: t.id, ok: failures.length === 0, failures, notes, ms: performance.now() - t0 };
}
