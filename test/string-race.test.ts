// A guest thread rewriting a path while the host decodes it (shared memory):
// a worker_threads Worker flips two bytes of an 8-byte path between "de" and
// "é" (0xC3 0xA9) in a tight loop while this thread decodes it with
// GuestMemory.string, whose short-ASCII path reads the bytes itself (issue 14
// part 6). Each byte is read once, so every decode is a whole state the bytes
// were in ("abcdefgh" or "abcéfgh") or ILSEQ for a torn one (0xC3 'e', 'd'
// 0xA9): never a mix, a string of the wrong length, or a host exception.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Errno, WasiError } from '../src/abi/errno.js';
import { GuestMemory } from '../src/memory.js';

const RACE_MS = Number(process.env.RACE_MS ?? 1000);
const PATH = 1024;
const STOP = 0;

const FLIPPER = `
const { workerData } = require('node:worker_threads');
const u8 = new Uint8Array(workerData.buffer);
const flags = new Int32Array(workerData.buffer);
const at = workerData.at;
for (let i = 0; Atomics.load(flags, 0) === 0; i++) {
  if (i & 1) { u8[at + 3] = 0x64; u8[at + 4] = 0x65; } else { u8[at + 3] = 0xc3; u8[at + 4] = 0xa9; }
}
`;

describe('GuestMemory.string racing a second thread (shared memory)', () => {
  it('decodes a whole state or answers ILSEQ, nothing else', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    new Uint8Array(memory.buffer).set(new TextEncoder().encode('abcdefgh'), PATH);
    const mem = new GuestMemory();
    mem.attach(memory);
    const worker = new Worker(FLIPPER, { eval: true, workerData: { buffer: memory.buffer, at: PATH } });
    const seen = new Map<string, number>();
    try {
      // Let the worker start flipping before the clock starts.
      await new Promise((r) => setTimeout(r, 50));
      const end = performance.now() + RACE_MS;
      while (performance.now() < end) {
        for (let i = 0; i < 1000; i++) {
          let got: string;
          try {
            got = mem.string(PATH, 8);
          } catch (err) {
            if (!(err instanceof WasiError) || err.errno !== Errno.ILSEQ) throw err;
            got = 'ILSEQ';
          }
          seen.set(got, (seen.get(got) ?? 0) + 1);
        }
      }
    } finally {
      Atomics.store(new Int32Array(memory.buffer), STOP, 1);
      await worker.terminate();
    }
    expect([...seen.keys()].filter((s) => s !== 'abcdefgh' && s !== 'abcéfgh' && s !== 'ILSEQ')).toEqual([]);
    // Both whole states were met: the race ran.
    expect(seen.get('abcdefgh') ?? 0).toBeGreaterThan(0);
    expect(seen.get('abcéfgh') ?? 0).toBeGreaterThan(0);
  });
});
