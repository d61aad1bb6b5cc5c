// A write that returned success is in the host's file (issue 9, section 2):
// the guest of wasi-fixtures/log_then_compute.c makes 1,000 successful
// 25-byte writes, then computes without WASI calls, and is killed there.
// By default nothing may be lost; with write-behind asked for, exactly what
// README ("Write-behind") says is lost is lost. The CLI and Worker cases run
// the built dist/ (npm test builds first).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WASI } from '../src/index.js';
import { FIXTURE_DIR, fixtureModule } from './fixture-runner.js';

const BIN = new URL('../bin/wasi-host.mjs', import.meta.url).pathname;
const DIST = new URL('../dist/index.js', import.meta.url).href;
const WASM = join(FIXTURE_DIR, 'log_then_compute.wasm');
const RECORDS = 1000;
const BYTES = RECORDS * 25;

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-durable-'));
  dirs.push(dir);
  return dir;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until `file` holds `bytes`, or `limitMs` passed: returns as soon as
 * the writes are down, so a passing run is quick and a failing one bounded.
 */
async function waitForSize(file: string, bytes: number, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (sizeOf(file) < bytes && Date.now() < until) await sleep(10);
}

/**
 * Runs the fixture under the CLI, waits until it is past its writes (until the
 * file is full, or a fixed 300 ms when `held`: nothing shows then), kills it
 * with SIGKILL; returns the file's size afterwards.
 */
async function killedCli(extraFlags: string[], held = false): Promise<{ size: number; signal: string | null }> {
  const dir = tempDir();
  const file = join(dir, 'log.txt');
  const child = spawn(process.execPath, [BIN, 'run', ...extraFlags, '--dir', `${dir}::/sandbox`, WASM, '/sandbox/log.txt', String(RECORDS), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  try {
    // "writing" comes before the first write; the writes then take milliseconds.
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('writing')) resolve(); });
      child.on('exit', () => reject(new Error('the guest ended before it wrote')));
    });
    if (held) await sleep(300);
    else await waitForSize(file, BYTES, 3000);
    await sleep(100); // well into the computation, which only SIGKILL ends
  } finally {
    child.kill('SIGKILL');
  }
  const signal = await exited;
  return { size: sizeOf(file), signal };
}

describe('acknowledged writes survive the death of the host', () => {
  it('kill -9 of the CLI during computation leaves every written byte in the file', async () => {
    const { size, signal } = await killedCli([]);
    expect(signal).toBe('SIGKILL'); // it was still computing when killed
    expect(size).toBe(BYTES);
  });

  it('kill -9 of the CLI whose stdout is a file: what the guest wrote to fd 1 is in that file', async () => {
    // The CLI's stdout is a host fd, written straight from guest memory (HostStream.writeRange).
    const dir = tempDir();
    const file = join(dir, 'log.txt');
    const out = join(dir, 'stdout.txt');
    const outFd = openSync(out, 'w');
    const child = spawn(process.execPath, [BIN, 'run', '--dir', `${dir}::/sandbox`, WASM, '/sandbox/log.txt', String(RECORDS), '0'], {
      stdio: ['ignore', outFd, 'inherit'],
    });
    closeSync(outFd);
    const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      // "writing" goes to fd 1 before the log's writes, so a full log means it returned.
      await waitForSize(file, BYTES, 10_000);
      await sleep(100);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    expect(sizeOf(file)).toBe(BYTES);
    expect(readFileSync(out, 'utf8')).toBe('writing\n');
  });

  it('worker.terminate() during computation leaves every written byte in the file', async () => {
    const dir = tempDir();
    const file = join(dir, 'log.txt');
    // The guest's stdout becomes messages, so the test knows when the writes begin.
    const worker = new Worker(
      `const { parentPort, workerData: w } = require('node:worker_threads');
       const fs = require('node:fs');
       import(w.dist).then(({ WASI }) => {
         const wasi = new WASI({
           args: ['log_then_compute', '/sandbox/log.txt', String(w.records), '0'],
           preopens: { '/sandbox': w.dir },
           stdout: (chunk) => parentPort.postMessage(new TextDecoder().decode(chunk)),
         });
         const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(w.wasm)), wasi.getImportObject());
         wasi.start(instance);
       });`,
      { eval: true, workerData: { dist: DIST, dir, wasm: WASM, records: RECORDS } },
    );
    let ended = false;
    const stopped = new Promise<void>((resolve) => worker.on('exit', () => { ended = true; resolve(); }));
    try {
      await new Promise<void>((resolve, reject) => {
        worker.on('message', (m: string) => { if (m.includes('writing')) resolve(); });
        worker.on('error', reject);
        worker.on('exit', () => reject(new Error('the worker ended before the guest wrote')));
      });
      await waitForSize(file, BYTES, 3000);
      await sleep(100);
      expect(ended).toBe(false); // still computing
    } finally {
      await worker.terminate();
    }
    await stopped;
    expect(sizeOf(file)).toBe(BYTES);
  });

  it('each fd_write is in the file when it returns, as another reader sees it', () => {
    const dir = tempDir();
    const file = join(dir, 'log.txt');
    const seen: number[] = [];
    const wasi = new WASI({
      args: ['log_then_compute', '/sandbox/log.txt', '20', '10'],
      preopens: { '/sandbox': dir },
      stdout: 'collect',
      // Called as each import returns: what a reader in another process would find then.
      trace: (e) => { if (e.name === 'fd_write' && e.args[0] === 4) seen.push(sizeOf(file)); },
    });
    expect(wasi.start(new WebAssembly.Instance(fixtureModule('log_then_compute'), wasi.getImportObject() as unknown as WebAssembly.Imports))).toBe(0);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 25));
  });
});

describe('write-behind, when asked for', () => {
  it('batches: up to bufferSize bytes are held until the next other call, and a reader sees them only then', () => {
    const dir = tempDir();
    const file = join(dir, 'log.txt');
    const seen: number[] = [];
    const wasi = new WASI({
      args: ['log_then_compute', '/sandbox/log.txt', '20', '10'],
      preopens: { '/sandbox': dir },
      stdout: 'collect',
      writeBehind: { bufferSize: 100 },
      trace: (e) => { if (e.name === 'fd_write' && e.args[0] === 4) seen.push(sizeOf(file)); },
    });
    expect(wasi.start(new WebAssembly.Instance(fixtureModule('log_then_compute'), wasi.getImportObject() as unknown as WebAssembly.Imports))).toBe(0);
    // Four 25-byte records fill the 100-byte buffer; the fifth hands them down and is held in turn.
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 4) * 100));
    // start() hands the rest down before it returns.
    expect(readFileSync(file, 'utf8')).toBe(Array.from({ length: 20 }, (_, i) => `record ${String(i).padStart(6, '0')} of the log\n`).join(''));
  });

  it('is validated: a bad value throws, naming the option', () => {
    expect(() => new WASI({ writeBehind: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => new WASI({ writeBehind: { bufferSize: 0 } })).toThrow(/writeBehind\.bufferSize/);
    expect(() => new WASI({ writeBehind: { bufferSize: 1.5 } })).toThrow(RangeError);
    expect(() => new WASI({ writeBehind: { bufferSize: 2 ** 30 } })).toThrow(RangeError);
    expect(() => new WASI({ writeBehind: { buffersize: 10 } as unknown as { bufferSize: number } })).toThrow(/writeBehind\.buffersize is not an option/);
    expect(() => new WASI({ writeBehind: false })).not.toThrow();
  });

  it('--write-behind: kill -9 during computation loses what was held, as README says', async () => {
    const { size, signal } = await killedCli(['--write-behind'], true);
    expect(signal).toBe('SIGKILL');
    // All 25,000 bytes were held (less than the 64 KiB buffer) and no WASI call came after them.
    expect(size).toBe(0);
  });
});
