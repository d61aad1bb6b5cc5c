// fd_* syscalls against a memfs preopen: exact bytes in guest memory and errnos.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS } from '../src/vfs/memfs.js';
import { makeHarness, readFilestat, type Filestat, type Harness } from './harness.js';
import { Guest, type OpenOpts } from './guest.js';

/** Fast whole-memory comparison that names the first changed byte. */
function expectUnchanged(before: Uint8Array, after: Uint8Array): void {
  expect(after.length).toBe(before.length);
  const i = before.findIndex((b, k) => after[k] !== b);
  expect(i, i < 0 ? '' : `byte ${i} changed: ${before[i]} -> ${after[i]}`).toBe(-1);
}


// Guest memory layout used by these tests (one 64 KiB page).
const PATH = 0x100;
const IOV = 0x400;
const OUT = 0x800;
const STAT = 0x900; // 64-byte filestat / 24-byte fdstat
const DATA = 0x2000;

const PRE = 3; // the first preopen

// Rights bits (cheat-sheet §4).
const R = {
  FD_DATASYNC: 0x1, FD_READ: 0x2, FD_SEEK: 0x4, FD_FDSTAT_SET_FLAGS: 0x8, FD_SYNC: 0x10, FD_TELL: 0x20,
  FD_WRITE: 0x40, FD_ADVISE: 0x80, FD_ALLOCATE: 0x100, PATH_OPEN: 0x2000, FD_READDIR: 0x4000,
  FD_FILESTAT_GET: 0x200000, FD_FILESTAT_SET_SIZE: 0x400000, FD_FILESTAT_SET_TIMES: 0x800000,
  POLL_FD_READWRITE: 0x8000000,
} as const;
/** What wasi-libc's openat(O_RDONLY) asks for: all but the write-ish rights (a directory refuses those). */
const RDONLY = BigInt.asUintN(64, ~BigInt(R.FD_DATASYNC | R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE));

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Setup {
  h: Harness;
  fs: MemFS;
}

function setup(files: Record<string, string | null> = { 'a.txt': 'hello', 'dir/b.txt': 'bee', 'empty/': null }): Setup {
  const fs = new MemFS(files);
  const h = makeHarness({ preopens: { '/sandbox': fs } });
  return { h, fs };
}

/** path_open through the shared driver (test/guest.ts). */
function open(h: Harness, path: string, o: OpenOpts = {}): { errno: number; fd: number } {
  return new Guest(h).open(path, o);
}

function openOk(h: Harness, path: string, o: OpenOpts = {}): number {
  const r = open(h, path, o);
  expect(r.errno, `path_open(${path})`).toBe(Errno.SUCCESS);
  return r.fd;
}

/** Lays out `chunks` at DATA and their iovecs at IOV; returns the iovec count. */
function putChunks(h: Harness, chunks: (string | Uint8Array)[]): number {
  let at = DATA;
  const iovs: [number, number][] = [];
  for (const c of chunks) {
    const b = typeof c === 'string' ? enc.encode(c) : c;
    new Uint8Array(h.memory.buffer).set(b, at);
    iovs.push([at, b.length]);
    at += b.length + 3; // gaps between buffers
  }
  h.putIovecs(IOV, iovs);
  return iovs.length;
}

function write(h: Harness, fd: number, chunks: (string | Uint8Array)[]): { errno: number; n: number } {
  const n = putChunks(h, chunks);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = h.imp.fd_write(fd, IOV, n, OUT);
  return { errno, n: h.u32(OUT) };
}

function pwrite(h: Harness, fd: number, chunks: string[], offset: bigint): { errno: number; n: number } {
  const n = putChunks(h, chunks);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = h.imp.fd_pwrite(fd, IOV, n, offset, OUT);
  return { errno, n: h.u32(OUT) };
}

/** Reads into buffers of the given sizes; returns what each buffer received (only the bytes read). */
function readv(
  h: Harness, fd: number, lens: number[], offset?: bigint,
): { errno: number; n: number; text: string; bufs: Uint8Array[] } {
  let at = DATA;
  const iovs: [number, number][] = [];
  new Uint8Array(h.memory.buffer).fill(0xee, DATA, DATA + 0x4000);
  for (const l of lens) {
    iovs.push([at, l]);
    at += l + 5;
  }
  h.putIovecs(IOV, iovs);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = offset === undefined ? h.imp.fd_read(fd, IOV, lens.length, OUT) : h.imp.fd_pread(fd, IOV, lens.length, offset, OUT);
  const n = errno === Errno.SUCCESS ? h.u32(OUT) : 0;
  const bufs: Uint8Array[] = [];
  let left = n;
  for (const [p, l] of iovs) {
    const take = Math.min(l, left);
    bufs.push(h.bytes(p, take));
    left -= take;
  }
  return { errno, n, text: dec.decode(concat(bufs)), bufs };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function seek(h: Harness, fd: number, offset: bigint, whence: number): { errno: number; pos: bigint } {
  h.view().setBigUint64(OUT, 0xdeadbeefdeadbeefn, true);
  const errno = h.imp.fd_seek(fd, offset, whence, OUT);
  return { errno, pos: h.u64(OUT) };
}

function tell(h: Harness, fd: number): bigint {
  expect(h.imp.fd_tell(fd, OUT)).toBe(Errno.SUCCESS);
  return h.u64(OUT);
}

interface Fdstat {
  filetype: number;
  flags: number;
  base: bigint;
  inheriting: bigint;
  raw: Uint8Array;
}

function fdstat(h: Harness, fd: number): Fdstat {
  new Uint8Array(h.memory.buffer).fill(0xcc, STAT, STAT + 32);
  expect(h.imp.fd_fdstat_get(fd, STAT)).toBe(Errno.SUCCESS);
  const v = h.view();
  const raw = h.bytes(STAT, 24);
  // Nothing after the 24-byte struct.
  expect(h.bytes(STAT + 24, 8)).toEqual(new Uint8Array(8).fill(0xcc));
  return {
    filetype: v.getUint8(STAT),
    flags: v.getUint16(STAT + 2, true),
    base: v.getBigUint64(STAT + 8, true),
    inheriting: v.getBigUint64(STAT + 16, true),
    raw,
  };
}

function filestat(h: Harness, fd: number): Filestat {
  new Uint8Array(h.memory.buffer).fill(0xcc, STAT, STAT + 72);
  expect(h.imp.fd_filestat_get(fd, STAT)).toBe(Errno.SUCCESS);
  expect(h.bytes(STAT + 64, 8)).toEqual(new Uint8Array(8).fill(0xcc));
  return readFilestat(h, STAT);
}

function pathFilestat(h: Harness, path: string, follow = true): Filestat {
  const len = h.putString(PATH, path);
  expect(h.imp.path_filestat_get(PRE, follow ? 1 : 0, PATH, len, STAT)).toBe(Errno.SUCCESS);
  return readFilestat(h, STAT);
}

function snapshot(h: Harness): Uint8Array {
  return new Uint8Array(h.memory.buffer).slice();
}

describe('fd_write / fd_read', () => {
  it('gathers several iovecs, zero-length ones included, into stdout', () => {
    const { h } = setup();
    const r = write(h, 1, ['ab', '', 'cdé', '', '', 'f']);
    expect(r).toEqual({ errno: Errno.SUCCESS, n: 7 });
    expect(dec.decode(h.wasi.getStdout())).toBe('abcdéf');
    expect(write(h, 2, ['err', ''])).toEqual({ errno: Errno.SUCCESS, n: 3 });
    expect(dec.decode(h.wasi.getStderr())).toBe('err');
  });

  it('accepts zero iovecs and all-empty iovecs (nwritten 0)', () => {
    const { h, fs } = setup();
    expect(h.imp.fd_write(1, IOV, 0, OUT)).toBe(Errno.SUCCESS);
    expect(h.u32(OUT)).toBe(0);
    const fd = openOk(h, 'a.txt');
    expect(write(h, fd, ['', ''])).toEqual({ errno: Errno.SUCCESS, n: 0 });
    expect(fs.readText('a.txt')).toBe('hello');
    expect(tell(h, fd)).toBe(0n);
  });

  it('writes several iovecs to a memfs file and reads them back scattered', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'new.txt', { oflags: 1 });
    expect(write(h, fd, ['hello ', '', 'wörld', '!'])).toEqual({ errno: Errno.SUCCESS, n: 13 });
    expect(fs.readText('new.txt')).toBe('hello wörld!');
    expect(tell(h, fd)).toBe(13n);
    expect(seek(h, fd, 0n, 0).errno).toBe(Errno.SUCCESS);
    const r = readv(h, fd, [3, 0, 4, 100]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.n).toBe(13);
    expect(dec.decode(r.bufs[0])).toBe('hel');
    expect(r.bufs[1].length).toBe(0);
    expect(dec.decode(r.bufs[2])).toBe('lo w');
    expect(dec.decode(r.bufs[3])).toBe('örld!');
    // The rest of the last buffer was not written.
    expect(h.bytes(DATA + 3 + 5 + 0 + 5 + 4 + 5 + 6, 4)).toEqual(new Uint8Array(4).fill(0xee));
    expect(tell(h, fd)).toBe(13n);
    // At EOF: success with 0 bytes.
    const eof = readv(h, fd, [10]);
    expect(eof).toMatchObject({ errno: Errno.SUCCESS, n: 0 });
  });

  it('reads stdin across calls until it reports 0', () => {
    const h = makeHarness({ stdin: 'línea\n' });
    const a = readv(h, 0, [3]);
    expect(a.n).toBe(3);
    const b = readv(h, 0, [0, 10]);
    expect(b.n).toBe(4);
    expect(dec.decode(concat([a.bufs[0], b.bufs[1]]))).toBe('línea\n');
    expect(readv(h, 0, [10]).n).toBe(0);
  });

  it('fd_read/fd_write on a bad or closed fd is BADF and leaves nwritten alone', () => {
    const { h } = setup();
    putChunks(h, ['x']);
    h.view().setUint32(OUT, 0x11223344, true);
    expect(h.imp.fd_write(99, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_read(99, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_write(-1, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.u32(OUT)).toBe(0x11223344);
  });

  it('fd_read/fd_write on a directory fd is BADF (wasmtime: not a file)', () => {
    const { h } = setup();
    putChunks(h, ['x']);
    expect(h.imp.fd_write(PRE, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_read(PRE, IOV, 1, OUT)).toBe(Errno.BADF);
  });
});

describe('fd_seek / fd_tell', () => {
  it('SET, CUR and END move and report the offset as a u64', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(seek(h, fd, 2n, 0)).toEqual({ errno: Errno.SUCCESS, pos: 2n });
    expect(seek(h, fd, 1n, 1)).toEqual({ errno: Errno.SUCCESS, pos: 3n });
    expect(readv(h, fd, [10]).text).toBe('lo');
    expect(seek(h, fd, -1n, 2)).toEqual({ errno: Errno.SUCCESS, pos: 4n });
    expect(readv(h, fd, [10]).text).toBe('o');
    expect(seek(h, fd, -5n, 1)).toEqual({ errno: Errno.SUCCESS, pos: 0n });
    // Past the end is allowed.
    expect(seek(h, fd, 10n, 2)).toEqual({ errno: Errno.SUCCESS, pos: 15n });
    expect(tell(h, fd)).toBe(15n);
  });

  it('a negative resulting offset is INVAL and the position does not move', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(seek(h, fd, 3n, 0).errno).toBe(Errno.SUCCESS);
    const r = seek(h, fd, -4n, 1);
    expect(r.errno).toBe(Errno.INVAL);
    expect(r.pos).toBe(0xdeadbeefdeadbeefn); // out-pointer untouched
    expect(seek(h, fd, -6n, 2).errno).toBe(Errno.INVAL);
    expect(seek(h, fd, -1n, 0).errno).toBe(Errno.INVAL);
    expect(tell(h, fd)).toBe(3n);
  });

  it('a bad whence is INVAL', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    for (const w of [3, 4, 255, 256, 0xffffffff, -1]) {
      const r = seek(h, fd, 0n, w);
      expect(r.errno, `whence ${w}`).toBe(Errno.INVAL);
      expect(r.pos).toBe(0xdeadbeefdeadbeefn);
    }
    expect(tell(h, fd)).toBe(0n);
  });

  it('stdio is SPIPE for seek and tell; a bad fd is BADF', () => {
    const { h } = setup();
    for (const fd of [0, 1, 2]) {
      expect(seek(h, fd, 0n, 0).errno).toBe(Errno.SPIPE);
      expect(seek(h, fd, 0n, 1).errno).toBe(Errno.SPIPE);
      expect(h.imp.fd_tell(fd, OUT)).toBe(Errno.SPIPE);
    }
    expect(seek(h, 42, 0n, 0).errno).toBe(Errno.BADF);
    expect(h.imp.fd_tell(42, OUT)).toBe(Errno.BADF);
  });

  it('needs FD_SEEK to seek, FD_TELL to tell', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_TELL) });
    expect(seek(h, fd, 1n, 0).errno).toBe(Errno.NOTCAPABLE);
    expect(tell(h, fd)).toBe(0n);
    const fd2 = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_SEEK) });
    expect(h.imp.fd_tell(fd2, OUT)).toBe(Errno.NOTCAPABLE);
  });
});

describe('fd_pread / fd_pwrite', () => {
  it('pread and pwrite do not move the offset', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt');
    expect(seek(h, fd, 1n, 0).pos).toBe(1n);
    const r = readv(h, fd, [1, 0, 1], 3n);
    expect(r).toMatchObject({ errno: Errno.SUCCESS, n: 2, text: 'lo' });
    expect(tell(h, fd)).toBe(1n);
    expect(pwrite(h, fd, ['J', '', 'E'], 0n)).toEqual({ errno: Errno.SUCCESS, n: 2 });
    expect(fs.readText('a.txt')).toBe('JEllo');
    expect(tell(h, fd)).toBe(1n);
    // pread at or past the end reads 0 bytes.
    expect(readv(h, fd, [4], 5n)).toMatchObject({ errno: Errno.SUCCESS, n: 0 });
    expect(readv(h, fd, [4], 500n)).toMatchObject({ errno: Errno.SUCCESS, n: 0 });
    // pwrite past the end extends the file with zeros.
    expect(pwrite(h, fd, ['!'], 7n).n).toBe(1);
    expect(fs.readFile('a.txt')).toEqual(new Uint8Array([...enc.encode('JEllo'), 0, 0, 0x21]));
    expect(tell(h, fd)).toBe(1n);
  });

  it('pread/pwrite on stdio is SPIPE, on a bad fd BADF', () => {
    const { h } = setup();
    putChunks(h, ['x']);
    expect(h.imp.fd_pwrite(99, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_pread(99, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
    // A stream has no offsets: SPIPE (wasmtime, Linux on a pipe), though stdio lacks FD_SEEK too.
    expect(h.imp.fd_pwrite(1, IOV, 1, 0n, OUT)).toBe(Errno.SPIPE);
    expect(h.imp.fd_pwrite(2, IOV, 1, 0n, OUT)).toBe(Errno.SPIPE);
    expect(h.imp.fd_pread(0, IOV, 1, 0n, OUT)).toBe(Errno.SPIPE);
    // The other direction is against the stream's mode: BADF, as fd_read on stdout.
    expect(h.imp.fd_pread(1, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_pwrite(0, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
  });

  it('pwrite/pread against the open mode is BADF; without the right (dropped later) NOTCAPABLE', () => {
    const { h, fs } = setup();
    const ro = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_SEEK) });
    expect(pwrite(h, ro, ['x'], 0n).errno).toBe(Errno.BADF);
    const wo = openOk(h, 'a.txt', { base: BigInt(R.FD_WRITE | R.FD_SEEK) });
    expect(readv(h, wo, [4], 0n).errno).toBe(Errno.BADF);
    const rw = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK) });
    expect(h.imp.fd_fdstat_set_rights(rw, BigInt(R.FD_SEEK), 0n)).toBe(Errno.SUCCESS);
    expect(pwrite(h, rw, ['x'], 0n).errno).toBe(Errno.NOTCAPABLE);
    expect(readv(h, rw, [4], 0n).errno).toBe(Errno.NOTCAPABLE);
    expect(fs.readText('a.txt')).toBe('hello');
  });
});

describe('O_APPEND', () => {
  it('every fd_write lands at the end, whatever the offset', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt', { fdflags: 1 });
    expect(write(h, fd, ['XY'])).toEqual({ errno: Errno.SUCCESS, n: 2 });
    expect(fs.readText('a.txt')).toBe('helloXY');
    expect(tell(h, fd)).toBe(7n);
    expect(seek(h, fd, 0n, 0).pos).toBe(0n);
    expect(write(h, fd, ['Z', '', 'W'])).toEqual({ errno: Errno.SUCCESS, n: 2 });
    expect(fs.readText('a.txt')).toBe('helloXYZW');
    expect(tell(h, fd)).toBe(9n);
    // Another descriptor grows the file; the append fd still writes at the new end.
    const other = openOk(h, 'a.txt');
    expect(pwrite(h, other, ['--'], 9n).n).toBe(2);
    expect(write(h, fd, ['!'])).toEqual({ errno: Errno.SUCCESS, n: 1 });
    expect(fs.readText('a.txt')).toBe('helloXYZW--!');
  });

  it('pwrite on an append fd writes at the given offset and does not move the position', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt', { fdflags: 1 });
    expect(seek(h, fd, 2n, 0).pos).toBe(2n);
    expect(pwrite(h, fd, ['J'], 0n)).toEqual({ errno: Errno.SUCCESS, n: 1 });
    expect(fs.readText('a.txt')).toBe('Jello');
    expect(tell(h, fd)).toBe(2n);
  });

  it('fd_fdstat_set_flags(APPEND) switches an open fd to appending', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt');
    expect(write(h, fd, ['J'])).toMatchObject({ n: 1 });
    expect(h.imp.fd_fdstat_set_flags(fd, 1)).toBe(Errno.SUCCESS);
    expect(write(h, fd, ['!'])).toMatchObject({ n: 1 });
    expect(fs.readText('a.txt')).toBe('Jello!');
  });
});

describe('fd_fdstat_get', () => {
  it('stdio: a stream without seek/tell rights, flags 0, no inheriting rights, zero padding', () => {
    const { h } = setup();
    for (const fd of [0, 1, 2]) {
      const s = fdstat(h, fd);
      expect([0, 2]).toContain(s.filetype); // unknown (collected) or character_device (tty)
      expect(s.flags).toBe(0);
      expect(s.base & BigInt(R.FD_SEEK | R.FD_TELL)).toBe(0n);
      expect(s.base & BigInt(R.FD_READ | R.FD_WRITE)).not.toBe(0n);
      expect(s.base >> 30n).toBe(0n);
      expect(s.inheriting).toBe(0n);
      expect(s.raw[1]).toBe(0);
      expect(s.raw.subarray(4, 8)).toEqual(new Uint8Array(4));
    }
    // As wasmtime: stdin reads, stdout/stderr write.
    expect(fdstat(h, 0).base & BigInt(R.FD_READ | R.FD_WRITE)).toBe(BigInt(R.FD_READ));
    expect(fdstat(h, 1).base & BigInt(R.FD_READ | R.FD_WRITE)).toBe(BigInt(R.FD_WRITE));
    expect(fdstat(h, 2).base & BigInt(R.FD_READ | R.FD_WRITE)).toBe(BigInt(R.FD_WRITE));
  });

  it('reading stdout or writing stdin is BADF', () => {
    const { h } = setup();
    expect(readv(h, 1, [4]).errno).toBe(Errno.BADF);
    expect(readv(h, 2, [4]).errno).toBe(Errno.BADF);
    expect(write(h, 0, ['x']).errno).toBe(Errno.BADF);
  });

  it('is BADF too when stdio are host fds open for reading and writing (stdin reads, stdout writes)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-stdio-'));
    const fd = openSync(join(dir, 'io'), 'w+');
    try {
      const h = makeHarness({ stdin: fd, stdout: fd, stderr: fd });
      expect(write(h, 0, ['x']).errno).toBe(Errno.BADF);
      expect(readv(h, 1, [4]).errno).toBe(Errno.BADF);
      expect(readv(h, 2, [4]).errno).toBe(Errno.BADF);
      putChunks(h, ['x']);
      expect(h.imp.fd_pwrite(0, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
      expect(h.imp.fd_pread(1, IOV, 1, 0n, OUT)).toBe(Errno.BADF);
      expect(h.imp.fd_pread(0, IOV, 1, 0n, OUT)).toBe(Errno.SPIPE);
      expect(h.imp.fd_pwrite(1, IOV, 1, 0n, OUT)).toBe(Errno.SPIPE);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('preopen: directory, generous inheriting rights', () => {
    const { h } = setup();
    const s = fdstat(h, PRE);
    expect(s.filetype).toBe(3);
    expect(s.flags).toBe(0);
    expect(s.raw[1]).toBe(0);
    expect(s.raw.subarray(4, 8)).toEqual(new Uint8Array(4));
    const need = R.PATH_OPEN | R.FD_READDIR | R.FD_FILESTAT_GET;
    expect(s.base & BigInt(need)).toBe(BigInt(need));
    // Directories can't be read/written/seeked as byte streams.
    expect(s.base & BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK)).toBe(0n);
    // Every file right is inheritable, or files opened through libc lose them (cheat-sheet rule 6).
    const fileRights = 0x1ff | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE | R.FD_FILESTAT_SET_TIMES | R.POLL_FD_READWRITE;
    expect(s.inheriting & BigInt(fileRights)).toBe(BigInt(fileRights));
    expect(s.inheriting & s.base).toBe(s.base);
    expect(s.base >> 30n).toBe(0n);
    expect(s.inheriting >> 30n).toBe(0n);
  });

  it('opened file: regular_file, its fdflags, its (masked) rights', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { fdflags: 1 | 0x4, base: BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK) | (1n << 40n), inheriting: 0n });
    const s = fdstat(h, fd);
    expect(s.filetype).toBe(4);
    expect(s.flags).toBe(0x5);
    expect(s.base).toBe(BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK));
    expect(s.inheriting).toBe(0n);
    expect(s.raw[1]).toBe(0);
    expect(s.raw.subarray(4, 8)).toEqual(new Uint8Array(4));
  });

  it('opened file with all rights (-1n, as some toolchains send): only file rights, no directory rights', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { base: -1n, inheriting: -1n });
    const s = fdstat(h, fd);
    expect(s.base & BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK | R.FD_TELL)).toBe(BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK | R.FD_TELL));
    expect(s.base & BigInt(R.PATH_OPEN | R.FD_READDIR)).toBe(0n);
    expect(s.base >> 30n).toBe(0n);
  });

  it('opened directory: directory, no read/write rights', () => {
    const { h } = setup();
    const fd = openOk(h, 'dir', { oflags: 2, base: RDONLY });
    const s = fdstat(h, fd);
    expect(s.filetype).toBe(3);
    expect(s.base & BigInt(R.PATH_OPEN | R.FD_READDIR)).toBe(BigInt(R.PATH_OPEN | R.FD_READDIR));
    expect(s.base & BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK)).toBe(0n);
  });

  it('BADF for an unknown fd, FAULT for a bad pointer, nothing written', () => {
    const { h } = setup();
    new Uint8Array(h.memory.buffer).fill(0xcc);
    const before = snapshot(h);
    expect(h.imp.fd_fdstat_get(77, STAT)).toBe(Errno.BADF);
    expect(h.imp.fd_fdstat_get(1, h.memory.buffer.byteLength - 23)).toBe(Errno.FAULT);
    expectUnchanged(before, snapshot(h));
  });
});

describe('fd_fdstat_set_flags / fd_fdstat_set_rights', () => {
  it('set_flags round-trips through fd_fdstat_get', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    for (const f of [1, 0x4, 0x1 | 0x4, 0]) {
      expect(h.imp.fd_fdstat_set_flags(fd, f)).toBe(Errno.SUCCESS);
      expect(fdstat(h, fd).flags).toBe(f);
    }
    expect(h.imp.fd_fdstat_set_flags(fd, 0x20)).toBe(Errno.INVAL);
    expect(h.imp.fd_fdstat_set_flags(fd, 0x10000)).toBe(Errno.INVAL);
    expect(fdstat(h, fd).flags).toBe(0);
    expect(h.imp.fd_fdstat_set_flags(99, 0)).toBe(Errno.BADF);
  });

  it('set_flags needs FD_FDSTAT_SET_FLAGS', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    expect(h.imp.fd_fdstat_set_flags(fd, 1)).toBe(Errno.NOTCAPABLE);
    expect(fdstat(h, fd).flags).toBe(0);
  });

  it('set_rights can drop rights, never add them back', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK), inheriting: 0n });
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_READ | R.FD_SEEK), 0n)).toBe(Errno.SUCCESS);
    expect(fdstat(h, fd).base).toBe(BigInt(R.FD_READ | R.FD_SEEK));
    expect(write(h, fd, ['x']).errno).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_READ | R.FD_SEEK | R.FD_WRITE), 0n)).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_READ), 1n)).toBe(Errno.NOTCAPABLE);
    expect(fdstat(h, fd).base).toBe(BigInt(R.FD_READ | R.FD_SEEK));
    // Same rights again is fine; unknown high bits are ignored rather than refused.
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_READ | R.FD_SEEK), 0n)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_READ) | (0xffn << 56n), 0n)).toBe(Errno.SUCCESS);
    expect(fdstat(h, fd).base).toBe(BigInt(R.FD_READ));
    expect(h.imp.fd_fdstat_set_rights(55, 0n, 0n)).toBe(Errno.BADF);
  });

  it('dropping inheriting rights on a directory limits what is opened through it', () => {
    const { h } = setup();
    const dir = openOk(h, 'dir', { oflags: 2, base: RDONLY });
    const s = fdstat(h, dir);
    expect(h.imp.fd_fdstat_set_rights(dir, s.base, s.inheriting & ~BigInt(R.FD_WRITE))).toBe(Errno.SUCCESS);
    const f = openOk(h, 'b.txt', { dirfd: dir });
    expect(fdstat(h, f).base & BigInt(R.FD_WRITE)).toBe(0n);
    // Without FD_WRITE the file is opened read-only, so writing is against the open mode.
    expect(write(h, f, ['x']).errno).toBe(Errno.BADF);
  });
});

describe('rights enforcement', () => {
  it('a file opened without FD_WRITE cannot be written, without FD_READ not read (open mode: BADF)', () => {
    const { h, fs } = setup();
    const ro = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    h.view().setUint32(OUT, 0x55555555, true);
    putChunks(h, ['x']);
    expect(h.imp.fd_write(ro, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.u32(OUT)).toBe(0x55555555);
    expect(fs.readText('a.txt')).toBe('hello');
    expect(readv(h, ro, [5]).text).toBe('hello');
    const wo = openOk(h, 'a.txt', { base: BigInt(R.FD_WRITE) });
    expect(readv(h, wo, [5]).errno).toBe(Errno.BADF);
    expect(write(h, wo, ['J'])).toEqual({ errno: Errno.SUCCESS, n: 1 });
    expect(fs.readText('a.txt')).toBe('Jello');
  });

  it('a right dropped with fd_fdstat_set_rights is NOTCAPABLE, and nothing is written', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ | R.FD_WRITE | R.FD_SEEK) });
    expect(h.imp.fd_fdstat_set_rights(fd, BigInt(R.FD_SEEK), 0n)).toBe(Errno.SUCCESS);
    h.view().setUint32(OUT, 0x55555555, true);
    putChunks(h, ['x']);
    expect(h.imp.fd_write(fd, IOV, 1, OUT)).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_read(fd, IOV, 1, OUT)).toBe(Errno.NOTCAPABLE);
    expect(h.u32(OUT)).toBe(0x55555555);
    expect(fs.readText('a.txt')).toBe('hello');
  });

  it('filestat calls need their rights', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    expect(h.imp.fd_filestat_get(fd, STAT)).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_filestat_set_size(fd, 0n)).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_filestat_set_times(fd, 0n, 0n, 0)).toBe(Errno.NOTCAPABLE);
  });
});

describe('fd_filestat_get / set_size / set_times', () => {
  it('writes the 64-byte filestat of a file, with zero padding', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    const s = filestat(h, fd);
    expect(s.filetype).toBe(4);
    expect(s.size).toBe(5n);
    expect(s.nlink).toBe(1n);
    expect(s.ino).not.toBe(0n);
    expect(s.raw.subarray(17, 24)).toEqual(new Uint8Array(7));
    const now = BigInt(Date.now()) * 1_000_000n;
    for (const t of [s.atim, s.mtim, s.ctim]) expect(t > now - 60_000_000_000n && t <= now + 1_000_000_000n).toBe(true);
    const p = pathFilestat(h, 'a.txt');
    expect(p.ino).toBe(s.ino);
    expect(p.dev).toBe(s.dev);
  });

  it('describes the preopen and an opened directory as directories', () => {
    const { h } = setup();
    expect(filestat(h, PRE).filetype).toBe(3);
    const d = openOk(h, 'dir', { oflags: 2, base: RDONLY });
    const s = filestat(h, d);
    expect(s.filetype).toBe(3);
    expect(s.ino).toBe(pathFilestat(h, 'dir').ino);
  });

  it('size follows writes; set_size grows with zeros and shrinks', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt');
    expect(seek(h, fd, 0n, 2).pos).toBe(5n);
    write(h, fd, ['!!']);
    expect(filestat(h, fd).size).toBe(7n);
    expect(h.imp.fd_filestat_set_size(fd, 10n)).toBe(Errno.SUCCESS);
    expect(filestat(h, fd).size).toBe(10n);
    expect(fs.readFile('a.txt')).toEqual(new Uint8Array([...enc.encode('hello!!'), 0, 0, 0]));
    expect(h.imp.fd_filestat_set_size(fd, 2n)).toBe(Errno.SUCCESS);
    expect(fs.readText('a.txt')).toBe('he');
    // The position is not changed by truncation.
    expect(tell(h, fd)).toBe(7n);
    expect(h.imp.fd_filestat_set_size(fd, 0n)).toBe(Errno.SUCCESS);
    expect(filestat(h, fd).size).toBe(0n);
  });

  it('set_size on a directory or a bad fd fails', () => {
    const { h } = setup();
    expect(h.imp.fd_filestat_set_size(99, 0n)).toBe(Errno.BADF);
    expect([Errno.BADF, Errno.ISDIR, Errno.INVAL, Errno.NOTCAPABLE]).toContain(h.imp.fd_filestat_set_size(PRE, 0n));
  });

  it('set_times stores nanoseconds exactly', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    const atim = 1_234_567_891_234_567_891n;
    const mtim = 1_600_000_000_000_000_007n;
    expect(h.imp.fd_filestat_set_times(fd, atim, mtim, 1 | 4)).toBe(Errno.SUCCESS);
    const s = filestat(h, fd);
    expect(s.atim).toBe(atim);
    expect(s.mtim).toBe(mtim);
    // Only mtim: atim keeps its value.
    expect(h.imp.fd_filestat_set_times(fd, 0n, 999n, 4)).toBe(Errno.SUCCESS);
    const s2 = filestat(h, fd);
    expect(s2.atim).toBe(atim);
    expect(s2.mtim).toBe(999n);
    // Flags 0: nothing changes.
    expect(h.imp.fd_filestat_set_times(fd, 5n, 5n, 0)).toBe(Errno.SUCCESS);
    expect(filestat(h, fd).atim).toBe(atim);
    expect(filestat(h, fd).mtim).toBe(999n);
    // path_filestat_get sees the same values.
    const p = pathFilestat(h, 'a.txt');
    expect(p.atim).toBe(atim);
    expect(p.mtim).toBe(999n);
  });

  it('set_times with *_NOW uses the current realtime', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_filestat_set_times(fd, 1n, 2n, 1 | 4)).toBe(Errno.SUCCESS);
    const lo = BigInt(Date.now() - 1) * 1_000_000n;
    expect(h.imp.fd_filestat_set_times(fd, 0n, 0n, 2 | 8)).toBe(Errno.SUCCESS);
    const hi = BigInt(Date.now() + 1) * 1_000_000n;
    const s = filestat(h, fd);
    expect(s.atim >= lo && s.atim <= hi).toBe(true);
    expect(s.mtim >= lo && s.mtim <= hi).toBe(true);
  });

  it('set_times rejects ATIM|ATIM_NOW, MTIM|MTIM_NOW and unknown bits with INVAL, changing nothing', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_filestat_set_times(fd, 10n, 20n, 1 | 4)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_filestat_set_times(fd, 1n, 1n, 1 | 2)).toBe(Errno.INVAL);
    expect(h.imp.fd_filestat_set_times(fd, 1n, 1n, 4 | 8)).toBe(Errno.INVAL);
    expect(h.imp.fd_filestat_set_times(fd, 1n, 1n, 1 | 2 | 4)).toBe(Errno.INVAL);
    expect(h.imp.fd_filestat_set_times(fd, 1n, 1n, 0x10 | 1)).toBe(Errno.INVAL);
    const s = filestat(h, fd);
    expect(s.atim).toBe(10n);
    expect(s.mtim).toBe(20n);
    expect(h.imp.fd_filestat_set_times(99, 1n, 1n, 1)).toBe(Errno.BADF);
    // The flags are checked before the fd, as wasmtime and path_filestat_set_times do.
    expect(h.imp.fd_filestat_set_times(99, 1n, 1n, 1 | 2)).toBe(Errno.INVAL);
  });

  it('set_times on a directory fd works', () => {
    const { h } = setup();
    const d = openOk(h, 'dir', { oflags: 2, base: RDONLY });
    expect(h.imp.fd_filestat_set_times(d, 111n, 222n, 1 | 4)).toBe(Errno.SUCCESS);
    const s = filestat(h, d);
    expect(s.atim).toBe(111n);
    expect(s.mtim).toBe(222n);
  });

  it('BADF for a bad fd, FAULT for a bad pointer, nothing written', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    new Uint8Array(h.memory.buffer).fill(0xcc, 0x8000);
    const before = snapshot(h);
    expect(h.imp.fd_filestat_get(1234, 0x8000)).toBe(Errno.BADF);
    expect(h.imp.fd_filestat_get(fd, h.memory.buffer.byteLength - 63)).toBe(Errno.FAULT);
    expect(h.imp.fd_filestat_get(fd, 0xfffffff0)).toBe(Errno.FAULT);
    expectUnchanged(before, snapshot(h));
    expect(h.imp.fd_filestat_get(fd, h.memory.buffer.byteLength - 64)).toBe(Errno.SUCCESS);
  });
});

describe('fd_close', () => {
  it('closing makes the fd BADF for every call, and the number is reused', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_close(fd)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_close(fd)).toBe(Errno.BADF);
    putChunks(h, ['x']);
    expect(h.imp.fd_write(fd, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_read(fd, IOV, 1, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_seek(fd, 0n, 0, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_fdstat_get(fd, STAT)).toBe(Errno.BADF);
    expect(h.imp.fd_filestat_get(fd, STAT)).toBe(Errno.BADF);
    expect(h.imp.fd_sync(fd)).toBe(Errno.BADF);
    expect(h.imp.fd_datasync(fd)).toBe(Errno.BADF);
    expect(openOk(h, 'a.txt')).toBe(fd);
  });

  it('a preopen can be closed; it is then BADF and no longer a preopen', () => {
    const { h } = setup();
    expect(h.imp.fd_close(PRE)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_fdstat_get(PRE, STAT)).toBe(Errno.BADF);
    expect(h.imp.fd_prestat_get(PRE, OUT)).toBe(Errno.BADF);
    expect(open(h, 'a.txt').errno).toBe(Errno.BADF);
  });

  it('closing stdout makes writes to it BADF', () => {
    const { h } = setup();
    expect(h.imp.fd_close(1)).toBe(Errno.SUCCESS);
    expect(write(h, 1, ['x']).errno).toBe(Errno.BADF);
  });

  it('unknown fds are BADF', () => {
    const { h } = setup();
    for (const fd of [4, 100, 0x7fffffff, -1]) expect(h.imp.fd_close(fd)).toBe(Errno.BADF);
  });
});

describe('fd_filestat_get on stdio', () => {
  it('reports the stream type, size 0 and zero times (as wasmtime)', () => {
    const { h } = setup();
    for (const fd of [0, 1, 2]) {
      const s = filestat(h, fd);
      expect(s.filetype).toBe(fdstat(h, fd).filetype);
      expect(s.size).toBe(0n);
      expect([s.atim, s.mtim, s.ctim]).toEqual([0n, 0n, 0n]);
      expect(s.raw.subarray(17, 24)).toEqual(new Uint8Array(7));
    }
  });
});

describe('fd_sync / fd_datasync', () => {
  it('succeed on files and directories', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_sync(fd)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_datasync(fd)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_sync(PRE)).toBe(Errno.SUCCESS);
  });

  it('on stdio (a stream, holding none of the rights) they and fd_filestat_set_size are EINVAL, as Linux answers for a pipe or terminal', () => {
    const { h } = setup();
    for (const fd of [0, 1, 2]) {
      expect(h.imp.fd_sync(fd), `fd_sync(${fd})`).toBe(Errno.INVAL);
      expect(h.imp.fd_datasync(fd), `fd_datasync(${fd})`).toBe(Errno.INVAL);
      expect(h.imp.fd_filestat_set_size(fd, 0n), `fd_filestat_set_size(${fd})`).toBe(Errno.INVAL);
    }
    // A file without the rights is still NOTCAPABLE: only streams answer before the check.
    const ro = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    expect(h.imp.fd_sync(ro)).toBe(Errno.NOTCAPABLE);
    expect(h.imp.fd_filestat_set_size(ro, 0n)).toBe(Errno.NOTCAPABLE);
  });
});

describe('fd_renumber', () => {
  it('moves a file onto stdout: writes to 1 go to the file, the old number is closed', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'new.txt', { oflags: 1 });
    expect(h.imp.fd_renumber(fd, 1)).toBe(Errno.SUCCESS);
    expect(write(h, 1, ['to file'])).toEqual({ errno: Errno.SUCCESS, n: 7 });
    expect(fs.readText('new.txt')).toBe('to file');
    expect(h.wasi.getStdout().length).toBe(0);
    expect(h.imp.fd_fdstat_get(fd, STAT)).toBe(Errno.BADF);
    expect(fdstat(h, 1).filetype).toBe(4);
  });

  it('moves a file onto a preopen: the preopen is gone', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_renumber(fd, PRE)).toBe(Errno.SUCCESS);
    expect(fdstat(h, PRE).filetype).toBe(4);
    expect(h.imp.fd_prestat_get(PRE, OUT)).toBe(Errno.BADF);
    expect(readv(h, PRE, [5]).text).toBe('hello');
    expect(h.imp.fd_fdstat_get(fd, STAT)).toBe(Errno.BADF);
  });

  it('renumbering an fd to itself succeeds and leaves it open', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(seek(h, fd, 2n, 0).pos).toBe(2n);
    expect(h.imp.fd_renumber(fd, fd)).toBe(Errno.SUCCESS);
    expect(tell(h, fd)).toBe(2n);
    expect(readv(h, fd, [10]).text).toBe('llo');
  });

  it('a closed or unknown target or source is BADF and changes nothing', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    const closed = openOk(h, 'a.txt');
    expect(h.imp.fd_close(closed)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_renumber(fd, closed)).toBe(Errno.BADF);
    expect(h.imp.fd_renumber(fd, 1000)).toBe(Errno.BADF);
    expect(h.imp.fd_renumber(closed, fd)).toBe(Errno.BADF);
    expect(h.imp.fd_renumber(1000, 1)).toBe(Errno.BADF);
    expect(h.imp.fd_renumber(closed, closed)).toBe(Errno.BADF);
    expect(readv(h, fd, [10]).text).toBe('hello');
    expect(h.imp.fd_fdstat_get(closed, STAT)).toBe(Errno.BADF);
    expect(fdstat(h, 1).filetype).not.toBe(4);
  });

  it('the position travels with the descriptor', () => {
    const { h } = setup();
    const a = openOk(h, 'a.txt');
    const b = openOk(h, 'dir/b.txt');
    expect(seek(h, a, 3n, 0).pos).toBe(3n);
    expect(h.imp.fd_renumber(a, b)).toBe(Errno.SUCCESS);
    expect(tell(h, b)).toBe(3n);
    expect(readv(h, b, [10]).text).toBe('lo');
  });
});

describe('fd_prestat_get / fd_prestat_dir_name', () => {
  it('describes each preopen: tag 0, name length in UTF-8 bytes without NUL', () => {
    const h = makeHarness({ preopens: { '/sandbox': new MemFS(), '/dätä': new MemFS(), '.': new MemFS() } });
    const names = ['/sandbox', '/dätä', '.'];
    for (let i = 0; i < names.length; i++) {
      new Uint8Array(h.memory.buffer).fill(0xcc, OUT, OUT + 16);
      expect(h.imp.fd_prestat_get(3 + i, OUT)).toBe(Errno.SUCCESS);
      const len = enc.encode(names[i]).length;
      expect(h.bytes(OUT, 12)).toEqual(new Uint8Array([0, 0, 0, 0, len & 0xff, len >> 8, 0, 0, 0xcc, 0xcc, 0xcc, 0xcc]));
      new Uint8Array(h.memory.buffer).fill(0xcc, DATA, DATA + 64);
      expect(h.imp.fd_prestat_dir_name(3 + i, DATA, len)).toBe(Errno.SUCCESS);
      expect(h.bytes(DATA, len)).toEqual(enc.encode(names[i]));
      expect(h.bytes(DATA + len, 1)[0]).toBe(0xcc); // no NUL
      // A larger buffer gets the same bytes and nothing more.
      new Uint8Array(h.memory.buffer).fill(0xcc, DATA, DATA + 64);
      expect(h.imp.fd_prestat_dir_name(3 + i, DATA, 64)).toBe(Errno.SUCCESS);
      expect(h.bytes(DATA, len)).toEqual(enc.encode(names[i]));
      expect(h.bytes(DATA + len, 64 - len)).toEqual(new Uint8Array(64 - len).fill(0xcc));
    }
    // Past the last preopen: BADF, which ends libc's scan.
    expect(h.imp.fd_prestat_get(6, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_prestat_dir_name(6, DATA, 64)).toBe(Errno.BADF);
  });

  it('a too-small buffer is NAMETOOLONG and nothing is written', () => {
    const { h } = setup();
    new Uint8Array(h.memory.buffer).fill(0xcc);
    const before = snapshot(h);
    expect(h.imp.fd_prestat_dir_name(PRE, DATA, 7)).toBe(Errno.NAMETOOLONG);
    expect(h.imp.fd_prestat_dir_name(PRE, DATA, 0)).toBe(Errno.NAMETOOLONG);
    expectUnchanged(before, snapshot(h));
  });

  it('stdio, opened directories and files are not preopens: prestat BADF, dir_name NOTDIR (wasmtime)', () => {
    const { h } = setup();
    const d = openOk(h, 'dir', { oflags: 2, base: RDONLY });
    const f = openOk(h, 'a.txt');
    for (const fd of [0, 1, 2, d, f]) {
      expect(h.imp.fd_prestat_get(fd, OUT)).toBe(Errno.BADF);
      expect(h.imp.fd_prestat_dir_name(fd, DATA, 64)).toBe(Errno.NOTDIR);
    }
    expect(h.imp.fd_prestat_get(99, OUT)).toBe(Errno.BADF);
    expect(h.imp.fd_prestat_dir_name(99, DATA, 64)).toBe(Errno.BADF);
  });

  it('FAULT for out-of-range pointers', () => {
    const { h } = setup();
    const end = h.memory.buffer.byteLength;
    expect(h.imp.fd_prestat_get(PRE, end - 7)).toBe(Errno.FAULT);
    expect(h.imp.fd_prestat_dir_name(PRE, end - 7, 8)).toBe(Errno.FAULT);
    expect(h.imp.fd_prestat_dir_name(PRE, 0xfffffff0, 8)).toBe(Errno.FAULT);
    expect(h.imp.fd_prestat_dir_name(PRE, end - 8, 8)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_prestat_get(PRE, end - 8)).toBe(Errno.SUCCESS);
  });
});

describe('fd_advise / fd_allocate', () => {
  it('fd_advise accepts advice 0-5 on a file and rejects others with INVAL', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    for (let a = 0; a <= 5; a++) expect(h.imp.fd_advise(fd, 0n, 5n, a)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_advise(fd, 100n, 0n, 0)).toBe(Errno.SUCCESS);
    for (const a of [6, 255, 256, -1]) expect(h.imp.fd_advise(fd, 0n, 5n, a)).toBe(Errno.INVAL);
  });

  it('fd_advise: BADF for bad fds and directories, NOTCAPABLE without FD_ADVISE', () => {
    const { h } = setup();
    expect(h.imp.fd_advise(99, 0n, 0n, 0)).toBe(Errno.BADF);
    expect(h.imp.fd_advise(PRE, 0n, 0n, 0)).toBe(Errno.BADF);
    const fd = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    expect(h.imp.fd_advise(fd, 0n, 0n, 0)).toBe(Errno.NOTCAPABLE);
  });

  it('fd_allocate grows a file to offset+len, never shrinks, and keeps the data', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_allocate(fd, 2n, 8n)).toBe(Errno.SUCCESS);
    expect(filestat(h, fd).size).toBe(10n);
    expect(fs.readFile('a.txt')).toEqual(new Uint8Array([...enc.encode('hello'), 0, 0, 0, 0, 0]));
    expect(h.imp.fd_allocate(fd, 0n, 3n)).toBe(Errno.SUCCESS);
    expect(filestat(h, fd).size).toBe(10n);
    expect(tell(h, fd)).toBe(0n);
  });

  it('fd_allocate validation: len 0 INVAL, BADF for bad fds and directories, NOTCAPABLE without the right', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(h.imp.fd_allocate(fd, 0n, 0n)).toBe(Errno.INVAL);
    expect(h.imp.fd_allocate(fd, -1n, 1n)).not.toBe(Errno.SUCCESS); // offset 2^64-1
    expect(h.imp.fd_allocate(99, 0n, 1n)).toBe(Errno.BADF);
    expect(h.imp.fd_allocate(PRE, 0n, 1n)).toBe(Errno.BADF);
    const ro = openOk(h, 'a.txt', { base: BigInt(R.FD_READ) });
    expect(h.imp.fd_allocate(ro, 0n, 1n)).toBe(Errno.NOTCAPABLE);
    expect(filestat(h, fd).size).toBe(5n);
  });

  it('on stdio (a stream, holding neither right) both are ESPIPE, as Linux answers for a pipe, whatever the arguments', () => {
    const { h } = setup();
    for (const fd of [0, 1, 2]) {
      expect(h.imp.fd_advise(fd, 0n, 0n, 0), `fd_advise(${fd})`).toBe(Errno.SPIPE);
      expect(h.imp.fd_advise(fd, -1n, 5n, 99), `fd_advise(${fd}) bad advice`).toBe(Errno.SPIPE);
      expect(h.imp.fd_allocate(fd, 0n, 10n), `fd_allocate(${fd})`).toBe(Errno.SPIPE);
      expect(h.imp.fd_allocate(fd, 0n, 0n), `fd_allocate(${fd}) len 0`).toBe(Errno.SPIPE);
    }
  });
});
