// The Worker runner in Node (issue 13), the built dist/runner.js as a user
// imports it: a guest blocked on stdin in a worker_threads Worker is fed line
// by line while it runs, polls stdin with a timeout, ends at end of input,
// and is killed within 100 ms while blocked.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from './fixture-runner.js';
import { wat } from './wat.js';
import { WASI } from '../src/index.js';

const DIST = join(FIXTURE_DIR, '..', 'dist', 'runner.js');
type RunnerModule = typeof import('../src/runner/node.js');
const load = (): Promise<RunnerModule> => import(/* @vite-ignore */ DIST) as Promise<RunnerModule>;
/** MemFS as a user of the package gets it (dist/index.js), the class the built runner knows. */
const loadMemFS = async (): Promise<typeof import('../src/index.js').MemFS> =>
  ((await import(/* @vite-ignore */ join(FIXTURE_DIR, '..', 'dist', 'index.js'))) as typeof import('../src/index.js')).MemFS;

const wasm = (name: string): Uint8Array => readFileSync(join(FIXTURE_DIR, `${name}.wasm`));

/** Output as it arrives, and a promise of the moment it contains `text`. */
class Screen {
  text = '';
  private waiters: { text: string; resolve: () => void }[] = [];
  readonly write = (chunk: Uint8Array): void => {
    this.text += new TextDecoder().decode(chunk);
    this.waiters = this.waiters.filter((w) => {
      if (!this.text.includes(w.text)) return true;
      w.resolve();
      return false;
    });
  };
  until(text: string, ms = 5000): Promise<void> {
    if (this.text.includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} within ${ms} ms; output so far: ${JSON.stringify(this.text)}`)), ms);
      this.waiters.push({ text, resolve: () => (clearTimeout(t), resolve()) });
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Worker runner in Node (dist/runner.js)', () => {
  it('is built', () => {
    expect(existsSync(DIST), 'run node scripts/build.mjs first').toBe(true);
  });

  it('a REPL answers each of three lines typed after it started before the next is typed; end of input ends it', async () => {
    const { spawn } = await load();
    const out = new Screen();
    const p = spawn(wasm('repl'), { stdout: out.write });
    await out.until('repl on a pipe\n');
    const typed: string[] = [];
    for (const [line, answer] of [['hello', '1: HELLO'], ['add 40 2', '2: 42'], ['last one', '3: LAST ONE']]) {
      // Nothing answers a line before it is typed.
      expect(out.text).not.toContain(answer);
      p.stdin.write(`${line}\n`);
      typed.push(line);
      await out.until(`${answer}\n`);
    }
    expect(typed).toHaveLength(3);
    p.stdin.end();
    expect(await p.exited).toBe(0);
    expect(out.text).toBe('repl on a pipe\n1: HELLO\n2: 42\n3: LAST ONE\nbye after 3 lines\n');
  });

  it('tty: true makes stdout a terminal for the guest (isatty)', async () => {
    const { spawn } = await load();
    const out = new Screen();
    const p = spawn(wasm('repl'), { stdout: out.write, tty: true });
    p.stdin.end();
    expect(await p.exited).toBe(0);
    expect(out.text).toBe('repl on a terminal\nbye after 0 lines\n');
  });

  it('poll with a timeout times out while nothing is typed, then reads, then ends at end of input', async () => {
    const { spawn } = await load();
    const out = new Screen();
    const p = spawn(wasm('poll_stdin'), { stdout: out.write });
    await out.until('waiting\n');
    await sleep(250); // a few more 100 ms timeouts, reported once
    p.stdin.write('typed\n');
    await out.until('got 6: typed\n');
    p.stdin.end();
    expect(await p.exited).toBe(0);
    expect(out.text).toBe('waiting\ngot 6: typed\nend of input after a timeout\n');
  });

  it('input larger than the ring arrives whole (the writer queues, the reader makes room)', async () => {
    const { spawn } = await load();
    const out = new Screen();
    const lines = Array.from({ length: 1200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`);
    const p = spawn(wasm('repl'), { stdout: out.write });
    p.stdin.write(lines.join('\n') + '\n'); // about 85 KB, twice the 64 KiB ring
    p.stdin.end();
    expect(await p.exited).toBe(0);
    expect(out.text).toContain(`1200: LINE 1199 ${'X'.repeat(60)}\nbye after 1200 lines\n`);
  });

  it('kill() ends a program blocked on stdin within 100 ms; exited is null', async () => {
    const { spawn } = await load();
    const out = new Screen();
    const p = spawn(wasm('repl'), { stdout: out.write });
    await out.until('repl on a pipe\n');
    await sleep(50); // blocked in fgets by now
    const t0 = performance.now();
    p.kill();
    expect(await p.exited).toBeNull();
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('runs a wasi_unstable module, as run() does (the worker hosts it with the full host)', async () => {
    const { spawn } = await load();
    const legacy = await wat('(module (import "wasi_unstable" "proc_exit" (func (param i32))) (memory (export "memory") 1) (func (export "_start") (call 0 (i32.const 7))))');
    expect(await spawn(legacy).exited).toBe(7);
  });

  it('a MemFS preopen is shared: the command reads its files, and what it leaves is in the MemFS when exited resolves', async () => {
    const { spawn } = await load();
    const MemFS = await loadMemFS();
    const fs = new MemFS({ 'src.txt': 'from the caller\n', 'out/': null, 'keep/bin.dat': new Uint8Array([0, 255, 1]) });
    fs.symlink('src.txt', '/link');
    const out = new Screen();
    const p = spawn(wasm('cp'), { args: ['cp', '/sandbox/src.txt', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs }, stdout: out.write });
    // Not live: a change made during the run is replaced by what the command left.
    fs.unlink('/src.txt');
    expect(await p.exited).toBe(0);
    expect(out.text).toContain('copied 16 bytes');
    expect(fs.readText('/out/dst.txt')).toBe('from the caller\n');
    expect(fs.readText('/src.txt')).toBe('from the caller\n');
    expect([...fs.readFile('/keep/bin.dat')]).toEqual([0, 255, 1]);
    expect(fs.readlink('/link')).toBe('src.txt');

    // A second command sees what the first one left.
    const cat = new Screen();
    expect(await spawn(wasm('cat'), { args: ['cat', '/sandbox/out/dst.txt'], preopens: { '/sandbox': fs }, stdout: cat.write }).exited).toBe(0);
    expect(cat.text).toBe('from the caller\n');
  });

  it('after kill() a shared MemFS keeps what it held before the command', async () => {
    const { spawn } = await load();
    const MemFS = await loadMemFS();
    const fs = new MemFS({ 'a.txt': 'before\n' });
    const out = new Screen();
    const p = spawn(wasm('repl'), { preopens: { '/sandbox': fs }, stdout: out.write });
    await out.until('repl on a pipe\n');
    p.kill();
    expect(await p.exited).toBeNull();
    expect(fs.toJSON()).toEqual({ 'a.txt': 'before\n' });
  });

  it('a trap rejects exited; options are checked, naming the fix', async () => {
    const { spawn } = await load();
    const p = spawn(await wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'));
    await expect(p.exited).rejects.toThrow(/unreachable/);
    expect(() => spawn(wasm('repl'), { preopen: {} } as never)).toThrow(/unknown option `preopen`/);
    expect(() => spawn(wasm('repl'), { stdout: 'collect' } as never)).toThrow(/stdout must be a function/);
    expect(() => spawn(wasm('repl'), { preopens: { '/x': new Map() } } as never)).toThrow(/preopens\['\/x'\] must be .* or a MemFS/);
  });
});

describe('JSPI mode where the engine has no JSPI (Node 20)', () => {
  it.skipIf(typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function')('getAsyncImportObject() and startAsync() throw a TypeError pointing to the Worker runner', async () => {
    const wasi = new WASI({ stdin: '' });
    expect(() => wasi.getAsyncImportObject()).toThrow(/JSPI .* not available .* spawn\(\) from wasi-host\/runner/);
    await expect(wasi.startAsync({ exports: {} } as WebAssembly.Instance)).rejects.toThrow(TypeError);
  });
});

