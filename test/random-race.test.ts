// random_get on shared memory while a second thread (a worker_threads Worker) grows that memory page
// by page: random_get checks its range once, against the memory as it is then, and fills it through a
// pool in 64 KiB steps (getRandomValues refuses shared views; src/syscalls/random.ts). Growth must not
// make it write outside the range, fault a range that fit, or miss part of it.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { WASI } from '../src/index.js';
import type { Imports } from './harness.js';

const PAGE = 65536;
const AT = 4096;
const LEN = 200_000; // four pool steps, the last partial
const GROWER = `
const { workerData } = require('node:worker_threads');
const { memory, max } = workerData;
const flag = new Int32Array(memory.buffer, 0, 1);
Atomics.store(flag, 0, 1);
const pause = new Int32Array(new SharedArrayBuffer(4));
while (memory.buffer.byteLength < max * 65536) { memory.grow(1); Atomics.wait(pause, 0, 0, 1); }
Atomics.store(flag, 0, 2);
`;

describe('random_get on shared memory while another thread grows it', () => {
  it('fills exactly its range each time, never faults a range that fit, and touches nothing around it', async () => {
    const max = 400;
    const memory = new WebAssembly.Memory({ initial: 8, maximum: max, shared: true });
    const wasi = new WASI({});
    wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
    const imp = wasi.wasiImport as unknown as Imports;
    const worker = new Worker(GROWER, { eval: true, workerData: { memory, max } });
    const flag = new Int32Array(memory.buffer, 0, 1);
    while (Atomics.load(flag, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    let calls = 0;
    const u8 = (): Uint8Array => new Uint8Array(memory.buffer);
    do {
      const before = memory.buffer.byteLength;
      u8().fill(0xa5, AT - 64, AT);
      u8().fill(0, AT, AT + LEN);
      u8().fill(0xa5, AT + LEN, AT + LEN + 64);
      expect(imp.random_get(AT, LEN)).toBe(Errno.SUCCESS);
      // A range ending at the end of the memory as it was before the call fits, whatever the growth since.
      expect(imp.random_get(before - 16, 16)).toBe(Errno.SUCCESS);
      const m = u8();
      expect(m.subarray(AT - 64, AT).every((b) => b === 0xa5)).toBe(true);
      expect(m.subarray(AT + LEN, AT + LEN + 64).every((b) => b === 0xa5)).toBe(true);
      // Each 4 KiB window filled (an all-zero window of random bytes has a chance of 2^-32768).
      for (let w = AT; w < AT + LEN; w += 4096) expect(m.subarray(w, Math.min(w + 4096, AT + LEN)).some((b) => b !== 0), `window at ${w}`).toBe(true);
      calls++;
    } while (Atomics.load(flag, 0) !== 2);
    await new Promise((r) => worker.once('exit', r));
    expect(memory.buffer.byteLength).toBe(max * PAGE);
    expect(imp.random_get(max * PAGE - 8, 9)).toBe(Errno.FAULT);
    // The grower takes ~1 ms a page: calls ran all through its ~400 ms.
    expect(calls).toBeGreaterThan(10);
  });
});
