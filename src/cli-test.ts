/**
 * `wasi-host test [OPTIONS] DIR...`: runs every NAME.wasm that has a
 * NAME.json beside it (cli-test-run.ts: wasi-testsuite's format or this
 * project's), in parallel worker threads with a timeout each, and prints TAP
 * (default) or JUnit XML, then `N passed, M failed` on stderr. Exit status 0
 * when all passed, 1 otherwise, 2 for a usage error.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UsageError } from './cli-args.js';
import { porterFlags, PorterFlagError } from './cli-porter.js';
import type { TestCase, TestModes, TestResult } from './cli-test-run.js';

interface TestArgs {
  dirs: string[];
  format: 'tap' | 'junit';
  jobs: number;
  timeoutMs: number;
  faults: string[];
  faultSeed: number | undefined;
  strict: 'warn' | 'error' | undefined;
  deterministic: number | undefined;
}

function parseTestArgs(words: readonly string[]): TestArgs {
  const out: TestArgs = { dirs: [], format: 'tap', jobs: Math.max(1, availableParallelism()), timeoutMs: 60_000, faults: [], faultSeed: undefined, strict: undefined, deterministic: undefined };
  for (let i = 0; i < words.length; i++) {
    const a = words[i];
    if (!a.startsWith('--')) {
      out.dirs.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = (): string => {
      const v = inline ?? words[++i];
      if (v === undefined) throw new UsageError(`test: ${flag} needs a value`);
      return v;
    };
    const count = (v: string, what: string): number => {
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || n <= 0) throw new UsageError(`test: ${flag} ${v}: ${what}`);
      return n;
    };
    switch (flag) {
      case '--format': {
        const v = take();
        if (v !== 'tap' && v !== 'junit') throw new UsageError(`test: --format ${v}: expected tap or junit`);
        out.format = v;
        break;
      }
      case '--jobs':
        out.jobs = Math.floor(count(take(), 'expected a number of parallel runs, 1 or more'));
        break;
      case '--timeout':
        out.timeoutMs = count(take(), 'expected seconds, more than 0') * 1000;
        break;
      case '--fault':
        out.faults.push(take());
        break;
      case '--fault-seed':
        out.faultSeed = count(take(), 'expected an integer seed');
        break;
      case '--strict':
        if (inline !== undefined && inline !== 'warn' && inline !== 'error') throw new UsageError(`test: --strict=${inline}: expected warn or error`);
        out.strict = inline === 'error' ? 'error' : 'warn';
        break;
      case '--deterministic':
        out.deterministic = inline === undefined ? 1 : count(inline, 'expected an integer seed');
        break;
      default:
        throw new UsageError(`test: unknown option ${flag} (test takes --format, --jobs, --timeout, --fault, --fault-seed, --strict, --deterministic)`);
    }
  }
  if (out.dirs.length === 0) throw new UsageError('test: give at least one directory of NAME.wasm + NAME.json tests');
  return out;
}

/** The tests of each directory: NAME.json with a NAME.wasm beside it, in name order. */
function collect(dirs: readonly string[]): TestCase[] {
  const cases: TestCase[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`test: ${dir} is not a directory`);
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.json')) continue;
      const name = f.slice(0, -5);
      if (existsSync(join(dir, `${name}.wasm`))) cases.push({ id: `${dir.replace(/\/+$/, '')}/${name}`, dir, name });
    }
  }
  return cases;
}

/** Runs `cases` on `jobs` workers; a test past its timeout has its worker stopped and replaced. */
async function runAll(cases: readonly TestCase[], modes: TestModes, jobs: number, timeoutMs: number): Promise<TestResult[]> {
  const results: TestResult[] = new Array(cases.length);
  let next = 0;
  const spawn = (): Worker => new Worker(new URL('./cli-test-worker.js', import.meta.url), { workerData: modes });
  /** Resolves once the worker has loaded (its 'ready'), or failed to. */
  const ready = (w: Worker): Promise<void> => new Promise((resolve) => {
    const done = (): void => {
      w.off('message', done);
      w.off('error', done);
      resolve();
    };
    w.on('message', done);
    w.on('error', done);
  });
  const lane = async (): Promise<void> => {
    let worker = spawn();
    let loaded = ready(worker);
    try {
      while (next < cases.length) {
        const i = next++;
        await loaded;
        const t0 = performance.now();
        results[i] = await new Promise<TestResult>((resolve) => {
          const w = worker;
          const done = (r: TestResult): void => {
            clearTimeout(timer);
            w.off('message', done);
            w.off('error', failed);
            resolve(r);
          };
          const failed = (err: Error): void => {
            worker = spawn();
            loaded = ready(worker);
            done({ id: cases[i].id, ok: false, failures: [`the test's worker failed: ${err.message}`], notes: [], ms: performance.now() - t0 });
          };
          const timer = setTimeout(() => {
            void w.terminate();
            worker = spawn();
            loaded = ready(worker);
            done({ id: cases[i].id, ok: false, failures: [`timed out after ${timeoutMs / 1000} s`], notes: [], ms: performance.now() - t0 });
          }, timeoutMs);
          w.on('message', done);
          w.on('error', failed);
          worker.postMessage(cases[i]);
        });
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, lane));
  return results;
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function formatTap(results: readonly TestResult[]): string {
  const lines = ['TAP version 13', `1..${results.length}`];
  results.forEach((r, i) => {
    lines.push(`${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${r.id}`);
    if (!r.ok || r.notes.length > 0) {
      lines.push('  ---');
      if (!r.ok) lines.push(`  failures:`, ...r.failures.map((f) => `    - ${JSON.stringify(f)}`));
      if (r.notes.length > 0) lines.push('  strict:', ...r.notes.map((n) => `    - ${JSON.stringify(n)}`));
      lines.push('  ...');
    }
  });
  return lines.join('\n') + '\n';
}

export function formatJUnit(results: readonly TestResult[]): string {
  const suites = new Map<string, TestResult[]>();
  for (const r of results) {
    const suite = r.id.slice(0, r.id.lastIndexOf('/'));
    suites.set(suite, [...(suites.get(suite) ?? []), r]);
  }
  const secs = (ms: number): string => (ms / 1000).toFixed(3);
  const total = (rs: readonly TestResult[]): number => rs.reduce((a, r) => a + r.ms, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="wasi-host test" tests="${results.length}" failures="${results.filter((r) => !r.ok).length}" time="${secs(total(results))}">`];
  for (const [suite, rs] of suites) {
    out.push(`  <testsuite name="${xml(suite)}" tests="${rs.length}" failures="${rs.filter((r) => !r.ok).length}" errors="0" skipped="0" time="${secs(total(rs))}">`);
    for (const r of rs) {
      const name = r.id.slice(suite.length + 1);
      const open = `    <testcase classname="${xml(suite)}" name="${xml(name)}" time="${secs(r.ms)}"`;
      if (r.ok && r.notes.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (!r.ok) out.push(`      <failure message="${xml(r.failures[0])}">${xml(r.failures.join('\n'))}</failure>`);
      if (r.notes.length > 0) out.push(`      <system-err>${xml(r.notes.join('\n'))}</system-err>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export async function testMain(words: readonly string[]): Promise<number> {
  let args: TestArgs;
  let cases: TestCase[];
  let modes: TestModes;
  try {
    args = parseTestArgs(words);
    cases = collect(args.dirs);
    const flags = porterFlags({ ...args, record: undefined, replay: undefined }, () => {});
    modes = { faults: flags.options.faults, deterministic: flags.options.deterministic, strict: args.strict };
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof PorterFlagError)) throw err;
    process.stderr.write(`wasi-host: ${err.message} (try --help)\n`);
    return 2;
  }
  const results = await runAll(cases, modes, args.jobs, args.timeoutMs);
  process.stdout.write(args.format === 'junit' ? formatJUnit(results) : formatTap(results));
  const failed = results.filter((r) => !r.ok).length;
  process.stderr.write(`${results.length - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}
