// Host cost bounded by something other than guest memory size (issue 9,
// sections 4 and 5): poll_oneoff over 10^7 subscriptions without a JS object
// or BigInt per subscription, and iovecs whose lengths sum past 4 GiB
// reporting what moved, never a count wrapped modulo 2^32.
import { closeSync, openSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS, WASI } from '../src/index.js';
import type { Imports } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** V8 heap in use after a full collection: what the host still holds. */
function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

function reactor(memory: WebAssembly.Memory, options: ConstructorParameters<typeof WASI>[0] = {}): Imports {
  const wasi = new WASI({ stdout: 'ignore', stderr: 'ignore', stdin: '', ...options });
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
  return wasi.wasiImport as unknown as Imports;
}

describe('poll_oneoff with 10^7 subscriptions', () => {
  const N = 10_000_000;
  const SUB = 48;
  const IN = 64;
  // The events go over the subscriptions (out == in), which is allowed, so one 458 MiB memory does.
  const memory = new WebAssembly.Memory({ initial: Math.ceil((IN + N * SUB) / 65536) });
  const imp = reactor(memory);

  /** Subscription i: userdata i; a clock waiting (i % 1000) + 1 ns, or what `other(i)` says. */
  function fill(other: (v: DataView, at: number, i: number) => boolean): void {
    const v = new DataView(memory.buffer);
    new Uint8Array(memory.buffer).fill(0, IN, IN + N * SUB);
    for (let i = 0; i < N; i++) {
      const at = IN + i * SUB;
      v.setUint32(at, i, true);
      if (other(v, at, i)) continue;
      v.setUint32(at + 16, 1, true); // MONOTONIC
      v.setUint32(at + 24, (i % 1000) + 1, true); // relative timeout, ns
    }
  }

  function run(): { nevents: number; ms: number; heapMB: number } {
    const before = heapUsed();
    const t0 = performance.now();
    expect(imp.poll_oneoff(IN, IN, N, 0)).toBe(Errno.SUCCESS);
    const ms = performance.now() - t0;
    // A host that built an object per subscription would still hold them here, or have died.
    const heapMB = (process.memoryUsage().heapUsed - before) / MB;
    return { nevents: new DataView(memory.buffer).getUint32(0, true), ms, heapMB };
  }

  it('clocks only: the earliest fire, within 10 s and 100 MB of heap', () => {
    fill(() => false);
    const r = run();
    expect(r.ms, `${r.ms.toFixed(0)} ms, heap +${r.heapMB.toFixed(1)} MB`).toBeLessThan(10_000);
    expect(r.heapMB).toBeLessThan(100);
    // The 1 ns clocks: every 1000th subscription.
    expect(r.nevents).toBe(N / 1000);
    const v = new DataView(memory.buffer);
    for (const k of [0, 1, 4321, N / 1000 - 1]) {
      const at = IN + k * 32;
      expect(v.getBigUint64(at, true)).toBe(BigInt(k * 1000));
      expect(v.getUint16(at + 8, true)).toBe(Errno.SUCCESS);
      expect(v.getUint8(at + 10)).toBe(0);
    }
  }, 60_000);

  it('fd subscriptions among the clocks: only they are events (stdout writable, fd 99 EBADF)', () => {
    fill((v, at, i) => {
      if (i % 1000 !== 999) return false;
      v.setUint8(at + 8, 2); // FD_WRITE
      v.setUint32(at + 16, i === N - 1 ? 99 : 1, true);
      return true;
    });
    const r = run();
    expect(r.ms, `${r.ms.toFixed(0)} ms, heap +${r.heapMB.toFixed(1)} MB`).toBeLessThan(10_000);
    expect(r.heapMB).toBeLessThan(100);
    expect(r.nevents).toBe(N / 1000);
    const v = new DataView(memory.buffer);
    for (const k of [0, 17, N / 1000 - 1]) {
      const at = IN + k * 32;
      expect(v.getBigUint64(at, true)).toBe(BigInt(k * 1000 + 999));
      expect(v.getUint8(at + 10)).toBe(2);
      expect(v.getUint16(at + 8, true)).toBe(k === N / 1000 - 1 ? Errno.BADF : Errno.SUCCESS);
    }
  }, 60_000);

  it('an event array starting inside the subscriptions, after their start, is EINVAL with nothing written', () => {
    const small = new WebAssembly.Memory({ initial: 1 });
    const h = reactor(small);
    const v = new DataView(small.buffer);
    for (let i = 0; i < 4; i++) {
      v.setUint32(1024 + i * 48, 100 + i, true);
      v.setUint32(1024 + i * 48 + 16, 1, true);
    }
    const before = new Uint8Array(small.buffer).slice();
    expect(h.poll_oneoff(1024, 1024 + 48, 4, 0)).toBe(Errno.INVAL);
    expect(new Uint8Array(small.buffer)).toEqual(before);
    // Before it, or over it exactly, is fine.
    expect(h.poll_oneoff(1024, 1024 - 64, 4, 0)).toBe(Errno.SUCCESS);
    expect(v.getUint32(0, true)).toBe(4);
  });
});

describe('iovecs summing past 4 GiB', () => {
  // 1,024 iovecs (IOV_MAX) of 4,200,000 bytes over the same memory: 4,300,800,000 bytes asked.
  const LEN = 4_200_000;
  const COUNT = 1024;
  const U32_MAX = 2 ** 32 - 1;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((LEN + 65536) / 65536) });
  const v = new DataView(memory.buffer);
  const IOVS = 0;
  const DATA = 65536;
  const OUT = 8192;
  for (let i = 0; i < COUNT; i++) {
    v.setUint32(IOVS + i * 8, DATA, true);
    v.setUint32(IOVS + i * 8 + 4, LEN, true);
  }

  it('fd_write moves at most 2^32-1 bytes and reports exactly that (stdout on /dev/null)', () => {
    const devNull = openSync('/dev/null', 'w');
    try {
      const imp = reactor(memory, { stdout: devNull });
      expect(imp.fd_write(1, IOVS, COUNT, OUT)).toBe(Errno.SUCCESS);
      // The old count was 4,300,800,000 mod 2^32 = 5,832,704.
      expect(v.getUint32(OUT, true)).toBe(U32_MAX);
    } finally {
      closeSync(devNull);
    }
  });

  it('fd_read fills at most 2^32-1 bytes and reports exactly what it filled', () => {
    let filled = 0;
    const imp = reactor(memory, { stdin: { read(into: Uint8Array): number { filled += into.byteLength; return into.byteLength; } } });
    expect(imp.fd_read(0, IOVS, COUNT, OUT)).toBe(Errno.SUCCESS);
    expect(filled).toBe(U32_MAX);
    expect(v.getUint32(OUT, true)).toBe(filled);
  });
});

describe('paths sized to make the host loop: the calls that judge a long new name late (rename, link, open with O_CREAT)', () => {
  // A guest's path of 64 MiB, one component or 2 million of them: refused at its length (PATH_MAX) before it
  // is split or any name in it is measured, so the deferred NAME_MAX check never walks it.
  const BIG = 64 * MB;
  const memory = new WebAssembly.Memory({ initial: BIG / 65536 + 2 });
  const u8 = new Uint8Array(memory.buffer);
  const SRC = 0; // "a.txt"
  const OUT = 16;
  const PATH = 65536;
  u8.set(new TextEncoder().encode('a.txt'), SRC);
  const tree = new MemFS({ 'a.txt': 'x' });
  const imp = reactor(memory, { preopens: { '/': tree } });

  for (const [what, fill] of [['one name', 0x6e], ['"a/" repeated', -1]] as const) {
    it(`${what}, 64 MiB: NAMETOOLONG within 2 s each, nothing made`, () => {
      if (fill < 0) for (let i = 0; i < BIG; i += 2) { u8[PATH + i] = 0x61; u8[PATH + i + 1] = 0x2f; }
      else u8.fill(fill, PATH, PATH + BIG);
      const t0 = performance.now();
      expect(imp.path_rename(3, SRC, 5, 3, PATH, BIG)).toBe(Errno.NAMETOOLONG);
      expect(imp.path_link(3, 0, SRC, 5, 3, PATH, BIG)).toBe(Errno.NAMETOOLONG);
      expect(imp.path_rename(3, PATH, BIG, 3, SRC, 5)).toBe(Errno.NAMETOOLONG);
      expect(imp.path_open(3, 0, PATH, BIG, 1 /* CREAT */, 0n, 0n, 0, OUT)).toBe(Errno.NAMETOOLONG);
      expect(performance.now() - t0).toBeLessThan(2000);
      // a.txt is still there, and is all there is.
      expect(tree.readdir('/').map((e) => e.name)).toEqual(['a.txt']);
    });
  }
});
