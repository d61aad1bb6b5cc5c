// Published napi-rs wasm32-wasi bindings on wasi-host in Node, host
// directories: each binding's stock loader (node:wasi) and the README recipe's
// copy of it (wasi-host, test/napi/loaders.ts) run the same workload in their
// own processes, and must give the same results. Tailwind's Scanner walks a
// directory and reads its files on rayon threads, i.e. wasi-threads Workers,
// each with a WASI of its own; argon2 hashes synchronously and on its async
// work pool.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINDINGS, installWasiHost, patchNodeLoader } from './napi/loaders.js';

interface Run {
  result: Record<string, unknown>;
  workers: string[];
  /** Files the binding's Workers opened through wasi-host (test/napi/spy.mjs). */
  workerOpens: number;
}

const RUNNER = new URL('./napi/run-node.cjs', import.meta.url).pathname;
const SPY = new URL('./napi/spy.mjs', import.meta.url).pathname;

function run(loader: string, workload: 'tailwind' | 'argon2', dir = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', SPY, RUNNER, loader, workload, dir], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${workload} with ${loader}: ${err.message}\n${stderr}`));
      const { result, workers } = JSON.parse(stdout) as Omit<Run, 'workerOpens'>;
      resolve({ result, workers, workerOpens: stderr.split('\n').filter((l) => l.startsWith('spy: a worker opened')).length });
    });
  });
}

describe('napi-rs bindings on wasi-host (Node, host directories)', () => {
  let dir: string;
  const loaders = { tailwind: { stock: '', host: '' }, argon2: { stock: '', host: '' } };

  beforeAll(() => {
    installWasiHost();
    for (const name of ['tailwind', 'argon2'] as const) {
      const b = BINDINGS[name];
      loaders[name] = { stock: join(b.dir, b.node), host: patchNodeLoader(b) };
    }
    dir = mkdtempSync(join(tmpdir(), 'wasi-host-napi-'));
    // Enough files for rayon to hand some to other threads.
    for (let i = 0; i < 40; i++) {
      const sub = join(dir, `pkg${i % 4}`, 'src');
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `c${i}.html`), `<div class="m-${i} p-${i % 7} md:flex hover:text-red-${(i % 9) + 1}00">${i}</div>\n`);
    }
    writeFileSync(join(dir, 'app.js'), "export const cls = ['grid', 'gap-4', 'lg:grid-cols-3']\n");
  });

  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("@tailwindcss/oxide's Scanner finds the same candidates in the same files, read on its threads through wasi-host", async () => {
    const [stock, host] = await Promise.all([run(loaders.tailwind.stock, 'tailwind', dir), run(loaders.tailwind.host, 'tailwind', dir)]);
    expect(host.result).toEqual(stock.result);
    expect(stock.result.files).toHaveLength(41);
    expect(stock.result.candidates).toEqual(expect.arrayContaining(['m-39', 'md:flex', 'hover:text-red-900', 'lg:grid-cols-3']));
    expect(stock.workers.length).toBeGreaterThan(0);
    expect(new Set(stock.workers)).toEqual(new Set(['wasi-worker.mjs']));
    expect(new Set(host.workers)).toEqual(new Set(['wasi-worker.wasi-host.mjs']));
    expect(stock.workerOpens).toBe(0);
    expect(host.workerOpens).toBeGreaterThan(0);
  });

  it('@node-rs/argon2 hashes and verifies, synchronously and on its async work pool, to the same strings', async () => {
    const [stock, host] = await Promise.all([run(loaders.argon2.stock, 'argon2'), run(loaders.argon2.host, 'argon2')]);
    expect(host.result).toEqual(stock.result);
    expect(stock.result.verifySync).toEqual([true, false]);
    expect(stock.result.verify).toEqual([true, false]);
    expect(stock.result.hashSync).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
    expect(new Set(host.workers)).toEqual(new Set(['wasi-worker.wasi-host.mjs']));
  });
});
