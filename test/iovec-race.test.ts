// A guest thread racing its own iovecs (issue 9, section 3): a real second
// thread (a worker_threads Worker) flips an iovec's length between 8 and
// 4,000 and its pointer among two buffers of 'x' and one past the end of
// memory, in a tight loop on a shared WebAssembly.Memory, while this thread
// alternates writes of 1,000 'S' bytes to a secret and writes of that iovec
// to an output. Every guest-controlled value must be read once: no 'S' may
// reach the output, each count reported must be what moved, and it ends.
//
// Four places a gathered write is assembled: write-behind for a host file
// under start() when asked for (src/write-behind.ts), each write straight to
// the host file (the default), the joined write of several iovecs to a
// stream (stdio, src/syscalls/fd-io.ts writeStream), and one iovec written to
// a host fd straight from guest memory (HostStream.writeRange).
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { WASI } from '../src/index.js';
import type { Imports } from './harness.js';

const PAGE = 65536;
/** How long each race runs: the flips only land inside a call while both threads get a core. */
const RACE_MS = Number(process.env.RACE_MS ?? 1000);

// Memory layout (one page is all the guest uses; the memory has two).
const IOV_SECRET = 0; // 2 iovecs: 500 + 500 'S'
const IOV_OUT = 16; // 2 iovecs: the one the worker flips, then 8 'x'
const NWRITTEN = 64;
const STOP = 256; // i32 flags shared with the worker
const STARTED = 260;
const PATHS = 512;
const S_AT = 4096;
const X1_AT = 8192;
const X2_AT = 16384;
const BAD_PTR = 2 * PAGE - 4; // past the end once 4,000 bytes long, and past it at 8 only near the end

const FLIPPER = `
const { workerData } = require('node:worker_threads');
const v = new Int32Array(workerData.buffer);
const { lenAt, ptrAt, stopAt, startedAt, ptrs } = workerData;
Atomics.store(v, startedAt >> 2, 1);
Atomics.notify(v, startedAt >> 2);
for (let i = 0; Atomics.load(v, stopAt >> 2) === 0; i++) {
  v[lenAt >> 2] = (i & 1) ? 8 : 4000;
  if ((i & 7) === 0) v[ptrAt >> 2] = ptrs[(i >> 3) % ptrs.length];
}
`;

interface Race {
  memory: WebAssembly.Memory;
  worker: Worker;
  stop(): Promise<void>;
}

/** Lays out the buffers and starts a Worker flipping the first output iovec. */
async function startRace(): Promise<Race> {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const u8 = new Uint8Array(memory.buffer);
  const v = new DataView(memory.buffer);
  u8.fill(0x53, S_AT, S_AT + 1000);
  u8.fill(0x78, X1_AT, X1_AT + 4000);
  u8.fill(0x78, X2_AT, X2_AT + 4000);
  v.setUint32(IOV_SECRET, S_AT, true);
  v.setUint32(IOV_SECRET + 4, 500, true);
  v.setUint32(IOV_SECRET + 8, S_AT + 500, true);
  v.setUint32(IOV_SECRET + 12, 500, true);
  v.setUint32(IOV_OUT, X1_AT, true);
  v.setUint32(IOV_OUT + 4, 4000, true);
  v.setUint32(IOV_OUT + 8, X1_AT, true);
  v.setUint32(IOV_OUT + 12, 8, true);
  const worker = new Worker(FLIPPER, {
    eval: true,
    workerData: { buffer: memory.buffer, lenAt: IOV_OUT + 4, ptrAt: IOV_OUT, stopAt: STOP, startedAt: STARTED, ptrs: [X1_AT, X2_AT, BAD_PTR] },
  });
  const flags = new Int32Array(memory.buffer);
  // Blocks this thread until the worker is flipping (the main thread of Node may wait).
  expect(Atomics.wait(flags, STARTED >> 2, 0, 10_000)).not.toBe('timed-out');
  return {
    memory,
    worker,
    async stop() {
      Atomics.store(flags, STOP >> 2, 1);
      await worker.terminate();
    },
  };
}

interface Tally {
  pairs: number;
  /** The sum of the counts reported for the output. */
  reported: number;
}

/** Alternates secret writes and racing output writes for RACE_MS; tallies what the output writes reported. */
function alternate(imp: Imports, memory: WebAssembly.Memory, secretFd: number, outFd: number, outIovs: number): Tally {
  const v = new DataView(memory.buffer);
  const tally = { pairs: 0, reported: 0 };
  const end = performance.now() + RACE_MS;
  for (; performance.now() < end; tally.pairs++) {
    expect(imp.fd_write(secretFd, IOV_SECRET, 2, NWRITTEN)).toBe(Errno.SUCCESS);
    expect(v.getUint32(NWRITTEN, true)).toBe(1000);
    v.setUint32(NWRITTEN, 0xdeadbeef, true);
    const e = imp.fd_write(outFd, IOV_OUT, outIovs, NWRITTEN);
    if (e === Errno.FAULT) continue;
    expect(e).toBe(Errno.SUCCESS);
    const n = v.getUint32(NWRITTEN, true);
    // Whichever length was read, the count is that length (plus the second iovec's 8 bytes).
    expect([8, 4000].map((l) => l + (outIovs - 1) * 8)).toContain(n);
    tally.reported += n;
  }
  return tally;
}

function expectOnlyX(out: Uint8Array, tally: Tally): void {
  const leaked = out.reduce((k, b) => k + (b === 0x53 ? 1 : 0), 0);
  expect(leaked, `${leaked} 'S' bytes of the secret reached the output in ${tally.pairs} pairs`).toBe(0);
  const odd = out.findIndex((b) => b !== 0x78);
  expect(odd, `byte ${odd} of ${out.byteLength} is ${out[odd]}: ${Array.from(out.subarray(Math.max(0, odd - 8), odd + 8)).join(' ')}`).toBe(-1);
  expect(out.byteLength).toBe(tally.reported);
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('a second thread flipping an iovec during fd_write (shared memory)', () => {
  it.each([
    ['write-behind (writeBehind: true)', true],
    ['each write straight down (the default)', false],
  ])('host files under start(), %s: no secret byte in out.txt, counts = bytes moved', async (_label, writeBehind) => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-race-'));
    dirs.push(dir);
    const race = await startRace();
    const t0 = performance.now();
    let tally: Tally = { pairs: 0, reported: -1 };
    try {
      const { memory } = race;
      const wasi = new WASI({ preopens: { '/d': dir }, memory, stdout: 'ignore', stderr: 'ignore', stdin: '', writeBehind });
      const imp = wasi.wasiImport as unknown as Imports;
      const open = (name: string): number => {
        const len = new TextEncoder().encodeInto(name, new Uint8Array(memory.buffer, PATHS, 64)).written;
        // O_CREAT | O_TRUNC, rights FD_WRITE only.
        expect(imp.path_open(3, 0, PATHS, len, 1 | 8, 0x40n, 0n, 0, NWRITTEN)).toBe(Errno.SUCCESS);
        return new DataView(memory.buffer).getUint32(NWRITTEN, true);
      };
      const _start = (): void => {
        const secret = open('secret.txt');
        const out = open('out.txt');
        tally = alternate(imp, memory, secret, out, 1);
      };
      expect(wasi.start({ exports: { memory, _start } } as unknown as WebAssembly.Instance)).toBe(0);
    } finally {
      await race.stop();
    }
    expect(performance.now() - t0).toBeLessThan(RACE_MS + 10_000);
    expect(readFileSync(join(dir, 'secret.txt')).byteLength).toBe(tally.pairs * 1000);
    expectOnlyX(readFileSync(join(dir, 'out.txt')), tally);
  }, 30_000);

  it('stdio streams (several iovecs joined into one write): no secret byte on stdout, counts = bytes moved', async () => {
    const race = await startRace();
    const t0 = performance.now();
    let tally: Tally;
    let wasi: WASI;
    try {
      const { memory } = race;
      wasi = new WASI({ memory, stdout: 'collect', stderr: 'collect', stdin: '' });
      wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
      tally = alternate(wasi.wasiImport as unknown as Imports, memory, 2, 1, 2);
    } finally {
      await race.stop();
    }
    expect(performance.now() - t0).toBeLessThan(RACE_MS + 10_000);
    expect(wasi.getStderr().byteLength).toBe(tally.pairs * 1000);
    expectOnlyX(wasi.getStdout(), tally);
  }, 30_000);

  it('stdio as host fds (one iovec written straight from guest memory): no secret byte in the stdout file, counts = bytes moved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-race-'));
    dirs.push(dir);
    const outFd = openSync(join(dir, 'stdout.txt'), 'w');
    const errFd = openSync(join(dir, 'stderr.txt'), 'w');
    const race = await startRace();
    const t0 = performance.now();
    let tally: Tally;
    try {
      const { memory } = race;
      const wasi = new WASI({ memory, stdout: outFd, stderr: errFd, stdin: '' });
      wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
      tally = alternate(wasi.wasiImport as unknown as Imports, memory, 2, 1, 1);
    } finally {
      await race.stop();
      closeSync(outFd);
      closeSync(errFd);
    }
    expect(performance.now() - t0).toBeLessThan(RACE_MS + 10_000);
    expect(readFileSync(join(dir, 'stderr.txt')).byteLength).toBe(tally.pairs * 1000);
    expectOnlyX(readFileSync(join(dir, 'stdout.txt')), tally);
  }, 30_000);
});
