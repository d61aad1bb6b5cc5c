import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { Volume } from 'memfs';
import type { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import { MemFS } from '../src/vfs/memfs.js';

// Large MemFS files grow in place in a resizable ArrayBuffer (src/vfs/memfs.ts,
// grow) rather than by memfs's doubling into new buffers, so the old ones are
// not garbage waiting for the collector (BENCHMARKS.md, issue 14 part 5). The
// bytes stay in the node's `buf`, where memfs's own Volume reads them.

const require = createRequire(import.meta.url);
const MiB = 1 << 20;
const create = { create: true, read: true, write: true, exclusive: false, truncate: false, noFollow: false };

/** A MemFS on a Volume, and a way to reach a file's memfs node. */
function world(): { fs: MemFS; vol: InstanceType<typeof Volume>; node: (path: string) => Node } {
  const vol = new Volume();
  const fs = new MemFS(vol);
  const node = (path: string): Node => {
    const link = vol._core.getResolvedLink(path);
    if (link === null) throw new Error(`no ${path}`);
    return link.getNode();
  };
  return { fs, vol, node };
}

/** `n` bytes whose value at file offset i is (i * 7 + seed) & 255, so a misplaced byte shows. */
function pattern(at: number, n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < Math.min(n, 256); i++) out[i] = ((at + i) * 7 + seed) & 255;
  // Period 256: copy the first period on, doubling.
  for (let have = 256; have < n; have *= 2) out.copyWithin(have, 0, Math.min(have, n - have));
  return out;
}

const isZero = (u: Uint8Array): boolean => Buffer.compare(u, new Uint8Array(u.byteLength)) === 0;

const data = (n: Node): { buf: Uint8Array; capacity: number; size: number } => n as unknown as { buf: Uint8Array; capacity: number; size: number };

describe('MemFS file growth', () => {
  it('appends past 1 MiB (not below) go into one resizable buffer, grown in place, and read back whole', () => {
    const { fs, vol, node } = world();
    const f = fs.open('/log', create);
    const chunk = 64 * 1024;
    const buffers = new Set<ArrayBufferLike>();
    let size = 0;
    while (size < 12 * MiB) {
      f.write(pattern(size, chunk), size);
      size += chunk;
      if (size > 2 * MiB) buffers.add(data(node('/log')).buf.buffer);
      // Below 1 MiB, memfs's plain buffers: a mapping per small file would cost more than it saves.
      if (size === 512 * 1024) expect((data(node('/log')).buf.buffer as ArrayBuffer & { resizable?: boolean }).resizable).toBe(false);
    }
    // 2 MiB to 12 MiB: one buffer throughout (its reservation is 16× the size it moved at).
    expect(buffers.size).toBe(1);
    const [ab] = buffers as Set<ArrayBuffer & { resizable?: boolean }>;
    expect(ab.resizable).toBe(true);
    const d = data(node('/log'));
    expect(d.size).toBe(12 * MiB);
    expect(d.buf.byteLength).toBe(d.capacity);
    expect(Buffer.isBuffer(d.buf)).toBe(true);
    // The Volume's own read sees the same bytes.
    expect(Buffer.compare(vol.readFileSync('/log') as Buffer, Buffer.from(pattern(0, size)))).toBe(0);
    const back = new Uint8Array(size);
    expect(f.read(back, 0)).toBe(size);
    expect(Buffer.compare(back, pattern(0, size))).toBe(0);
  });

  it('moves once it outgrows its reservation, keeping every byte', () => {
    const { fs, node } = world();
    const f = fs.open('/big', create);
    f.write(pattern(0, MiB + 1), 0);
    const first = data(node('/big')).buf.buffer as ArrayBuffer & { maxByteLength: number };
    expect(first.maxByteLength).toBeGreaterThan(MiB);
    // One write past the reservation.
    const at = first.maxByteLength - 10;
    f.write(pattern(at, 100, 3), at);
    const d = data(node('/big'));
    expect(d.buf.buffer).not.toBe(first);
    expect((d.buf.buffer as ArrayBuffer & { resizable?: boolean }).resizable).toBe(true);
    expect(d.size).toBe(at + 100);
    const back = new Uint8Array(d.size);
    f.read(back, 0);
    expect(Buffer.compare(back.subarray(0, MiB + 1), pattern(0, MiB + 1))).toBe(0);
    // The gap of a write past the end reads as zeros.
    expect(isZero(back.subarray(MiB + 1, at))).toBe(true);
    expect(Buffer.compare(back.subarray(at), pattern(at, 100, 3))).toBe(0);
  });

  it('a shrink then a write past the end zero-fills the gap inside the resizable buffer; truncate extends it with zeros', () => {
    const { fs, node } = world();
    const f = fs.open('/f', create);
    f.write(new Uint8Array(3 * MiB).fill(0xff), 0);
    const ab = data(node('/f')).buf.buffer as ArrayBuffer & { resizable?: boolean };
    expect(ab.resizable).toBe(true);
    f.truncate(MiB);
    f.write(new Uint8Array([1, 2, 3]), 2 * MiB);
    f.truncate(5 * MiB);
    expect(data(node('/f')).buf.buffer).toBe(ab);
    expect(f.stat().size).toBe(BigInt(5 * MiB));
    const back = new Uint8Array(5 * MiB);
    expect(f.read(back, 0)).toBe(5 * MiB);
    expect(back.subarray(0, MiB).every((b) => b === 0xff)).toBe(true);
    expect(isZero(back.subarray(MiB, 2 * MiB))).toBe(true);
    expect([...back.subarray(2 * MiB, 2 * MiB + 3)]).toEqual([1, 2, 3]);
    expect(isZero(back.subarray(2 * MiB + 3))).toBe(true);
  });

  // A hostile guest's cheapest large allocation: one byte written far past the end. memfs's
  // truncate filled the whole gap, touching every page (a byte short of 4 GiB: 11 s, 4 GiB resident).
  it('a write or truncate far past the end touches none of the fresh gap, which reads as zeros', () => {
    const { fs, node } = world();
    const f = fs.open('/sparse', create);
    f.write(new Uint8Array(2 * MiB).fill(0xff), 0);
    f.truncate(MiB);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const far = 1024 * MiB;
    f.write(new Uint8Array([7]), far);
    f.truncate(far + 2 * MiB);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(128 * MiB);
    expect(data(node('/sparse')).size).toBe(far + 2 * MiB);
    const back = new Uint8Array(4 * MiB);
    // The stale tail a shrink left is zeros too, and so is the fresh gap, on both sides of the byte.
    expect(f.read(back, 0)).toBe(4 * MiB);
    expect(back.subarray(0, MiB).every((b) => b === 0xff)).toBe(true);
    expect(isZero(back.subarray(MiB))).toBe(true);
    expect(f.read(back, far - 2 * MiB)).toBe(4 * MiB);
    expect(back[2 * MiB]).toBe(7);
    back[2 * MiB] = 0;
    expect(isZero(back)).toBe(true);
  });

  it('a Volume write that outgrows the buffer replaces it with its own, and MemFS moves it back when it grows', () => {
    const { fs, vol, node } = world();
    const f = fs.open('/shared', create);
    f.write(pattern(0, 2 * MiB), 0);
    const ours = data(node('/shared')).buf.buffer;
    // memfs's own write past the capacity doubles into a plain Buffer (Node.write).
    const cap = data(node('/shared')).capacity;
    const fd = vol.openSync('/shared', 'r+');
    vol.writeSync(fd, Buffer.from(pattern(cap, 10)), 0, 10, cap);
    vol.closeSync(fd);
    const theirs = data(node('/shared')).buf.buffer as ArrayBuffer & { resizable?: boolean };
    expect(theirs).not.toBe(ours);
    expect(theirs.resizable).toBe(false);
    const end = cap + 10;
    f.write(pattern(end, data(node('/shared')).capacity), end);
    const d = data(node('/shared'));
    expect((d.buf.buffer as ArrayBuffer & { resizable?: boolean }).resizable).toBe(true);
    const back = new Uint8Array(d.size);
    f.read(back, 0);
    expect(Buffer.compare(back.subarray(0, 2 * MiB), pattern(0, 2 * MiB))).toBe(0);
    expect(isZero(back.subarray(2 * MiB, cap))).toBe(true);
    expect(Buffer.compare(back.subarray(cap), pattern(cap, d.size - cap))).toBe(0);
  });
});

describe('MemFS file size limit', () => {
  // A memory file is one buffer, and Node 20's largest Buffer holds 2^32 bytes. Past that, what POSIX
  // names for a file that exceeds the largest size (EFBIG), not the EINVAL a RangeError from the
  // allocation would be. ruby.wasm met it: a seek to 5 GB and a write (scripts/real-programs.mjs, README).
  const past = 2 ** 32 + 1;
  const efbig = expect.objectContaining({ code: 'EFBIG' });

  it('a write that would end past 4 GiB is EFBIG, and nothing is written', () => {
    const { fs } = world();
    const f = fs.open('/sparse', create);
    f.write(new Uint8Array([1, 2, 3]), 0);
    expect(() => f.write(new Uint8Array([9]), 5_000_000_000)).toThrow(efbig);
    expect(() => f.write(new Uint8Array(2), 2 ** 32 - 1)).toThrow(efbig);
    expect(Number(f.stat().size)).toBe(3);
  });

  it('a truncate past 4 GiB is EFBIG, and the size stays', () => {
    const { fs } = world();
    const f = fs.open('/t', create);
    f.write(new Uint8Array([1]), 0);
    expect(() => f.truncate(past)).toThrow(efbig);
    expect(Number(f.stat().size)).toBe(1);
  });
});

describe('MemFS when memory refuses a file its bytes', () => {
  // Below 4 GiB an allocation can still fail: a browser's own limit, or address space. memfs takes its
  // allocator from this module's exports at each call, and grow() resizes ArrayBuffers: making both
  // throw as V8 does ("Array buffer allocation failed") is memory refusing. To the guest that is a full
  // disk (ENOSPC, as tmpfs answers), not the EINVAL of a RangeError.
  const builtins = createRequire(require.resolve('@jsonjoy.com/fs-core/lib/Node.js'))('@jsonjoy.com/fs-node-builtins/lib/internal/buffer') as { bufferAllocUnsafe: (n: number) => Buffer };
  const enospc = expect.objectContaining({ code: 'ENOSPC' });

  function refused<T>(run: () => T): T {
    const alloc = builtins.bufferAllocUnsafe;
    const resize = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resize');
    builtins.bufferAllocUnsafe = (n) => (n > 64 ? (() => { throw new RangeError('Array buffer allocation failed'); })() : alloc(n));
    Object.defineProperty(ArrayBuffer.prototype, 'resize', { configurable: true, writable: true, value() { throw new RangeError('Array buffer allocation failed'); } });
    try {
      return run();
    } finally {
      builtins.bufferAllocUnsafe = alloc;
      if (resize !== undefined) Object.defineProperty(ArrayBuffer.prototype, 'resize', resize);
    }
  }

  it('a write or truncate that needs more memory is ENOSPC, the file unchanged; small and in-place ones still work', () => {
    const { fs } = world();
    const small = fs.open('/small', create);
    const big = fs.open('/big', create);
    big.write(pattern(0, 2 * MiB), 0);
    refused(() => {
      expect(() => small.write(pattern(0, 100), 0)).toThrow(enospc);
      expect(() => big.write(new Uint8Array([7]), 3 * MiB)).toThrow(enospc);
      expect(() => big.truncate(64 * MiB)).toThrow(enospc);
      expect(() => small.truncate(1000)).toThrow(enospc);
      // What needs no new memory still works: an overwrite inside the file.
      expect(big.write(new Uint8Array([1, 2, 3]), 10)).toBe(3);
    });
    expect([Number(small.stat().size), Number(big.stat().size)]).toEqual([0, 2 * MiB]);
    const back = new Uint8Array(2 * MiB);
    big.read(back, 0);
    expect([...back.subarray(9, 14)]).toEqual([pattern(9, 1)[0], 1, 2, 3, pattern(13, 1)[0]]);
    // Memory back: the same write goes through.
    expect(small.write(pattern(0, 100), 0)).toBe(100);
  });

  it('under a quota (maxBytes), what a refused write was charged is given back: the rest of the quota stays usable', () => {
    const fs = new MemFS({}, { maxBytes: 4 * MiB });
    const f = fs.open('/f', create);
    const before = fs.usedBytes!;
    refused(() => expect(() => f.write(pattern(0, 3 * MiB), 0)).toThrow(enospc));
    expect(fs.usedBytes).toBe(before);
    // 3 MiB of the 4 still fit once memory is there again; a count kept charged would refuse them.
    expect(f.write(pattern(0, 3 * MiB), 0)).toBe(3 * MiB);
  });
});
