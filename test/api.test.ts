// The public surface: node:wasi-compatible options, start/initialize, misuse
// errors, memories (exported, imported, shared), stdio kinds, run(), trace.
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemFS, WASI, run, type TraceEntry } from '../src/index.js';

const wasm = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./wasm/${name}.wasm`, import.meta.url)));
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

async function instantiate(wasi: WASI, name: string, extra: WebAssembly.Imports = {}): Promise<WebAssembly.Instance> {
  const module = await WebAssembly.compile(wasm(name));
  return WebAssembly.instantiate(module, { ...extra, ...wasi.getImportObject() } as WebAssembly.Imports);
}

describe('start()', () => {
  it('returns the proc_exit code and delivers output', async () => {
    const wasi = new WASI({ version: 'preview1', stdout: 'collect' });
    expect(wasi.start(await instantiate(wasi, 'command'))).toBe(7);
    expect(text(wasi.getStdout())).toBe('hi\n');
  });

  it('refuses to start twice', async () => {
    const wasi = new WASI({ stdout: 'collect' });
    const instance = await instantiate(wasi, 'command');
    wasi.start(instance);
    expect(() => wasi.start(instance)).toThrow(/already been started/);
  });

  it('names the problem when _start is missing, doubled or memory is absent', async () => {
    const reactor = new WASI({ stdout: 'collect' });
    const reactorInstance = await instantiate(reactor, 'reactor');
    expect(() => reactor.start(reactorInstance)).toThrow(/_start is not a function/);
    const both = new WASI();
    expect(() => both.start(new WebAssembly.Instance(new WebAssembly.Module(wasm('both_entries'))))).toThrow(/_initialize must not be exported/);
    const none = new WASI();
    expect(() => none.start(new WebAssembly.Instance(new WebAssembly.Module(wasm('no_memory'))))).toThrow(/memory is not a WebAssembly.Memory/);
    expect(() => none.start({} as WebAssembly.Instance)).toThrow(TypeError);
  });

  it('lets a trap propagate after delivering what was written', async () => {
    const wasi = new WASI({ stdout: 'collect' });
    expect(() => wasi.start(new WebAssembly.Instance(new WebAssembly.Module(wasm('trap')), wasi.getImportObject() as WebAssembly.Imports))).toThrow(WebAssembly.RuntimeError);
    expect(text(wasi.getStdout())).toBe('before trap\n');
  });
});

describe('initialize()', () => {
  it('runs _initialize of a reactor and keeps the host usable for its exports', async () => {
    const wasi = new WASI({ stdout: 'collect' });
    const instance = await instantiate(wasi, 'reactor');
    wasi.initialize(instance);
    expect((instance.exports.greet as () => number)()).toBe(0);
    expect(text(wasi.getStdout())).toBe('ready\n');
  });

  it('refuses a command', async () => {
    const wasi = new WASI({ stdout: 'collect' });
    expect(() => wasi.initialize(new WebAssembly.Instance(new WebAssembly.Module(wasm('command')), wasi.getImportObject() as WebAssembly.Imports))).toThrow(/_start must not be exported/);
  });
});

describe('memories', () => {
  it('uses options.memory for a module that imports its memory', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const wasi = new WASI({ stdout: 'collect', memory });
    expect(wasi.start(await instantiate(wasi, 'import_memory', { env: { memory } }))).toBe(0);
    expect(text(wasi.getStdout())).toBe('imported\n');
  });

  it('works on a shared memory', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const wasi = new WASI({ args: ['a', 'é'], stdout: 'collect', memory });
    expect(wasi.start(await instantiate(wasi, 'shared_memory', { env: { memory } }))).toBe(0);
    expect(text(wasi.getStdout())).toBe('shared\n');
    const view = new DataView(memory.buffer);
    expect([view.getUint32(100, true), view.getUint32(104, true)]).toEqual([2, 5]);
  });
});

describe('options are checked with errors that name them', () => {
  it.each([
    [{ version: 'preview2' }, TypeError, /version/],
    [{ args: ['ok', 3] }, TypeError, /args/],
    [{ env: 'x' }, TypeError, /env/],
    [{ preopens: { '/x': 42 } }, TypeError, /preopens/],
    [{ stdout: 'loud' }, TypeError, /stdout/],
    [{ stdin: -1 }, RangeError, /stdin/],
    [{ maxOpenFiles: 0 }, RangeError, /maxOpenFiles/],
    [{ returnOnExit: 'yes' }, TypeError, /returnOnExit/],
    [{ memory: new ArrayBuffer(8) }, TypeError, /memory/],
  ])('%j', (options, type, message) => {
    expect(() => new WASI(options as never)).toThrow(type);
    expect(() => new WASI(options as never)).toThrow(message);
  });

  it('rejects a host directory that does not exist', () => {
    expect(() => new WASI({ preopens: { '/x': '/definitely/not/here' } })).toThrow(/not/);
  });
});

describe('stdio', () => {
  it('hands callbacks and writables their own copies of the bytes', async () => {
    const chunks: Uint8Array[] = [];
    const written: Uint8Array[] = [];
    const wasi = new WASI({ stdout: (c) => chunks.push(c), stderr: { write: (c: Uint8Array) => written.push(c) } });
    wasi.start(await instantiate(wasi, 'command'));
    expect(chunks.map(text).join('')).toBe('hi\n');
    expect(chunks[0].buffer).not.toBe((wasi as unknown as { ctx: { mem: { u8: Uint8Array } } }).ctx.mem.u8.buffer);
  });

  it('never closes the embedder\'s descriptors, so the next program can use them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-stdio-'));
    const out = openSync(join(dir, 'out'), 'w');
    try {
      const first = new WASI({ stdin: '', stdout: out, stderr: out });
      expect(first.start(await instantiate(first, 'close_stdio'))).toBe(8); // EBADF after closing fd 1
      expect(() => fstatSync(out)).not.toThrow();
      const second = new WASI({ stdout: out });
      expect(second.start(await instantiate(second, 'command'))).toBe(7);
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('hi\n');
    } finally {
      closeSync(out);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads stdin from a host fd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-stdin-'));
    writeFileSync(join(dir, 'in'), 'from a file');
    const fd = openSync(join(dir, 'in'), 'r');
    try {
      const h = new WASI({ stdin: fd, stdout: 'collect' });
      const memory = new WebAssembly.Memory({ initial: 1 });
      h.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
      const v = new DataView(memory.buffer);
      v.setUint32(0, 64, true);
      v.setUint32(4, 100, true);
      const imp = h.wasiImport as unknown as Record<string, (...a: number[]) => number>;
      expect(imp.fd_read(0, 0, 1, 8)).toBe(0);
      expect(text(new Uint8Array(memory.buffer, 64, v.getUint32(8, true)))).toBe('from a file');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run() and trace', () => {
  it('runs a command in one call', async () => {
    const r = await run(wasm('command'));
    expect(r).toMatchObject({ exitCode: 7, stdout: 'hi\n', stderr: '' });
  });

  it('runs many programs side by side without interference', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => run(wasm('command'), { preopens: { '/': new MemFS() } })));
    expect(results.every((r) => r.exitCode === 7 && r.stdout === 'hi\n')).toBe(true);
  });

  it('traces every call with its errno', async () => {
    const calls: TraceEntry[] = [];
    const wasi = new WASI({ stdout: 'collect', trace: (e) => calls.push(e) });
    wasi.start(await instantiate(wasi, 'command'));
    expect(calls.map((c) => [c.name, c.errnoName])).toEqual([['fd_write', 'success'], ['proc_exit', undefined]]);
    expect(calls[0].args).toEqual([1, 0, 1, 8]);
    expect(calls[0].params).toEqual(['fd', 'iovs', 'iovs_len', 'nwritten_out']);
    expect(calls[0].results).toEqual({ nwritten_out: 3 });
    expect(calls[0].ms).toBeGreaterThanOrEqual(0);
  });

  it('decodes path arguments before the call and reports what the host wrote', () => {
    const calls: TraceEntry[] = [];
    const memory = new WebAssembly.Memory({ initial: 1 });
    const fs = new MemFS({ 'a.txt': 'x' });
    fs.symlink('a.txt', '/link');
    const wasi = new WASI({ preopens: { '/m': fs }, trace: (e) => calls.push(e) });
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as Record<string, (...a: (number | bigint)[]) => number>;
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('linkmissing'), 100);
    expect(imp.path_readlink(3, 100, 4, 200, 64, 300)).toBe(0);
    expect(imp.path_open(3, 1, 104, 7, 0, 0n, 0n, 0, 300)).toBe(44);
    expect(imp.fd_prestat_dir_name(3, 400, 2)).toBe(0);
    expect(imp.path_open(3, 1, 65530, 100, 0, 0n, 0n, 0, 300)).toBe(21); // EFAULT: the path is unreadable
    expect(calls.map((c) => [c.name, c.paths, c.results, c.errnoName])).toEqual([
      ['path_readlink', { path: 'link' }, { bufused_out: 5, target: 'a.txt' }, 'success'],
      ['path_open', { path: 'missing' }, {}, 'noent'],
      ['fd_prestat_dir_name', {}, { name: '/m' }, 'success'],
      ['path_open', { path: '<unreadable>' }, {}, 'fault'],
    ]);
  });
});

describe('the host leaves the embedder\'s Error settings alone', () => {
  it('path_* calls capture no stacks for their misses and restore Error.stackTraceLimit, also when a backend throws', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const broken = new MemFS({ a: 'x' });
    const wasi = new WASI({ preopens: { '/m': new MemFS({ a: 'x' }), '/b': broken }, onHostError: 'eio' });
    // Broken after mounting: mounting stats the root.
    broken.lstat = () => { throw new TypeError('backend bug'); };
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as Record<string, (...a: (number | bigint)[]) => number>;
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('missing'), 100);
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('a'), 120);
    const saved = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      expect(imp.path_filestat_get(3, 1, 100, 7, 200)).toBe(44); // ENOENT
      expect(Error.stackTraceLimit).toBe(17);
      expect(imp.path_filestat_get(4, 1, 120, 1, 200)).toBe(29); // EIO: the backend's own bug
      expect(Error.stackTraceLimit).toBe(17);
      expect(new Error('mine').stack).toContain('api.test');
    } finally {
      Error.stackTraceLimit = saved;
    }
  });
});
