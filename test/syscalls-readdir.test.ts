// fd_readdir: dirent bytes, cookies, '.'/'..', inode identity, and wasi-libc's buffer algorithm.
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS } from '../src/vfs/memfs.js';
import { makeHarness, type Harness } from './harness.js';

/** Fast whole-memory comparison that names the first changed byte. */
function expectUnchanged(before: Uint8Array, after: Uint8Array): void {
  expect(after.length).toBe(before.length);
  const i = before.findIndex((b, k) => after[k] !== b);
  expect(i, i < 0 ? '' : `byte ${i} changed: ${before[i]} -> ${after[i]}`).toBe(-1);
}


const PATH = 0x100;
const PATH2 = 0x300;
const OUT = 0x800;
const STAT = 0x900;
const BUF = 0x1000;

const PRE = 3;
const FOLLOW = 1;
const RDONLY = BigInt.asUintN(64, ~BigInt(0x1 | 0x40 | 0x100 | 0x400000));

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Dirent {
  next: bigint;
  ino: bigint;
  type: number;
  name: string;
  nameBytes: Uint8Array;
}

function openDir(h: Harness, path: string, base = RDONLY): number {
  const len = h.putString(PATH, path);
  expect(h.imp.path_open(PRE, FOLLOW, PATH, len, 2, base, RDONLY, 0, OUT)).toBe(Errno.SUCCESS);
  return h.u32(OUT);
}

/** One fd_readdir call into guest memory at BUF; returns the raw bytes written (bufused of them). */
function readdirRaw(h: Harness, fd: number, bufLen: number, cookie: bigint): { errno: number; used: number; bytes: Uint8Array } {
  new Uint8Array(h.memory.buffer).fill(0xcc, BUF, BUF + bufLen + 64);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = h.imp.fd_readdir(fd, BUF, bufLen, cookie, OUT);
  if (errno !== Errno.SUCCESS) return { errno, used: h.u32(OUT), bytes: new Uint8Array(0) };
  const used = h.u32(OUT);
  expect(used).toBeLessThanOrEqual(bufLen);
  // Nothing written past bufused (nor past buf_len).
  expect(h.bytes(BUF + used, bufLen + 64 - used).every((b) => b === 0xcc), 'bytes written past bufused').toBe(true);
  return { errno, used, bytes: h.bytes(BUF, used) };
}

/** Parses the complete entries of a buffer; `rest` is the byte count of a trailing partial entry. */
function parse(bytes: Uint8Array): { entries: Dirent[]; rest: number } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Dirent[] = [];
  let at = 0;
  while (at + 24 <= bytes.length) {
    const namlen = v.getUint32(at + 16, true);
    if (at + 24 + namlen > bytes.length) break;
    // Padding after d_type is zero.
    expect(Array.from(bytes.subarray(at + 21, at + 24))).toEqual([0, 0, 0]);
    const nameBytes = bytes.slice(at + 24, at + 24 + namlen);
    entries.push({
      next: v.getBigUint64(at, true),
      ino: v.getBigUint64(at + 8, true),
      type: v.getUint8(at + 20),
      name: dec.decode(nameBytes),
      nameBytes,
    });
    at += 24 + namlen;
  }
  return { entries, rest: bytes.length - at };
}

/** Everything in one call with a big buffer. */
function listAll(h: Harness, fd: number, cookie = 0n): Dirent[] {
  const r = readdirRaw(h, fd, 0x20000, cookie);
  expect(r.errno).toBe(Errno.SUCCESS);
  expect(r.used).toBeLessThan(0x20000);
  const p = parse(r.bytes);
  expect(p.rest).toBe(0);
  return p.entries;
}

/** The serialisation the host must be producing: entries packed back to back. */
function serialise(entries: Dirent[]): { bytes: Uint8Array; offsets: number[] } {
  const size = entries.reduce((n, e) => n + 24 + e.nameBytes.length, 0);
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  const offsets: number[] = [];
  let at = 0;
  for (const e of entries) {
    offsets.push(at);
    v.setBigUint64(at, e.next, true);
    v.setBigUint64(at + 8, e.ino, true);
    v.setUint32(at + 16, e.nameBytes.length, true);
    v.setUint8(at + 20, e.type);
    bytes.set(e.nameBytes, at + 24);
    at += 24 + e.nameBytes.length;
  }
  offsets.push(at);
  return { bytes, offsets };
}

/**
 * wasi-libc's readdir() (libc-bottom-half/cloudlibc/src/libc/dirent/readdir.c): parse complete
 * entries; a partial one (or < 24 bytes left) means "read again from the last complete cookie",
 * growing the buffer when a single entry does not fit; bufused < buf_len means end of directory.
 */
function libcReaddir(
  h: Harness, fd: number, initialSize: number,
  onCall?: (cookie: bigint, bufLen: number, used: number, bytes: Uint8Array) => void,
): Dirent[] {
  const out: Dirent[] = [];
  let size = initialSize;
  let cookie = 0n;
  let bytes: Uint8Array = new Uint8Array(0);
  let used = size;
  let processed = size;
  let calls = 0;
  for (;;) {
    const left = used - processed;
    let needRead = false;
    if (left < 24) {
      if (used < size) return out; // end of directory
      needRead = true;
    } else {
      const v = new DataView(bytes.buffer, bytes.byteOffset + processed, left);
      const namlen = v.getUint32(16, true);
      const entrySize = 24 + namlen;
      if (namlen === 0) {
        processed += entrySize;
        continue;
      }
      if (left < entrySize) {
        while (size < entrySize) size *= 2;
        needRead = true;
      } else {
        const nameBytes = bytes.slice(processed + 24, processed + entrySize);
        const e: Dirent = {
          next: v.getBigUint64(0, true), ino: v.getBigUint64(8, true), type: v.getUint8(20),
          name: dec.decode(nameBytes), nameBytes,
        };
        out.push(e);
        cookie = e.next;
        processed += entrySize;
        continue;
      }
    }
    if (needRead) {
      if (++calls > 100_000) throw new Error('readdir does not terminate');
      const r = readdirRaw(h, fd, size, cookie);
      expect(r.errno).toBe(Errno.SUCCESS);
      onCall?.(cookie, size, r.used, r.bytes);
      bytes = r.bytes;
      used = r.used;
      processed = 0;
    }
  }
}

function pathIno(h: Harness, dirfd: number, name: string): bigint {
  const len = h.putString(PATH2, name);
  expect(h.imp.path_filestat_get(dirfd, 0, PATH2, len, STAT)).toBe(Errno.SUCCESS);
  return h.view().getBigUint64(STAT + 8, true);
}

function fdIno(h: Harness, fd: number): bigint {
  expect(h.imp.fd_filestat_get(fd, STAT)).toBe(Errno.SUCCESS);
  return h.view().getBigUint64(STAT + 8, true);
}

function bigDir(n: number): Record<string, string | null> {
  const seed: Record<string, string | null> = {};
  for (let i = 0; i < n; i++) {
    // Varying name lengths, some non-ASCII, so entries straddle buffer ends at every offset.
    const name = i % 7 === 0 ? `fïlé-${i}-${'x'.repeat(i % 13)}` : i % 5 === 0 ? `日本-${i}` : `file${String(i).padStart(4, '0')}${'y'.repeat(i % 3)}`;
    seed[`big/${name}`] = String(i);
  }
  return seed;
}

describe('fd_readdir basics', () => {
  it('an empty directory lists exactly "." and "..", both directories, with cookies 1 and 2', () => {
    const fs = new MemFS({ 'empty/': null });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const fd = openDir(h, 'empty');
    const r = readdirRaw(h, fd, 256, 0n);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.used).toBe(24 + 1 + 24 + 2);
    const { entries, rest } = parse(r.bytes);
    expect(rest).toBe(0);
    expect(entries.map((e) => e.name)).toEqual(['.', '..']);
    expect(entries.map((e) => e.type)).toEqual([3, 3]);
    expect(entries.map((e) => e.next)).toEqual([1n, 2n]);
    expect(entries[0].ino).toBe(fdIno(h, fd));
  });

  it('writes exact dirent bytes: u64 d_next, u64 d_ino, u32 d_namlen, u8 d_type, zero padding, name without NUL', () => {
    const fs = new MemFS({ 'd/x.txt': 'x' });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const fd = openDir(h, 'd');
    const r = readdirRaw(h, fd, 256, 2n);
    expect(r.used).toBe(24 + 5);
    const ino = pathIno(h, fd, 'x.txt');
    const expected = new Uint8Array(29);
    const v = new DataView(expected.buffer);
    v.setBigUint64(0, 3n, true);
    v.setBigUint64(8, ino, true);
    v.setUint32(16, 5, true);
    v.setUint8(20, 4);
    expected.set(enc.encode('x.txt'), 24);
    expect(r.bytes).toEqual(expected);
  });

  it('"." and ".." come first; entry types and inodes match filestat', () => {
    const fs = new MemFS({ 'd/file.txt': 'abc', 'd/sub/inner': 'i', 'd/ünï.txt': '' });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const lenL = h.putString(PATH, 'file.txt');
    const lenP = h.putString(PATH2, 'd/link');
    expect(h.imp.path_symlink(PATH, lenL, PRE, PATH2, lenP)).toBe(Errno.SUCCESS);
    const fd = openDir(h, 'd');
    const entries = listAll(h, fd);
    expect(entries.slice(0, 2).map((e) => e.name)).toEqual(['.', '..']);
    expect(entries[0].ino).toBe(fdIno(h, fd));
    expect(entries[0].nameBytes.length).toBe(1);
    expect(entries[1].type).toBe(3);
    const rest = new Map(entries.slice(2).map((e) => [e.name, e]));
    expect([...rest.keys()].sort()).toEqual(['file.txt', 'link', 'sub', 'ünï.txt']);
    expect(rest.get('file.txt')?.type).toBe(4);
    expect(rest.get('sub')?.type).toBe(3);
    expect(rest.get('link')?.type).toBe(7);
    expect(rest.get('ünï.txt')?.nameBytes.length).toBe(enc.encode('ünï.txt').length);
    for (const [name, e] of rest) expect(e.ino, name).toBe(pathIno(h, fd, name));
    // A file's d_ino equals its own fd_filestat_get ino.
    const fl = h.putString(PATH, 'file.txt');
    expect(h.imp.path_open(fd, 0, PATH, fl, 0, 0x200002n, 0n, 0, OUT)).toBe(Errno.SUCCESS);
    expect(fdIno(h, h.u32(OUT))).toBe(rest.get('file.txt')?.ino);
    // Cookies are strictly increasing and each resumes after its entry.
    entries.forEach((e, i) => expect(e.next).toBe(BigInt(i + 1)));
  });

  it('the preopen itself can be listed; its "." ino is its filestat ino', () => {
    const fs = new MemFS({ 'a.txt': 'hello', 'dir/b': 'b' });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const entries = listAll(h, PRE);
    expect(entries.map((e) => e.name)).toEqual(['.', '..', 'a.txt', 'dir']);
    expect(entries[0].ino).toBe(fdIno(h, PRE));
  });

  it('d_next resumes right after its entry', () => {
    const fs = new MemFS(bigDir(20));
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const fd = openDir(h, 'big');
    const all = listAll(h, fd);
    expect(all.length).toBe(22);
    for (const k of [0, 1, 2, 5, 20, 21]) {
      const again = listAll(h, fd, all[k].next);
      expect(again.map((e) => e.name)).toEqual(all.slice(k + 1).map((e) => e.name));
    }
    // The testsuite's check: from the 2nd entry's cookie with a small buffer, the 3rd comes first.
    const r = parse(readdirRaw(h, fd, 64, all[1].next).bytes);
    expect(r.entries[0].name).toBe(all[2].name);
    // A cookie at or past the end returns nothing.
    expect(readdirRaw(h, fd, 256, BigInt(all.length)).used).toBe(0);
    expect(readdirRaw(h, fd, 256, 1n << 40n).used).toBe(0);
    expect(readdirRaw(h, fd, 256, -1n).used).toBe(0);
  });

  it('the listing is stable while resuming; cookie 0 starts over and sees changes', () => {
    const fs = new MemFS(bigDir(10));
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const fd = openDir(h, 'big');
    const first = listAll(h, fd);
    const len = h.putString(PATH, 'big/aaa-new');
    expect(h.imp.path_open(PRE, 0, PATH, len, 1, 0x42n, 0n, 0, OUT)).toBe(Errno.SUCCESS);
    const resumed = listAll(h, fd, first[3].next);
    expect(resumed.map((e) => e.name)).toEqual(first.slice(4).map((e) => e.name));
    const fresh = listAll(h, fd, 0n);
    expect(fresh.map((e) => e.name)).toContain('aaa-new');
    expect(fresh.length).toBe(first.length + 1);
  });

  it('buf_len 0 succeeds with bufused 0', () => {
    const fs = new MemFS({ 'a.txt': 'x' });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const r = readdirRaw(h, PRE, 0, 0n);
    expect(r).toMatchObject({ errno: Errno.SUCCESS, used: 0 });
  });

  it('errors: BADF for bad fds, not-a-directory for files and stdio, NOTCAPABLE without FD_READDIR, FAULT', () => {
    const fs = new MemFS({ 'a.txt': 'x', 'd/': null });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    expect(h.imp.fd_readdir(42, BUF, 256, 0n, OUT)).toBe(Errno.BADF);
    const len = h.putString(PATH, 'a.txt');
    expect(h.imp.path_open(PRE, 0, PATH, len, 0, 0x2n, 0n, 0, OUT)).toBe(Errno.SUCCESS);
    const file = h.u32(OUT);
    expect([Errno.BADF, Errno.NOTDIR]).toContain(h.imp.fd_readdir(file, BUF, 256, 0n, OUT));
    expect([Errno.BADF, Errno.NOTDIR]).toContain(h.imp.fd_readdir(1, BUF, 256, 0n, OUT));
    const noRight = openDir(h, 'd', RDONLY & ~0x4000n);
    expect(h.imp.fd_readdir(noRight, BUF, 256, 0n, OUT)).toBe(Errno.NOTCAPABLE);
    new Uint8Array(h.memory.buffer).fill(0xcc);
    const before = new Uint8Array(h.memory.buffer).slice();
    const end = h.memory.buffer.byteLength;
    expect(h.imp.fd_readdir(PRE, end - 100, 101, 0n, OUT)).toBe(Errno.FAULT);
    expect(h.imp.fd_readdir(PRE, BUF, 0xffffffff, 0n, OUT)).toBe(Errno.FAULT);
    expect(h.imp.fd_readdir(PRE, 0xfffffff0, 16, 0n, OUT)).toBe(Errno.FAULT);
    expect(h.imp.fd_readdir(PRE, BUF, 256, 0n, end - 3)).toBe(Errno.FAULT);
    expectUnchanged(before, new Uint8Array(h.memory.buffer).slice());
  });
});

describe('fd_readdir over 1,000 entries with small buffers (wasi-libc algorithm)', () => {
  const N = 1000;
  const fs = new MemFS(bigDir(N));
  const expectedNames = ['.', '..', ...fs.readdir('/big').map((e) => e.name)].sort();

  for (const size of [30, 128, 256, 4096]) {
    it(`reassembles the full listing with a ${size}-byte buffer`, () => {
      const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
      const fd = openDir(h, 'big');
      const whole = listAll(h, fd);
      expect(whole.length).toBe(N + 2);
      const { bytes: ser, offsets } = serialise(whole);
      let calls = 0;
      const got = libcReaddir(h, fd, size, (cookie, bufLen, used, bytes) => {
        calls++;
        const start = offsets[Number(cookie)];
        const remaining = ser.length - start;
        // Whenever more remains than fits, the buffer is filled completely.
        if (remaining >= bufLen) expect(used, `cookie ${cookie}`).toBe(bufLen);
        else expect(used).toBe(remaining);
        // And what was written, partial entries included, is exactly the packed listing from that cookie.
        expect(bytes).toEqual(ser.subarray(start, start + used));
      });
      expect(got.length).toBe(N + 2);
      expect(got.map((e) => e.name)).toEqual(whole.map((e) => e.name));
      expect(got.map((e) => e.name).sort()).toEqual(expectedNames);
      expect(got.slice(0, 2).map((e) => e.name)).toEqual(['.', '..']);
      expect(new Set(got.map((e) => e.name)).size).toBe(N + 2);
      expect(calls).toBeGreaterThan(1);
      // Spot-check inodes against path_filestat_get.
      for (const e of got.slice(2).filter((_, i) => i % 97 === 0)) expect(e.ino, e.name).toBe(pathIno(h, fd, e.name));
      expect(got[0].ino).toBe(fdIno(h, fd));
    });
  }

  it('with a fixed 128-byte buffer (no growing), resuming from the last complete cookie reaches every entry', () => {
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    const fd = openDir(h, 'big');
    const names: string[] = [];
    let cookie = 0n;
    for (let calls = 0; calls < 10_000; calls++) {
      const r = readdirRaw(h, fd, 128, cookie);
      const { entries } = parse(r.bytes);
      for (const e of entries) names.push(e.name);
      if (entries.length > 0) cookie = entries[entries.length - 1].next;
      if (r.used < 128) break;
      expect(entries.length, 'an entry larger than 128 bytes').toBeGreaterThan(0);
    }
    expect(names.length).toBe(N + 2);
    expect([...names].sort()).toEqual(expectedNames);
  });
});
