// Host-side misuse: every option checked, each error naming the option and the fix.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemFS, WASI, type WASIOptions } from '../src/index.js';
import { WASI as BrowserWASI } from '../src/core.js';
import { LineSink } from '../src/stdio.js';

const FIX = new URL('../wasi-fixtures/', import.meta.url).pathname;
const fixture = (name: string): WebAssembly.Module => new WebAssembly.Module(readFileSync(join(FIX, `${name}.wasm`)));
const make = (o: unknown): WASI => new WASI(o as WASIOptions);

describe('unknown options', () => {
  it('a misspelt key is rejected with "did you mean"', () => {
    expect(() => make({ preopen: { '/': new MemFS() } })).toThrow(new TypeError(
      'WASI: unknown option `preopen`; did you mean `preopens`? (options are version, args, env, preopens, stdin, stdout, stderr, returnOnExit, memory, maxOpenFiles, trace, writeBehind, interceptors, onHostError)',
    ));
    expect(() => make({ returnOnexit: true })).toThrow(/unknown option `returnOnexit`; did you mean `returnOnExit`\?/);
    expect(() => make({ sdtout: 'collect' })).toThrow(/did you mean `stdout`\?/);
  });

  it('a key unlike any option lists the options', () => {
    expect(() => make({ frobnicate: 1 })).toThrow(/^WASI: unknown option `frobnicate` \(options are version, args/);
  });

  it("@tybys/wasm-util's `fs` must be Node-fs-shaped (test/fs-option.test.ts), and the core says what to do instead", () => {
    expect(() => make({ fs: {} })).toThrow(/^WASI: fs lacks openSync, closeSync, .*: pass an object with Node's synchronous fs methods/);
    expect(() => new BrowserWASI({ fs: {} } as WASIOptions)).toThrow(
      "WASI: unknown option `fs`: wasi-host/core takes no fs: use the WASI of the main 'wasi-host' entry (its fs option takes a Node-fs-shaped object such as a memfs Volume), or mount a backend: preopens: { '/': yourVfs }",
    );
    expect(() => new BrowserWASI({ print: console.log } as WASIOptions)).toThrow(/^WASI: unknown option `print`: wasi-host\/core takes no print/);
  });
});

describe('option values', () => {
  it('env values must be strings', () => {
    expect(() => make({ env: { PORT: 8080 } })).toThrow(new TypeError('WASI: env.PORT must be a string, got number 8080 (write String(value))'));
    expect(() => make({ env: { A: { b: 1 } } })).toThrow(/env\.A must be a string, got an object/);
    expect(() => make({ env: { 'A=B': 'x' } })).toThrow(/env name "A=B" must be non-empty and without '='/);
    // undefined stays allowed, as in node:wasi (process.env's type): the variable is left out.
    expect(() => make({ env: { A: undefined } })).not.toThrow();
  });

  it('preopens must be an object, not an array or a Map', () => {
    expect(() => make({ preopens: ['/data'] })).toThrow(/^WASI: preopens must be an object mapping guest paths .* e\.g\. \{ '\/data': '.\/data' \}; got an array$/);
    expect(() => make({ preopens: new Map([['/', new MemFS()]]) })).toThrow(/got a Map \(use Object\.fromEntries\(map\)\)/);
  });

  it('a missing host directory names the preopen, the absolute path and says "does not exist"', () => {
    expect(() => make({ preopens: { '/data': './nope-not-here' } })).toThrow(
      new TypeError(`preopens['/data']: host directory ${resolve('./nope-not-here')} does not exist`),
    );
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-opt-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      expect(() => make({ preopens: { '/f': join(dir, 'file') } })).toThrow(`preopens['/f']: host path ${join(dir, 'file')} is not a directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start() or initialize() a second time is a TypeError', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const wasi = new WASI({ stdout: 'collect' });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    expect(() => wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance)).toThrow(
      new TypeError('this WASI instance has already been started or initialized; create a new WASI for each instance'),
    );
  });
});

describe('MemFS seeds', () => {
  it('refuses values that are not a string, bytes or null', () => {
    expect(() => new MemFS({ a: 5 } as never)).toThrow(
      new TypeError('MemFS: seed "a" must be a string, a Uint8Array or null (a directory), got number 5; write String(5)'),
    );
    expect(() => new MemFS({ c: {} } as never)).toThrow(/seed "c" must be .* got an object; write nested files as 'c\/child': \.\.\./);
    expect(() => new MemFS([] as never)).toThrow(/the seed must be a memfs Volume or an object of files/);
  });
});

describe('stdin streams', () => {
  it('a stream without an fd is refused with the fix, never read as end of input', () => {
    expect(() => new WASI({ stdin: Readable.from(['x']) as never })).toThrow(
      /^stdin: a stream delivers data asynchronously .* the guest would see end of input; pass its contents instead \(a Node stream: Buffer\.concat\(await stream\.toArray\(\)\)/,
    );
    expect(() => new WASI({ stdin: new ReadableStream() as never })).toThrow(/stdin: a stream delivers data asynchronously/);
  });

  it('an fd-backed stream (process.stdin, fs.ReadStream on an fd) is read through its fd, synchronously', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-opt-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'piped in\n');
      const stream = createReadStream('', { fd: openSync(join(dir, 'in.txt'), 'r'), autoClose: false });
      const wasi = new WASI({ stdin: stream as never, stdout: 'collect' });
      const instance = await WebAssembly.instantiate(fixture('stdin'), wasi.getImportObject() as WebAssembly.Imports);
      expect(wasi.start(instance)).toBe(0);
      expect(new TextDecoder().decode(wasi.getStdout())).toContain('read 9 bytes\nPIPED IN\n');
      stream.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stdin: process.stdin', () => {
  it('a guest reads what is piped into the process (the built dist/, in a child process)', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { WASI } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      const wasi = new WASI({ stdin: process.stdin, stdout: 'collect' });
      const { instance } = await WebAssembly.instantiate(readFileSync(${JSON.stringify(join(FIX, 'stdin.wasm'))}), wasi.getImportObject());
      const code = wasi.start(instance);
      process.stdout.write(new TextDecoder().decode(wasi.getStdout()) + 'exit ' + code);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: 'piped\nin', encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('read 8 bytes\nPIPED\nIN[end]\nsecond read at EOF: EOF\nexit 0');
  });
});

describe('browser stdio defaults', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stdout goes to console.log and stderr to console.error, a line per call, the last partial line at exit', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const spec = JSON.parse(readFileSync(join(FIX, 'stdio_interleave.json'), 'utf8')) as { stdout: string; stderr: string };
    const wasi = new BrowserWASI({ args: ['stdio_interleave'] });
    const instance = await WebAssembly.instantiate(fixture('stdio_interleave'), wasi.getImportObject() as WebAssembly.Imports);
    expect(wasi.start(instance)).toBe(0);
    expect(log.mock.calls.map((c) => c[0])).toEqual(spec.stdout.split('\n'));
    expect(error.mock.calls.map((c) => c[0])).toEqual(spec.stderr.split('\n'));
    expect(() => wasi.getStderr()).toThrow(/stderr was not created with 'stderr: "collect"'/);
  });

  it('lines written in pieces reach the console whole; the rest at flush', () => {
    const lines: string[] = [];
    const sink = new LineSink((l) => lines.push(l));
    const utf8 = new TextEncoder().encode('é\n');
    sink.write(new TextEncoder().encode('ab'));
    sink.write(new TextEncoder().encode('c\nd'));
    sink.write(utf8.subarray(0, 1));
    sink.write(utf8.subarray(1));
    sink.write(new TextEncoder().encode('x'));
    expect(lines).toEqual(['abc', 'dé']);
    sink.flush();
    expect(lines).toEqual(['abc', 'dé', 'x']);
  });
});
