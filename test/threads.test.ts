// wasi-threads in Node (the built dist/, whose thread Workers run
// dist/thread-worker.cjs by default; its ES module twin dist/thread-worker.js too, below): the WAT fixtures of wasi-fixtures/threads on MemFS
// and on a host directory, every thread reaching one descriptor table and one
// namespace through the thread channel (src/threads/).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Interceptor } from '../src/binder.js';

type Dist = typeof import('../src/index.js');
const { WASI, MemFS } = (await import(new URL('../dist/index.js', import.meta.url).href)) as Dist;

const FIXTURES = new URL('../wasi-fixtures/threads/', import.meta.url);
const module = (name: string): Promise<WebAssembly.Module> => WebAssembly.compile(readFileSync(new URL(`${name}.wasm`, FIXTURES)));
const sharedMemory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
const INPUTS = { 'in0.txt': 'zero\n', 'in1.txt': 'one\n', 'in2.txt': 'two\n' };

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh root with the inputs on the given backend, and how to read a file back from it. */
function backend(kind: 'memfs' | 'host'): { root: string | InstanceType<typeof MemFS>; read(path: string): string } {
  if (kind === 'memfs') {
    const fs = new MemFS(INPUTS);
    return { root: fs, read: (p) => new TextDecoder().decode(fs.readFile(p)) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-threads-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(INPUTS)) writeFileSync(join(dir, name), text);
  return { root: dir, read: (p) => readFileSync(join(dir, p), 'utf8') };
}

/** Records when each named import reached the owner. */
function stamps(names: readonly string[]): { interceptor: Interceptor; at: Map<string, number> } {
  const at = new Map<string, number>();
  return {
    at,
    interceptor: {
      intercept(call, next) {
        if (!names.includes(call.name)) return undefined;
        return (...args) => {
          at.set(call.name, performance.now());
          return next(...args);
        };
      },
    },
  };
}

/**
 * Watches the spinning threads' count at 16 from this thread (whose event
 * loop the owner leaves free): when it last moved. Sampled every millisecond
 * or so, so the time is late, never early.
 */
function lastMove(memory: WebAssembly.Memory): { stop(): number } {
  const count = new Int32Array(memory.buffer);
  let seen = Atomics.load(count, 4);
  let at = performance.now();
  const timer = setInterval(() => {
    const now = Atomics.load(count, 4);
    if (now !== seen) [seen, at] = [now, performance.now()];
  }, 1);
  return { stop: () => (clearInterval(timer), at) };
}

/** The spinning threads' count at 16: it must not move once the run has settled (every Worker stopped). */
async function expectFrozen(memory: WebAssembly.Memory): Promise<void> {
  const count = new Int32Array(memory.buffer);
  const before = Atomics.load(count, 4);
  expect(before).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 50));
  expect(Atomics.load(count, 4)).toBe(before);
}

describe.each(['memfs', 'host'] as const)('threads on %s', (kind) => {
  it('several threads write one file through one descriptor that _start opened', async () => {
    const b = backend(kind);
    const wasi = new WASI({ memory: sharedMemory(), preopens: { '/': b.root }, stdout: 'collect' });
    expect(await wasi.startThreaded(await module('write_one_fd'))).toBe(0);
    expect(new TextDecoder().decode(wasi.getStdout())).toBe('done\n');
    const lines = b.read('out.txt').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(200);
    for (const t of ['t0', 't1', 't2', 't3']) expect(lines.filter((l) => l === t)).toHaveLength(50);
  });

  it('threads open and read files by path, after sleeping in poll_oneoff on their own thread', async () => {
    const b = backend(kind);
    const wasi = new WASI({ memory: sharedMemory(), preopens: { '/': b.root }, stdout: 'collect' });
    const t0 = performance.now();
    expect(await wasi.startThreaded(await module('read_by_path'))).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20);
    expect(new TextDecoder().decode(wasi.getStdout())).toBe('zero\none\ntwo\n');
  });
});

describe('threads', () => {
  it('hand over turns with memory.atomic.wait32 / notify', async () => {
    const wasi = new WASI({ memory: sharedMemory(), stdout: 'collect' });
    expect(await wasi.startThreaded(await module('handoff'))).toBe(0);
    expect(new TextDecoder().decode(wasi.getStdout())).toBe('ping\npong\n'.repeat(5));
  });

  it('proc_exit on one thread stops every thread within 100 ms and ends the run with its status', async () => {
    const memory = sharedMemory();
    const s = stamps(['proc_exit']);
    const wasi = new WASI({ memory, interceptors: [s.interceptor] });
    const moved = lastMove(memory);
    expect(await wasi.startThreaded(await module('thread_exit'))).toBe(7);
    // Guest code stops within 100 ms; the promise waits for the Workers' teardown too.
    expect(moved.stop() - s.at.get('proc_exit')!).toBeLessThan(100);
    expect(performance.now() - s.at.get('proc_exit')!).toBeLessThan(1000);
    await expectFrozen(memory);
  });

  it('a trap on one thread stops every thread within 100 ms and rejects the run', async () => {
    const memory = sharedMemory();
    const s = stamps(['random_get']);
    const wasi = new WASI({ memory, interceptors: [s.interceptor] });
    const moved = lastMove(memory);
    const run = wasi.startThreaded(await module('thread_trap'));
    await expect(run).rejects.toThrow(/^thread \d+ trapped: unreachable/);
    expect(moved.stop() - s.at.get('random_get')!).toBeLessThan(100);
    expect(performance.now() - s.at.get('random_get')!).toBeLessThan(1000);
    await expectFrozen(memory);
  });

  it('thread-spawn answers a negative number past maxThreads (the fixture then exits 4)', async () => {
    const wasi = new WASI({ memory: sharedMemory(), preopens: { '/': new MemFS() } });
    expect(await wasi.startThreaded(await module('write_one_fd'), { maxThreads: 3 })).toBe(4);
  });

  it('needs the shared memory as the memory option', async () => {
    const m = await module('handoff');
    await expect(new WASI({}).startThreaded(m)).rejects.toThrow(/memory option: new WebAssembly.Memory\(\{ initial, maximum, shared: true \}\)/);
    await expect(new WASI({ memory: new WebAssembly.Memory({ initial: 1 }) }).startThreaded(m)).rejects.toThrow(TypeError);
    await expect(new WASI({ memory: sharedMemory() }).startThreaded(m, { maxThreads: 0 })).rejects.toThrow(RangeError);
  });
});

describe('the thread Worker script', () => {
  it('is dist/thread-worker.cjs by default, and the ES module dist/thread-worker.js runs the same threads as workerUrl', async () => {
    expect(readFileSync(new URL('../dist/index.js', import.meta.url), 'utf8')).toMatch(/new URL\(["']\.\/thread-worker\.cjs["'], import\.meta\.url\)/);
    for (const workerUrl of [undefined, new URL('../dist/thread-worker.js', import.meta.url)]) {
      const b = backend('memfs');
      const wasi = new WASI({ memory: sharedMemory(), preopens: { '/': b.root }, stdout: 'collect' });
      expect(await wasi.startThreaded(await module('read_by_path'), { workerUrl })).toBe(0);
      expect(new TextDecoder().decode(wasi.getStdout())).toBe('zero\none\ntwo\n');
    }
  });
});

describe('a thread cannot make the host throw', () => {
  it('a mistyped import, a bad pointer and a bad descriptor on a thread get errnos, which the guest reports', async () => {
    const { wat } = await import('./wat.js');
    // _start spawns one thread; it stores the three errnos at 16, 20, 24 and exits 0.
    const bytes = await wat(`(module
      (import "wasi_snapshot_preview1" "fd_close" (func $close_mistyped (param i64) (result i32)))
      (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "env" "memory" (memory 1 1 shared))
      (func (export "_start")
        (drop (call $spawn (i32.const 0)))
        (loop $wait (if (i32.eqz (i32.atomic.load (i32.const 8)))
          (then (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $wait)))))
      (func (export "wasi_thread_start") (param i32 i32)
        (i32.store (i32.const 16) (call $close_mistyped (i64.const 3)))
        (i32.store (i32.const 64) (i32.const 0x7ffffff0))
        (i32.store (i32.const 68) (i32.const 100))
        (i32.store (i32.const 20) (call $write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72)))
        (i32.store (i32.const 24) (call $fdstat (i32.const 999) (i32.const 80)))
        (i32.atomic.store (i32.const 8) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 8) (i32.const 1)))))`, { threads: true });
    const memory = sharedMemory();
    const wasi = new WASI({ memory, stdout: 'collect' });
    expect(await wasi.startThreaded(await WebAssembly.compile(bytes))).toBe(0);
    expect([...new Int32Array(memory.buffer, 16, 3)]).toEqual([28, 21, 8]); // EINVAL, EFAULT, EBADF
  });
});

describe('returnOnExit: false', () => {
  /**
   * Runs `wat` with startThreaded and returnOnExit: false in a child Node
   * process, which prints "returned <status>" if the promise settles.
   */
  async function runChild(text: string): Promise<{ status: number | null; stdout: string }> {
    const { spawnSync } = await import('node:child_process');
    const { wat } = await import('./wat.js');
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-threads-exit-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'm.wasm'), await wat(text, { threads: true }));
    // A file, not node -e: the thread Workers inherit the process's execArgv.
    writeFileSync(join(dir, 'run.mjs'), `const { WASI } = await import(process.argv[2]);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      const module = await WebAssembly.compile((await import('node:fs')).readFileSync(process.argv[3]));
      console.log('returned', await new WASI({ memory, returnOnExit: false }).startThreaded(module));`);
    const r = spawnSync(process.execPath, [join(dir, 'run.mjs'), new URL('../dist/index.js', import.meta.url).href, join(dir, 'm.wasm')], { encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stdout: r.stdout + r.stderr };
  }
  const exiting = (status: number): string => `(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
    (import "env" "memory" (memory 1 1 shared))
    (func (export "_start")
      (drop (call $spawn (i32.const 0)))
      (loop $forever (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1))) (br $forever)))
    (func (export "wasi_thread_start") (param i32 i32) (call $exit (i32.const ${status}))))`;

  it('exits the process on any proc_exit from a thread, status 0 too, and returns when _start returns, as start() does', async () => {
    expect(await runChild(exiting(0))).toEqual({ status: 0, stdout: '' });
    expect(await runChild(exiting(3))).toEqual({ status: 3, stdout: '' });
    expect(await runChild(`(module
      (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
      (import "env" "memory" (memory 1 1 shared))
      (func (export "_start"))
      (func (export "wasi_thread_start") (param i32 i32)))`)).toEqual({ status: 0, stdout: 'returned 0\n' });
  });
});
