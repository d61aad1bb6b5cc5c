// The CLI as a user runs it: `wasi-host run ...` in a child process, on the built dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../src/cli.js';
import { wat } from './wat.js';

const BIN = new URL('../bin/wasi-host.mjs', import.meta.url).pathname;
const FIX = new URL('../wasi-fixtures/', import.meta.url).pathname;

function cli(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('wasi-host run', () => {
  it('prints a fixture\'s output and passes argv', () => {
    const r = cli(['run', join(FIX, 'argv.wasm'), 'héllo', '--not-a-flag']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('argv[1] = [héllo]');
    expect(r.stdout).toContain('argv[2] = [--not-a-flag]');
  });

  it('a trap exits 134 as in wasmtime, after the output, with the guest\'s frames', () => {
    const r = cli(['run', new URL('./wasm/trap_named.wasm', import.meta.url).pathname]);
    expect(r.status).toBe(134);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toMatch(/^wasi-host: wasm trap: unreachable\n/);
    expect(r.stderr).toMatch(/wasm backtrace:\n.*crash/);
  });

  it('a file that is not WebAssembly exits 2 and says so', () => {
    const r = cli(['run', join(FIX, 'hello.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a valid WebAssembly module/);
  });

  it('a start section that traps exits 134 and one that calls proc_exit(3) exits 3, as in _start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cli-'));
    try {
      const module = (startBody: string): string => `(module
        (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
        (memory (export "memory") 1)
        (func $init ${startBody})
        (start $init)
        (func (export "_start")))`;
      writeFileSync(join(dir, 'trap.wasm'), await wat(module('unreachable')));
      writeFileSync(join(dir, 'exit3.wasm'), await wat(module('(call $proc_exit (i32.const 3))')));
      const trap = cli(['run', join(dir, 'trap.wasm')]);
      expect(trap.status).toBe(134);
      expect(trap.stderr).toMatch(/^wasi-host: wasm trap: unreachable\n/);
      const exit = cli(['run', join(dir, 'exit3.wasm')]);
      expect({ status: exit.status, stderr: exit.stderr }).toEqual({ status: 3, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a large file that is not WebAssembly fails from its first bytes, without reading the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cli-'));
    try {
      const big = join(dir, 'big.wasm');
      writeFileSync(big, 'not wasm');
      truncateSync(big, 2 ** 30); // 1 GiB, sparse
      const t0 = performance.now();
      // /usr/bin/time is not everywhere: the child reports its own peak RSS as it exits.
      const r = spawnSync(process.execPath, [
        '--input-type=module', '-e',
        `import { main } from ${JSON.stringify(new URL('../dist/cli.js', import.meta.url).href)};
         const code = await main(['run', ${JSON.stringify(big)}]);
         process.stdout.write(String(process.resourceUsage().maxRSS));
         process.exitCode = code;`,
      ], { encoding: 'utf8' });
      const ms = performance.now() - t0;
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^wasi-host: .*big\.wasm is not a valid WebAssembly module: it does not start with 00 61 73 6d .*, found 6e 6f 74 20 77 61 73 6d\n$/);
      expect(Number(r.stdout) / 1024).toBeLessThan(200); // MiB; reading it whole took over 1 GiB
      expect(ms).toBeLessThan(5000);
      // A file too short to hold the header says so too.
      writeFileSync(join(dir, 'short.wasm'), '\0as');
      expect(cli(['run', join(dir, 'short.wasm')]).stderr).toMatch(/short\.wasm is not a valid WebAssembly module: it ends after 3 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs a module without the word run, as wasmtime does', () => {
    expect(cli([join(FIX, 'exit_code.wasm')]).status).toBe(42);
    const r = cli(['--env', 'GREETING=hi', join(FIX, 'hello.wasm')]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: 'Hello, WASI!\n' });
  });

  it('turns the guest exit code into the process exit code', () => {
    expect(cli(['run', join(FIX, 'exit_code.wasm')]).status).toBe(42);
  });

  it('maps a host directory with --dir HOST::GUEST and sets --env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cli-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'cli content\n');
      const r = cli(['run', '--dir', `${dir}::/sandbox`, join(FIX, 'cp.wasm'), '/sandbox/in.txt', '/sandbox/out.txt']);
      expect(r.status).toBe(0);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('cli content\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('feeds stdin through', () => {
    expect(cli(['run', join(FIX, 'stdin.wasm')], 'abc').stdout).toContain('ABC');
  });

  it('explains itself and rejects unknown flags', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    for (const flag of ['--dir', '--mapdir', '--env', '--memdir', '--trace', '--trace-summary', '--write-behind']) expect(help.stdout).toContain(flag);
    const bad = cli(['run', '--bogus', 'x.wasm']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown option --bogus');
  });

  it('traces calls to stderr: named arguments, decoded paths, results, errnos as C knows them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cli-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'abc');
      const r = cli(['run', '--trace', '--dir', `${dir}::/sandbox`, join(FIX, 'cat.wasm'), '/sandbox/in.txt', '/sandbox/nope']);
      expect(r.stdout).toBe('abc');
      expect(r.stderr).toMatch(/\[wasi\] fd_prestat_dir_name\(fd=3, path=\d+, path_len=8\) -> 0 name="\/sandbox" {2}\(\d+\.\d{3} ms\)\n/);
      expect(r.stderr).toMatch(/\[wasi\] path_open\(fd=3, dirflags=1, path="in.txt", oflags=0, .*fd_out=\d+\) -> 0 fd=4 /);
      expect(r.stderr).toMatch(/\[wasi\] fd_read\(fd=4, .*\) -> 0 nread=3 /);
      expect(r.stderr).toMatch(/\[wasi\] path_open\(fd=3, dirflags=1, path="nope", .*\) -> 44 ENOENT /);
      expect(r.stderr).toMatch(/\[wasi\] proc_exit\(rval=1\) -> exit /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--trace-summary counts calls and errnos per syscall at exit', () => {
    const r = cli(['run', '--trace-summary', '--dir', `${FIX}::/sandbox`, join(FIX, 'cat.wasm'), '/sandbox/hello.json', '/sandbox/nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\[wasi\] path_open\(/);
    expect(r.stderr).toMatch(/\n +2 +\d+\.\d{3} {2}path_open +ENOENT 1\n/);
    expect(r.stderr).toMatch(/\n +1 +\d+\.\d{3} {2}proc_exit\n/);
    expect(r.stderr).toMatch(/\n +\d+ +\d+\.\d{3} {2}total\n$/);
  });
});

describe('parseRunArgs', () => {
  it('follows wasmtime conventions', () => {
    expect(parseRunArgs(['--dir', '.', '--dir=/a::/b', '--mapdir', '/g::/h', '--env', 'A=1', '--env', 'HOME', 'p.wasm', '-x'], { HOME: '/root' })).toEqual({
      wasm: 'p.wasm',
      args: ['-x'],
      env: { A: '1', HOME: '/root' },
      preopens: [['.', '.'], ['/b', '/a'], ['/g', '/h']],
      trace: false,
      traceSummary: false,
      writeBehind: false,
    });
    expect(parseRunArgs(['--write-behind', 'p.wasm'], {}).writeBehind).toBe(true);
    expect(parseRunArgs(['--', '--odd.wasm'], {}).wasm).toBe('--odd.wasm');
  });
});
