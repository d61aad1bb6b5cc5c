// args_*, environ_*, clock_*, random_get: exact bytes in guest memory and errnos.
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { makeHarness, type Harness } from './harness.js';

/** Fast whole-memory comparison that names the first changed byte. */
function expectUnchanged(before: Uint8Array, after: Uint8Array): void {
  expect(after.length).toBe(before.length);
  const i = before.findIndex((b, k) => after[k] !== b);
  expect(i, i < 0 ? '' : `byte ${i} changed: ${before[i]} -> ${after[i]}`).toBe(-1);
}


const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Fills all of memory with a marker so untouched bytes are recognisable. */
function poison(h: Harness, value = 0xaa): void {
  new Uint8Array(h.memory.buffer).fill(value);
}

/** Indices where two snapshots differ. */
function changedRanges(before: Uint8Array, after: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) out.push(i);
  return out;
}

function snapshot(h: Harness): Uint8Array {
  return new Uint8Array(h.memory.buffer).slice();
}

/** Expected NUL-terminated concatenation of strings. */
function joined(items: string[]): Uint8Array {
  const parts = items.map((s) => utf8(s + '\0'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const ARGS = ['prog', 'héllo', '日本語', '🦀 crab', '', 'a b\tc'];
const ENV = { HOME: '/home/ü', LANG: 'ja_JP.UTF-8', EMOJI: '🎉', EMPTY: '' };
const ENV_STRINGS = ['HOME=/home/ü', 'LANG=ja_JP.UTF-8', 'EMOJI=🎉', 'EMPTY='];

describe('args_sizes_get / args_get', () => {
  it('counts UTF-8 bytes including one NUL per string', () => {
    const h = makeHarness({ args: ARGS });
    poison(h);
    expect(h.imp.args_sizes_get(100, 200)).toBe(Errno.SUCCESS);
    expect(h.u32(100)).toBe(ARGS.length);
    const expectedSize = ARGS.reduce((n, a) => n + utf8(a).length + 1, 0);
    expect(h.u32(200)).toBe(expectedSize);
    // JS .length would give a different (smaller) number for these strings.
    expect(expectedSize).toBeGreaterThan(ARGS.reduce((n, a) => n + a.length + 1, 0));
    // Exactly four bytes at each out-pointer, nothing around them.
    expect(h.bytes(96, 4)).toEqual(new Uint8Array(4).fill(0xaa));
    expect(h.bytes(104, 4)).toEqual(new Uint8Array(4).fill(0xaa));
    expect(h.bytes(204, 4)).toEqual(new Uint8Array(4).fill(0xaa));
  });

  it('writes count pointers and NUL-terminated strings back to back, nothing more', () => {
    const h = makeHarness({ args: ARGS });
    poison(h);
    const argv = 1000;
    const buf = 2001; // deliberately unaligned: strings have no alignment
    const before = snapshot(h);
    expect(h.imp.args_get(argv, buf)).toBe(Errno.SUCCESS);
    const expected = joined(ARGS);
    expect(h.bytes(buf, expected.length)).toEqual(expected);
    let at = buf;
    for (let i = 0; i < ARGS.length; i++) {
      expect(h.u32(argv + 4 * i)).toBe(at);
      at += utf8(ARGS[i]).length + 1;
    }
    // Only argv[0..count) and the buffer changed: no trailing NULL pointer, nothing past the buffer.
    const after = snapshot(h);
    for (const i of changedRanges(before, after)) {
      const inPtrs = i >= argv && i < argv + 4 * ARGS.length;
      const inBuf = i >= buf && i < buf + expected.length;
      expect(inPtrs || inBuf, `byte ${i} changed`).toBe(true);
    }
    expect(h.bytes(argv + 4 * ARGS.length, 4)).toEqual(new Uint8Array(4).fill(0xaa));
    expect(h.bytes(buf + expected.length, 1)).toEqual(new Uint8Array([0xaa]));
  });

  it('with no args reports 0 and 0 and writes nothing', () => {
    const h = makeHarness({ args: [] });
    poison(h);
    expect(h.imp.args_sizes_get(100, 200)).toBe(Errno.SUCCESS);
    expect(h.u32(100)).toBe(0);
    expect(h.u32(200)).toBe(0);
    const before = snapshot(h);
    expect(h.imp.args_get(300, 400)).toBe(Errno.SUCCESS);
    expectUnchanged(before, snapshot(h));
  });

  it('faults when the buffer does not fit, writing nothing', () => {
    const h = makeHarness({ args: ARGS });
    const size = ARGS.reduce((n, a) => n + utf8(a).length + 1, 0);
    const end = h.memory.buffer.byteLength;
    poison(h);
    const before = snapshot(h);
    expect(h.imp.args_get(100, end - size + 1)).toBe(Errno.FAULT);
    expect(h.imp.args_get(end - 4 * ARGS.length + 1, 200)).toBe(Errno.FAULT);
    expect(h.imp.args_sizes_get(end - 3, 200)).toBe(Errno.FAULT);
    expect(h.imp.args_sizes_get(100, end - 3)).toBe(Errno.FAULT);
    expectUnchanged(before, snapshot(h));
    // The very last bytes are usable.
    expect(h.imp.args_get(100, end - size)).toBe(Errno.SUCCESS);
    expect(h.bytes(end - size, size)).toEqual(joined(ARGS));
  });
});

describe('environ_sizes_get / environ_get', () => {
  it('lays out KEY=VALUE strings with UTF-8 sizes', () => {
    const h = makeHarness({ env: ENV });
    poison(h);
    expect(h.imp.environ_sizes_get(100, 104)).toBe(Errno.SUCCESS);
    expect(h.u32(100)).toBe(ENV_STRINGS.length);
    const expected = joined(ENV_STRINGS);
    expect(h.u32(104)).toBe(expected.length);
    const ptrs = 512;
    const buf = 1024;
    const before = snapshot(h);
    expect(h.imp.environ_get(ptrs, buf)).toBe(Errno.SUCCESS);
    expect(h.bytes(buf, expected.length)).toEqual(expected);
    let at = buf;
    for (let i = 0; i < ENV_STRINGS.length; i++) {
      expect(h.u32(ptrs + 4 * i)).toBe(at);
      at += utf8(ENV_STRINGS[i]).length + 1;
    }
    for (const i of changedRanges(before, snapshot(h))) {
      const ok = (i >= ptrs && i < ptrs + 4 * ENV_STRINGS.length) || (i >= buf && i < buf + expected.length);
      expect(ok, `byte ${i} changed`).toBe(true);
    }
  });

  it('skips undefined values and reports an empty environment as 0/0', () => {
    const h = makeHarness({ env: { A: undefined } });
    expect(h.imp.environ_sizes_get(100, 104)).toBe(Errno.SUCCESS);
    expect(h.u32(100)).toBe(0);
    expect(h.u32(104)).toBe(0);
  });

  it('faults on out-of-range pointers without writing', () => {
    const h = makeHarness({ env: ENV });
    poison(h);
    const before = snapshot(h);
    expect(h.imp.environ_get(0xfffffff0, 100)).toBe(Errno.FAULT);
    expect(h.imp.environ_get(100, 0xfffffff0)).toBe(Errno.FAULT);
    expect(h.imp.environ_sizes_get(0xfffffff0, 100)).toBe(Errno.FAULT);
    expectUnchanged(before, snapshot(h));
  });
});

describe('clock_res_get / clock_time_get', () => {
  it('supports clock ids 0-3 and writes exactly a u64', () => {
    const h = makeHarness();
    for (const id of [0, 1, 2, 3]) {
      poison(h);
      expect(h.imp.clock_res_get(id, 101)).toBe(Errno.SUCCESS); // unaligned out-pointer
      expect(h.u64(101)).toBeGreaterThan(0n);
      expect(h.bytes(100, 1)[0]).toBe(0xaa);
      expect(h.bytes(109, 1)[0]).toBe(0xaa);
      poison(h);
      expect(h.imp.clock_time_get(id, 1n, 201)).toBe(Errno.SUCCESS);
      expect(h.bytes(200, 1)[0]).toBe(0xaa);
      expect(h.bytes(209, 1)[0]).toBe(0xaa);
    }
  });

  it('rejects unknown clock ids with INVAL and writes nothing', () => {
    const h = makeHarness();
    poison(h);
    const before = snapshot(h);
    for (const id of [4, 5, 100, 0xffffffff, -1]) {
      expect(h.imp.clock_time_get(id, 0n, 200)).toBe(Errno.INVAL);
      expect(h.imp.clock_res_get(id, 200)).toBe(Errno.INVAL);
    }
    expectUnchanged(before, snapshot(h));
  });

  it('realtime is near Date.now() in ns', () => {
    const h = makeHarness();
    const lo = BigInt(Date.now() - 1000) * 1_000_000n;
    expect(h.imp.clock_time_get(0, 0n, 200)).toBe(Errno.SUCCESS);
    const hi = BigInt(Date.now() + 1000) * 1_000_000n;
    const t = h.u64(200);
    expect(t >= lo && t <= hi).toBe(true);
  });

  it('monotonic never goes backwards and advances across a sleep', async () => {
    const h = makeHarness();
    let last = 0n;
    for (let i = 0; i < 10_000; i++) {
      expect(h.imp.clock_time_get(1, 0n, 200)).toBe(Errno.SUCCESS);
      const t = h.u64(200);
      expect(t >= last).toBe(true);
      last = t;
    }
    await new Promise((r) => setTimeout(r, 15));
    h.imp.clock_time_get(1, 0n, 200);
    expect(h.u64(200) - last).toBeGreaterThanOrEqual(10_000_000n);
  });

  it('monotonic is the process\'s CLOCK_MONOTONIC, as node:wasi reads it, so every host and thread of a process agrees', () => {
    const h = makeHarness();
    const lo = process.hrtime.bigint();
    expect(h.imp.clock_time_get(1, 0n, 200)).toBe(Errno.SUCCESS);
    const hi = process.hrtime.bigint();
    const t = h.u64(200);
    expect(t >= lo && t <= hi).toBe(true);
  });

  it('ignores precision, including values with the top bit set (negative BigInt)', () => {
    const h = makeHarness();
    expect(h.imp.clock_time_get(0, -1n, 200)).toBe(Errno.SUCCESS);
    expect(h.imp.clock_time_get(1, 0x7fffffffffffffffn, 208)).toBe(Errno.SUCCESS);
  });

  it('faults on out-of-range out-pointers', () => {
    const h = makeHarness();
    const end = h.memory.buffer.byteLength;
    for (const id of [0, 1, 2, 3]) {
      expect(h.imp.clock_time_get(id, 0n, end - 7)).toBe(Errno.FAULT);
      expect(h.imp.clock_time_get(id, 0n, 0xfffffff0)).toBe(Errno.FAULT);
      expect(h.imp.clock_res_get(id, end - 7)).toBe(Errno.FAULT);
      expect(h.imp.clock_time_get(id, 0n, end - 8)).toBe(Errno.SUCCESS);
    }
  });
});

describe('random_get', () => {
  it('fills all of a 200,000-byte buffer and nothing outside it', () => {
    const h = makeHarness({}, 4);
    const len = 200_000;
    const start = 1000;
    new Uint8Array(h.memory.buffer).fill(0);
    expect(h.imp.random_get(start, len)).toBe(Errno.SUCCESS);
    const mem = new Uint8Array(h.memory.buffer);
    expect(mem.subarray(0, start).every((b) => b === 0)).toBe(true);
    expect(mem.subarray(start + len).every((b) => b === 0)).toBe(true);
    // Every 4 KiB window of random bytes has plenty of non-zero bytes (all-zero chance is nil).
    for (let at = start; at < start + len; at += 4096) {
      const w = mem.subarray(at, Math.min(at + 4096, start + len));
      const nonZero = w.reduce((n, b) => n + (b !== 0 ? 1 : 0), 0);
      expect(nonZero, `window at ${at}`).toBeGreaterThan(w.length / 2);
    }
    // Chunk boundaries are not copies of each other.
    expect(mem.subarray(start, start + 64)).not.toEqual(mem.subarray(start + 65536, start + 65536 + 64));
  });

  it('accepts length 0 (even at the end of memory) and writes nothing', () => {
    const h = makeHarness();
    poison(h);
    const before = snapshot(h);
    expect(h.imp.random_get(100, 0)).toBe(Errno.SUCCESS);
    expect(h.imp.random_get(h.memory.buffer.byteLength, 0)).toBe(Errno.SUCCESS);
    expectUnchanged(before, snapshot(h));
  });

  it('faults on lengths past the end, including 0xFFFFFFFF, without writing', () => {
    const h = makeHarness();
    poison(h);
    const before = snapshot(h);
    const end = h.memory.buffer.byteLength;
    expect(h.imp.random_get(end - 10, 11)).toBe(Errno.FAULT);
    expect(h.imp.random_get(0, 0xffffffff)).toBe(Errno.FAULT);
    expect(h.imp.random_get(16, -1)).toBe(Errno.FAULT);
    expect(h.imp.random_get(0xfffffff0, 16)).toBe(Errno.FAULT);
    expectUnchanged(before, snapshot(h));
  });

  it('works on shared memory', () => {
    const h = makeHarness({}, 2, true);
    expect(h.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    new Uint8Array(h.memory.buffer).fill(0);
    expect(h.imp.random_get(64, 100_000)).toBe(Errno.SUCCESS);
    const w = new Uint8Array(h.memory.buffer, 64, 100_000);
    expect(w.reduce((n, b) => n + (b !== 0 ? 1 : 0), 0)).toBeGreaterThan(90_000);
  });
});
