// The CLI as a user runs it: `wasi-host run ...` in a child process, on the built dist/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/cli.js';
import { wat } from './wat.js';

const BIN = new URL('../bin/wasi-host.mjs', import.meta.url).pathname;
const FIX = new URL('../wasi-fixtures/', import.meta.url).pathname;

const T = new URL('./cli/', import.meta.url).pathname;

function cli(args: string[], input = '', bin = BIN): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withTemp(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-cli-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

describe('parseCommand', () => {
  it('follows wasmtime conventions', () => {
    expect(parseCommand(['run', '--dir', '.', '--dir=/a::/b', '--mapdir', '/g::/h', '--env', 'A=1', '--env', 'HOME', '--invoke', 'f', '--argv0', 'x', '--trace=t.log', 'p.wasm', '-x'], { HOME: '/root' })).toEqual({
      kind: 'run',
      args: {
        wasm: 'p.wasm',
        args: ['-x'],
        env: { A: '1', HOME: '/root' },
        preopens: [['.', '.', '--dir .'], ['/b', '/a', '--dir /a::/b'], ['/g', '/h', '--mapdir /g::/h']],
        trace: 't.log',
        traceSummary: false,
        writeBehind: false,
        invoke: 'f',
        argv0: 'x',
        traceFormat: 'text',
        faults: [],
        faultSeed: undefined,
        strict: undefined,
        deterministic: undefined,
        record: undefined,
        replay: undefined,
      },
    });
    expect(parseCommand(['--fault', 'short-io', '--fault=fd_write:ENOSPC@2', '--fault-seed', '9', '--strict=error', '--deterministic=3', '--record', 'r.jsonl', '--trace-format=json', 'p.wasm'], {}))
      .toMatchObject({ args: { faults: ['short-io', 'fd_write:ENOSPC@2'], faultSeed: 9, strict: 'error', deterministic: 3, record: 'r.jsonl', traceFormat: 'json' } });
    expect(() => parseCommand(['--record', 'a', '--replay', 'b', 'p.wasm'], {})).toThrow(/--record and --replay cannot be combined/);
    expect(() => parseCommand(['--strict=loud', 'p.wasm'], {})).toThrow(/--strict=loud: expected warn or error/);
    expect(parseCommand(['--', '--odd.wasm'], {})).toMatchObject({ args: { wasm: '--odd.wasm' } });
    expect(parseCommand(['--trace', 'p.wasm'], {})).toMatchObject({ args: { wasm: 'p.wasm', trace: true } });
    expect(parseCommand(['-V'], {})).toEqual({ kind: 'version' });
    expect(parseCommand(['--write-behind', 'p.wasm'], {})).toMatchObject({ args: { writeBehind: true } });
  });
});

describe('the CLI as a wasmtime user types it', () => {
  it('--version and -V print the package version', () => {
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(cli(['--version'])).toEqual({ status: 0, stdout: `wasi-host ${version}\n`, stderr: '' });
    expect(cli(['-V']).stdout).toBe(`wasi-host ${version}\n`);
  });

  it('a usage error is one line pointing to --help, not the whole help', () => {
    expect(cli(['run', '--bogus', 'x.wasm'])).toEqual({ status: 2, stdout: '', stderr: 'wasi-host: unknown option --bogus (try --help)\n' });
    expect(cli([]).stderr).toBe('wasi-host: missing <WASM>: the module to run (try --help)\n');
    expect(cli(['--dir']).stderr).toBe('wasi-host: --dir needs a value (try --help)\n');
  });

  it('--dir twice with the same guest path is an error, not a silent replace', () => {
    const r = cli(['--dir', `${FIX}::/data`, '--memdir', '/data/', join(FIX, 'hello.wasm')]);
    expect(r).toEqual({ status: 2, stdout: '', stderr: `wasi-host: --memdir /data/: guest path /data is already preopened by --dir ${FIX}::/data (try --help)\n` });
  });

  it('--env with an empty name is an error', () => {
    expect(cli(['--env', '=x', join(FIX, 'hello.wasm')])).toMatchObject({
      status: 2,
      stderr: 'wasi-host: --env =x: the variable name is empty (expected NAME=VALUE or NAME) (try --help)\n',
    });
  });

  it('a missing host directory names the --dir, the absolute path and says "does not exist"', () => {
    const r = cli(['--dir', './no-such-dir::/data', join(FIX, 'hello.wasm')]);
    expect(r).toEqual({ status: 2, stdout: '', stderr: `wasi-host: --dir ./no-such-dir::/data: host directory ${resolve('./no-such-dir')} does not exist\n` });
  });

  it("argv[0] is the file's base name, or --argv0", () => {
    expect(cli([join(FIX, 'argv.wasm')]).stdout).toContain('argv[0] = [argv.wasm]');
    expect(cli(['--argv0', 'my-prog', join(FIX, 'argv.wasm')]).stdout).toContain('argv[0] = [my-prog]');
  });

  it('any path runs without `run`, whatever its name', () => {
    withTemp((dir) => {
      copyFileSync(join(FIX, 'hello.wasm'), join(dir, 'HELLO'));
      expect(cli([join(dir, 'HELLO')])).toMatchObject({ status: 0, stdout: 'Hello, WASI!\n' });
    });
  });

  it('an exit status outside 0..125 is an error and exit 1, as wasmtime', () => {
    expect(cli([join(T, 'exit_256.wat')])).toEqual({ status: 1, stdout: '', stderr: 'wasi-host: exit with invalid exit status outside of [0..126): 256\n' });
  });

  it('a module importing more than WASI is named with the import', () => {
    expect(cli([join(T, 'needs_env.wat')])).toMatchObject({
      status: 2,
      stderr: `wasi-host: cannot instantiate ${join(T, 'needs_env.wat')}: env.host_add is not provided; wasi-host provides only WASI; run the module from code with run(wasm, { imports })\n`,
    });
  });
});

describe('reactors and --invoke', () => {
  const adder = join(T, 'adder.wat');

  it('a reactor without --invoke is initialised and exits 0', () => {
    expect(cli([adder])).toEqual({ status: 0, stdout: 'init\n', stderr: '' });
  });

  it('--invoke calls the export after _initialize and prints its results as wasmtime does', () => {
    expect(cli(['--invoke', 'add', adder, '40', '2'])).toEqual({ status: 0, stdout: 'init\n42\n', stderr: '' });
    expect(cli(['--invoke', 'add', adder, '0x7fffffff', '1']).stdout).toBe('init\n-2147483648\n');
    expect(cli(['--invoke', 'add64', adder, '9223372036854775806', '1']).stdout).toBe('init\n9223372036854775807\n');
    expect(cli(['--invoke', 'tenth', adder]).stdout).toBe('init\n0.1\n');
    expect(cli(['--invoke', 'pair', adder, '1.5']).stdout).toBe('init\n-1\n3\n');
    expect(cli(['--invoke', 'nothing', adder]).stdout).toBe('init\n');
    expect(cli(['--invoke', 'quit', adder, '7']).status).toBe(7);
  });

  it('--invoke errors name the export, the arguments and the fix', () => {
    expect(cli(['--invoke', 'nope', adder])).toMatchObject({ status: 1, stderr: `wasi-host: --invoke nope: ${adder} exports no function nope (it exports: add, add64, tenth, pair, quit, nothing)\n` });
    expect(cli(['--invoke', 'add', adder, '1'])).toMatchObject({ status: 1, stderr: 'wasi-host: --invoke add: takes 2 argument(s) (i32, i32), got 1\n' });
    expect(cli(['--invoke', 'add', adder, '1', 'x'])).toMatchObject({ status: 1, stderr: "wasi-host: --invoke add: argument 2: 'x' is not an i32\n" });
    expect(cli(['--invoke', 'add', adder, '1', '2147483648'])).toMatchObject({ status: 1, stderr: "wasi-host: --invoke add: argument 2: '2147483648' is out of range for i32\n" });
    expect(cli(['--invoke', 'main', join(FIX, 'hello.wasm')])).toMatchObject({ status: 1, stderr: expect.stringMatching(/--invoke main: .* is a command \(it exports _start\)/) });
  });
});

describe('WebAssembly text', () => {
  it('a .wat file that does not parse says where', () => {
    withTemp((dir) => {
      writeFileSync(join(dir, 'bad.wat'), '(module (func (i32.bogus)))');
      const r = cli([join(dir, 'bad.wat')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^wasi-host: ${join(dir, 'bad.wat')} is not valid WebAssembly text:\n.*bad\\.wat:1:`));
    });
  });

  it('without the optional WAT parser, says how to get one', () => {
    withTemp((dir) => {
      // The package as installed without optional dependencies: memfs and @jsonjoy.com/fs-core only.
      cpSync(new URL('../dist/', import.meta.url).pathname, join(dir, 'dist'), { recursive: true });
      cpSync(new URL('../bin/', import.meta.url).pathname, join(dir, 'bin'), { recursive: true });
      copyFileSync(new URL('../package.json', import.meta.url).pathname, join(dir, 'package.json'));
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(new URL('../node_modules/memfs', import.meta.url).pathname, join(dir, 'node_modules', 'memfs'));
      mkdirSync(join(dir, 'node_modules', '@jsonjoy.com'));
      symlinkSync(new URL('../node_modules/@jsonjoy.com/fs-core', import.meta.url).pathname, join(dir, 'node_modules', '@jsonjoy.com', 'fs-core'));
      const r = cli([join(T, 'adder.wat')], '', join(dir, 'bin', 'wasi-host.mjs'));
      expect(r).toEqual({
        status: 2,
        stdout: '',
        stderr: `wasi-host: ${join(T, 'adder.wat')} is WebAssembly text; to run it, install the WAT parser wasi-host uses (npm install wabt) or convert it first (wat2wasm ${join(T, 'adder.wat')})\n`,
      });
      expect(cli([join(FIX, 'hello.wasm')], '', join(dir, 'bin', 'wasi-host.mjs')).stdout).toBe('Hello, WASI!\n');
    });
  });
});

describe('--trace', () => {
  it('--trace=FILE writes the trace to the file and leaves stderr to the guest', () => {
    withTemp((dir) => {
      const r = cli([`--trace=${join(dir, 't.log')}`, join(T, 'stderr_pieces.wat')]);
      expect(r).toEqual({ status: 0, stdout: '', stderr: 'one two three\n' });
      const log = readFileSync(join(dir, 't.log'), 'utf8');
      expect(log.match(/^\[wasi\] fd_write\(fd=2, /gm)).toHaveLength(3);
    });
  });

  it('plain --trace never splits a line the guest wrote to stderr in pieces', () => {
    const r = cli(['--trace', join(T, 'stderr_pieces.wat')]);
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n')).toContain('one two three');
    expect(r.stderr.match(/^\[wasi\] fd_write\(fd=2, /gm)).toHaveLength(3);
  });
});
