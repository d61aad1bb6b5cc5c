// The porter's CLI (issue 15) as a user runs it, on the built dist/: faults,
// strict mode, deterministic runs, --record/--replay, --trace-format=json,
// `wasi-host test` on the project's fixtures (JUnit) and on wasi-testsuite's
// format (TAP), and `wasi-host diff` against node:wasi.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wat } from './wat.js';

const BIN = new URL('../bin/wasi-host.mjs', import.meta.url).pathname;
const FIX = new URL('../wasi-fixtures/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'wasi-host-cli-porter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wasi-host run, porter flags', () => {
  it('--fault makes the error path run and --trace=FILE shows the fault, outside the guest\'s stderr', () => {
    const dir = join(tmp, 'fault');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'src.txt'), 'hello\n');
    const trace = join(tmp, 'fault.trace');
    const r = cli(['run', `--trace=${trace}`, '--fault', 'fd_write:ENOSPC@1', '--dir', `${dir}::/sandbox`, join(FIX, 'cp.wasm'), '/sandbox/src.txt', '/sandbox/out/dst.txt']);
    expect(r.stderr).toMatch(/No space left on device/);
    expect(r.stderr).not.toMatch(/\[wasi\]/);
    expect(r.status).not.toBe(0);
    expect(readFileSync(trace, 'utf8')).toMatch(/^\[wasi\] fd_write\(fd=\d+, .*\) -> 51 ENOSPC {2}\[fault: injected ENOSPC at call 1 of fd_write\] {2}\(\d+\.\d{3} ms\)$/m);
    expect(cli(['run', '--fault', 'fd_read:ENOSPC', join(FIX, 'hello.wasm')]).stderr).toMatch(/^wasi-host: --fault fd_read:ENOSPC: fd_read may not return ENOSPC/);
  });

  it('--strict warns on stderr, one report per misuse; --strict=error traps (exit 134)', () => {
    const dir = join(tmp, 'strict');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'abcdefgh');
    const warn = cli(['run', '--strict', '--dir', `${dir}::/`, join(FIX, 'porter/misuse.wasm')]);
    expect(warn.stderr.match(/^wasi-host strict: /gm)?.length).toBe(8);
    expect(warn.stderr).toMatch(/^wasi-host strict: path_open: oflags has bits 0x10 that oflags does not define \(shared\/spec\/docs.md#oflags\)\n {2}\[wasi\] path_open\(fd=3, /m);
    const error = cli(['run', '--strict=error', '--dir', `${dir}::/`, join(FIX, 'porter/misuse.wasm')]);
    expect(error.status).toBe(134);
    expect(error.stderr).toMatch(/^wasi-host: wasm trap: wasi-host strict: path_open: oflags has bits 0x10/);
  });

  it('--deterministic: two runs print the same bytes, and the same JSON trace', () => {
    const run = (): { stdout: string; trace: string } => {
      const trace = join(tmp, 'det.jsonl');
      const r = cli(['run', '--deterministic=5', `--trace=${trace}`, '--trace-format=json', '--memdir', '/sandbox', join(FIX, 'porter/time_random.wasm')]);
      expect(r.status).toBe(0);
      return { stdout: r.stdout, trace: readFileSync(trace, 'utf8') };
    };
    const a = run();
    const b = run();
    expect(a.stdout).toMatch(/^realtime 946684800\.001000000\n/);
    expect(b).toEqual(a);
    const first = JSON.parse(a.trace.split('\n')[0]) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['call', 'args', 'errno', 'results']);
  });

  it('--record then --replay: the replay needs no directory and prints the same; a changed program stops it', () => {
    const dir = join(tmp, 'rec');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'recorded text\n');
    const rec = join(tmp, 'run.jsonl');
    const r = cli(['run', '--record', rec, '--dir', `${dir}::/sandbox`, join(FIX, 'cat.wasm'), '/sandbox/a.txt']);
    expect(r.stdout).toBe('recorded text\n');
    rmSync(dir, { recursive: true });
    const again = cli(['run', '--replay', rec, join(FIX, 'cat.wasm'), '/sandbox/a.txt']);
    expect(again).toEqual({ status: 0, stdout: 'recorded text\n', stderr: '' });
    const other = cli(['run', '--replay', rec, join(FIX, 'hello.wasm')]);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^wasi-host: replay: call \d+ differs from the recording\n {2}recorded: /);
  });
});

describe('wasi-host test', () => {
  it('runs the project\'s fixtures from their JSON in parallel and prints JUnit XML', () => {
    const r = cli(['test', '--format=junit', '--jobs', '2', FIX]);
    const count = r.stdout.match(/<testcase /g)?.length;
    expect(r.stderr).toBe(`${count} passed, 0 failed\n`);
    expect(r.status).toBe(0);
    expect(count).toBeGreaterThan(25);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="wasi-host test" tests="\d+" failures="0" /);
    expect(r.stdout).toMatch(/<testcase classname="[^"]*wasi-fixtures" name="readdir_unlink" time="\d+\.\d{3}"\/>/);
  }, 120_000);

  it('runs wasi-testsuite\'s format as TAP, fails what differs, stops what hangs, and takes the porter modes', async () => {
    const suite = join(tmp, 'suite');
    mkdirSync(join(suite, 'data.dir'), { recursive: true });
    writeFileSync(join(suite, 'data.dir', 'input.txt'), 'from the suite\n');
    copyFileSync(join(FIX, 'cat.wasm'), join(suite, 'cat_ok.wasm'));
    writeFileSync(join(suite, 'cat_ok.json'), JSON.stringify({ dirs: ['data.dir'], args: ['data.dir/input.txt'], stdout: 'from the suite\n' }));
    copyFileSync(join(FIX, 'cat.wasm'), join(suite, 'cat_wrong.wasm'));
    writeFileSync(join(suite, 'cat_wrong.json'), JSON.stringify({ dirs: ['data.dir'], args: ['data.dir/input.txt'], exit_code: 3 }));
    // Spins for ever: the runner stops its worker at the timeout.
    writeFileSync(join(suite, 'spins.wasm'), await wat('(module (memory (export "memory") 1) (func (export "_start") (loop (br 0))))'));
    writeFileSync(join(suite, 'spins.json'), JSON.stringify({}));
    const r = cli(['test', '--timeout', '2', suite]);
    expect(r.stdout).toMatch(/^TAP version 13\n1\.\.3\nok 1 - .*suite\/cat_ok\nnot ok 2 - .*suite\/cat_wrong\n {2}---\n {2}failures:\n {4}- "exit code 0, expected 3"\n {2}\.\.\.\n/);
    expect(r.stdout).toMatch(/^not ok 3 - .*suite\/spins\n {2}---\n {2}failures:\n {4}- "timed out after 2 s"$/m);
    expect(r.stderr).toBe('1 passed, 2 failed\n');
    expect(r.status).toBe(1);
    const one = join(tmp, 'one');
    mkdirSync(one);
    for (const f of ['hello.json', 'hello.wasm']) copyFileSync(join(FIX, f), join(one, f));
    expect(cli(['test', one]).stdout).toMatch(/^ok 1 - .*one\/hello$/m);
    const faulted = cli(['test', '--fault', 'fd_write:ENOSPC@1', one]);
    expect(faulted.status).toBe(1);
    expect(faulted.stdout).toMatch(/^not ok 1 - .*one\/hello$/m);
  }, 120_000);
});

describe('wasi-host diff', () => {
  it('prints the first call where wasi-host and node:wasi answered differently', () => {
    const dir = join(tmp, 'diff');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'f.txt'), 'x');
    const spec = JSON.parse(readFileSync(join(FIX, 'ls_recursive.json'), 'utf8')) as { args?: string[] };
    const r = cli(['diff', '--dir', `${dir}::/sandbox`, join(FIX, 'ls_recursive.wasm'), ...(spec.args ?? [])]);
    // node:wasi (uvwasi) leaves "." and ".." out of fd_readdir (wasi-fixtures/README.md).
    expect(r.stdout).toMatch(/^wasi-host diff: the hosts first answered differently at call \d+:\n {2}wasi-host: \[wasi\] fd_readdir\(.*\n {2}node:wasi: \[wasi\] fd_readdir\(/);
    expect(r.status).toBe(1);
  });

  it('says so when the hosts agree', () => {
    const r = cli(['diff', join(FIX, 'hello.wasm')]);
    expect(r.stdout).toMatch(/^wasi-host diff: both hosts answered all \d+ calls alike \(exit 0\)\n$/);
    expect(r.status).toBe(0);
  });
});
