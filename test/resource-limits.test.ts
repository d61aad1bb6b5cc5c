// Resource limits a guest cannot get past: descriptors (maxOpenFiles, EMFILE)
// and bytes in an in-memory filesystem (MemFS maxBytes, ENOSPC), all driven
// through the imports.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { Volume } from 'memfs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS } from '../src/vfs/memfs.js';
import { NodeFS } from '../src/vfs/node.js';
import { makeHarness, type Harness } from './harness.js';

const PATH = 0x100;
const OUT = 0x800;
const IOV = 0x900;
const DATA = 0x1000;
const ALL = 0x3fffffffn;
const O_CREAT = 1;
const O_DIRECTORY = 2;
const O_TRUNC = 8;
const DIR_RIGHTS = ALL & ~0x400140n; // no FD_WRITE, FD_ALLOCATE, FD_FILESTAT_SET_SIZE: a directory can be opened with it

function open(h: Harness, path: string, oflags = 0, rights = ALL, dirfd = 3): { errno: number; fd: number } {
  const len = h.putString(PATH, path);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = h.imp.path_open(dirfd, 1, PATH, len, oflags, rights, rights, 0, OUT);
  return { errno, fd: errno === Errno.SUCCESS ? h.u32(OUT) : -1 };
}

function openOk(h: Harness, path: string, oflags = 0, rights = ALL): number {
  const r = open(h, path, oflags, rights);
  expect(r.errno, `path_open(${path})`).toBe(Errno.SUCCESS);
  return r.fd;
}

/** fd_write of `n` bytes (value `fill`) in the given iovec split; returns [errno, nwritten]. */
function write(h: Harness, fd: number, sizes: number[], fill = 0x41): [number, number] {
  let at = DATA;
  const iovs: [number, number][] = [];
  for (const n of sizes) {
    new Uint8Array(h.memory.buffer).fill(fill, at, at + n);
    iovs.push([at, n]);
    at += n;
  }
  h.putIovecs(IOV, iovs);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const e = h.imp.fd_write(fd, IOV, iovs.length, OUT);
  return [e, e === Errno.SUCCESS ? h.u32(OUT) : -1];
}

function sizeOf(h: Harness, fd: number): bigint {
  expect(h.imp.fd_filestat_get(fd, 0x400)).toBe(Errno.SUCCESS);
  return h.u64(0x400 + 32);
}

// ---------------------------------------------------------------------------

describe('maxOpenFiles (EMFILE)', () => {
  it('opens until EMFILE; closing one allows exactly one more, at the freed number', () => {
    const h = makeHarness({ maxOpenFiles: 8, preopens: { '/sandbox': new MemFS({ 'a.txt': 'a', 'dir/': null }) } });
    // stdio and the preopen hold 0-3: four more fit.
    const fds = [openOk(h, 'a.txt'), openOk(h, 'dir', O_DIRECTORY, DIR_RIGHTS), openOk(h, 'a.txt'), openOk(h, 'a.txt')];
    expect(fds).toEqual([4, 5, 6, 7]);
    const over = open(h, 'a.txt');
    expect(over.errno).toBe(Errno.MFILE);
    expect(h.u32(OUT), 'fd_out untouched on EMFILE').toBe(0xdeadbeef);
    // Directories and created files count the same.
    expect(open(h, 'dir', O_DIRECTORY, DIR_RIGHTS).errno).toBe(Errno.MFILE);
    expect(open(h, 'new.txt', O_CREAT).errno).toBe(Errno.MFILE);

    expect(h.imp.fd_close(5)).toBe(Errno.SUCCESS);
    expect(openOk(h, 'a.txt')).toBe(5);
    expect(open(h, 'a.txt').errno).toBe(Errno.MFILE);
  });

  it('fd_renumber onto an open descriptor frees one slot', () => {
    const h = makeHarness({ maxOpenFiles: 6, preopens: { '/sandbox': new MemFS({ 'a.txt': 'a' }) } });
    expect([openOk(h, 'a.txt'), openOk(h, 'a.txt')]).toEqual([4, 5]);
    expect(open(h, 'a.txt').errno).toBe(Errno.MFILE);
    expect(h.imp.fd_renumber(5, 4)).toBe(Errno.SUCCESS);
    expect(openOk(h, 'a.txt')).toBe(5);
    expect(open(h, 'a.txt').errno).toBe(Errno.MFILE);
  });

  it('a path_open refused with EMFILE leaves no host file open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-limits-'));
    try {
      writeFileSync(join(dir, 'a.txt'), 'a');
      const h = makeHarness({ maxOpenFiles: 5, preopens: { '/host': new NodeFS(dir) } });
      expect(openOk(h, 'a.txt')).toBe(4);
      const hostFds = (): number => readdirSync('/proc/self/fd').length;
      const before = existsSync('/proc/self/fd') ? hostFds() : 0;
      for (let i = 0; i < 50; i++) expect(open(h, 'a.txt').errno).toBe(Errno.MFILE);
      if (existsSync('/proc/self/fd')) expect(hostFds()).toBe(before);
      expect(h.imp.fd_close(4)).toBe(Errno.SUCCESS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('numbers and the limit follow a model under random open/close/renumber (property)', () => {
    type Step = { op: 'open' } | { op: 'close'; i: number } | { op: 'renumber'; i: number; j: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ op: 'open' as const }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('close' as const), i: fc.nat(20) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('renumber' as const), i: fc.nat(20), j: fc.nat(20) }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 12 }), fc.array(step, { maxLength: 40 }), (limit, steps) => {
        const h = makeHarness({ maxOpenFiles: limit, preopens: { '/sandbox': new MemFS({ 'a.txt': 'a' }) } });
        const open_ = new Set([0, 1, 2, 3]);
        for (const s of steps) {
          if (s.op === 'open') {
            const r = open(h, 'a.txt');
            if (open_.size >= limit) {
              expect(r.errno).toBe(Errno.MFILE);
            } else {
              let lowest = 0;
              while (open_.has(lowest)) lowest++;
              expect(r).toEqual({ errno: Errno.SUCCESS, fd: lowest });
              open_.add(lowest);
            }
          } else if (s.op === 'close') {
            const fd = 4 + (s.i % 12);
            expect(h.imp.fd_close(fd)).toBe(open_.has(fd) ? Errno.SUCCESS : Errno.BADF);
            open_.delete(fd);
          } else {
            const from = 4 + (s.i % 12);
            const to = 4 + (s.j % 12);
            const ok = open_.has(from) && open_.has(to);
            expect(h.imp.fd_renumber(from, to)).toBe(ok ? Errno.SUCCESS : Errno.BADF);
            if (ok && from !== to) open_.delete(from);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------

describe('MemFS maxBytes (ENOSPC)', () => {
  /**
   * What the quota charges for an entry `depth` components down with a
   * `nameLen`-byte name and an inode of its own (src/vfs/memfs-quota.ts, as
   * measured by scripts/measure-memfs-cost.mjs): 600 + 8 per component +
   * the name, and 800 for the inode.
   */
  const entry = (depth: number, nameLen: number): number => 600 + 8 * depth + nameLen + 800;

  /** A harness over an empty MemFS with a quota; `used` is what the quota counts now. */
  function quotaHarness(maxBytes: number, seed: Record<string, string | null> = {}): { h: Harness; fs: MemFS; used: () => number } {
    const fs = new MemFS(seed, { maxBytes });
    const h = makeHarness({ preopens: { '/sandbox': fs } }, 4);
    return { h, fs, used: () => fs.usedBytes as number };
  }

  it('counts the seed: file bytes, and per entry what memfs holds for it (its name, its depth, its inode)', () => {
    const fs = new MemFS({ 'a.txt': 'hello', 'dir/b': 'xy' }, { maxBytes: 10_000 });
    expect(fs.usedBytes).toBe((entry(1, 5) + 5) + entry(1, 3) + (entry(2, 1) + 2));
    expect(new MemFS({ 'a.txt': 'hello' }).usedBytes).toBeUndefined();
  });

  it('fd_write past the quota is cut short, then ENOSPC; nothing beyond the quota is stored', () => {
    const { h, fs, used } = quotaHarness(3000);
    const fd = openOk(h, 'f', O_CREAT);
    const room = 3000 - used();
    expect(room).toBe(3000 - entry(1, 1));
    const [e1, n1] = write(h, fd, [2000]);
    expect(e1).toBe(Errno.SUCCESS);
    expect(n1).toBe(room);
    expect(write(h, fd, [1])[0]).toBe(Errno.NOSPC);
    expect(h.u32(OUT), 'nwritten untouched on ENOSPC').toBe(0xdeadbeef);
    expect(sizeOf(h, fd)).toBe(BigInt(room));
    // The fd position moved by what was written, so the next write would append.
    expect(h.imp.fd_tell(fd, 0x500)).toBe(Errno.SUCCESS);
    expect(h.u64(0x500)).toBe(BigInt(room));
    expect(fs.readFile('f').byteLength).toBe(room);
    expect(used()).toBe(3000);
    // Overwriting in place needs no new bytes.
    expect(h.imp.fd_seek(fd, 0n, 0, 0x500)).toBe(Errno.SUCCESS);
    expect(write(h, fd, [100], 0x42)).toEqual([Errno.SUCCESS, 100]);
  });

  it('a writev that reaches the quota in a later iovec returns the bytes written so far', () => {
    const { h, used } = quotaHarness(3000);
    const fd = openOk(h, 'f', O_CREAT);
    const room = 3000 - used();
    const [e, n] = write(h, fd, [room, 50, 50]);
    expect(e).toBe(Errno.SUCCESS);
    expect(n).toBe(room);
    expect(sizeOf(h, fd)).toBe(BigInt(room));
  });

  it('fd_pwrite far past the end is ENOSPC at once: the hole counts', () => {
    const { h, used } = quotaHarness(1 << 20);
    const fd = openOk(h, 'f', O_CREAT);
    h.putIovecs(IOV, [[DATA, 1]]);
    expect(h.imp.fd_pwrite(fd, IOV, 1, 1n << 31n, OUT)).toBe(Errno.NOSPC);
    expect(h.imp.fd_pwrite(fd, IOV, 1, 2n ** 32n - 1n, OUT)).toBe(Errno.NOSPC);
    // Past the largest memory file (4 GiB) the size is what is wrong, whatever the quota: EFBIG, nothing charged.
    const before = used();
    expect(h.imp.fd_pwrite(fd, IOV, 1, 1n << 40n, OUT)).toBe(Errno.FBIG);
    expect(h.imp.fd_pwrite(fd, IOV, 1, 2n ** 53n - 2n, OUT)).toBe(Errno.FBIG);
    expect(used()).toBe(before);
    expect(sizeOf(h, fd)).toBe(0n);
  });

  it('fd_filestat_set_size and fd_allocate past the quota are ENOSPC and change nothing', () => {
    const { h, used } = quotaHarness(4096);
    const fd = openOk(h, 'f', O_CREAT);
    const room = 4096 - used();
    expect(h.imp.fd_filestat_set_size(fd, BigInt(room + 1))).toBe(Errno.NOSPC);
    expect(h.imp.fd_filestat_set_size(fd, 1n << 32n)).toBe(Errno.NOSPC);
    expect(h.imp.fd_allocate(fd, 0n, BigInt(room + 1))).toBe(Errno.NOSPC);
    expect(h.imp.fd_allocate(fd, BigInt(room), 1n)).toBe(Errno.NOSPC);
    expect(sizeOf(h, fd)).toBe(0n);
    expect(h.imp.fd_allocate(fd, 0n, BigInt(room))).toBe(Errno.SUCCESS);
    expect(sizeOf(h, fd)).toBe(BigInt(room));
    expect(h.imp.fd_filestat_set_size(fd, BigInt(room + 1))).toBe(Errno.NOSPC);
    // Shrinking frees the bytes again.
    expect(h.imp.fd_filestat_set_size(fd, 10n)).toBe(Errno.SUCCESS);
    expect(h.imp.fd_filestat_set_size(fd, BigInt(room))).toBe(Errno.SUCCESS);
  });

  it('new entries cost bytes: create, mkdir, symlink and link fail with ENOSPC at the limit', () => {
    const { h, used } = quotaHarness(3000, { 'a.txt': 'x' });
    const fd = openOk(h, 'a.txt');
    const [, n] = write(h, fd, [3000]);
    expect(used()).toBe(3000);
    expect(n).toBeGreaterThan(0);
    expect(open(h, 'new.txt', O_CREAT).errno).toBe(Errno.NOSPC);
    const len = h.putString(PATH, 'newdir');
    expect(h.imp.path_create_directory(3, PATH, len)).toBe(Errno.NOSPC);
    const tlen = h.putString(0x300, 'a.txt');
    expect(h.imp.path_symlink(0x300, tlen, 3, PATH, len)).toBe(Errno.NOSPC);
    expect(h.imp.path_link(3, 0, 0x300, tlen, 3, PATH, len)).toBe(Errno.NOSPC);
    expect(open(h, 'newdir').errno).toBe(Errno.NOENT);
    // Opening an existing file, even with O_CREAT, costs nothing.
    expect(open(h, 'a.txt', O_CREAT).errno).toBe(Errno.SUCCESS);
  });

  it('unlink, rmdir and O_TRUNC give the space back; an unlinked file still open keeps it until closed', () => {
    const { h, used } = quotaHarness(8192);
    const fd = openOk(h, 'big', O_CREAT);
    write(h, fd, [8000]);
    expect(write(h, fd, [1])[0]).toBe(Errno.NOSPC);
    const len = h.putString(PATH, 'big');
    expect(h.imp.path_unlink_file(3, PATH, len)).toBe(Errno.SUCCESS);
    // Still open: its bytes are still held.
    expect(open(h, 'other', O_CREAT).errno).toBe(Errno.NOSPC);
    expect(h.imp.fd_close(fd)).toBe(Errno.SUCCESS);
    expect(used()).toBe(0);
    const fd2 = openOk(h, 'other', O_CREAT);
    write(h, fd2, [8000]);
    expect(write(h, fd2, [1])[0]).toBe(Errno.NOSPC);
    // O_TRUNC on a second descriptor frees the data (fd2's position stays where it was: rewind it).
    expect(open(h, 'other', O_TRUNC).errno).toBe(Errno.SUCCESS);
    expect(h.imp.fd_seek(fd2, 0n, 0, 0x500)).toBe(Errno.SUCCESS);
    expect(write(h, fd2, [3000])).toEqual([Errno.SUCCESS, 3000]);
    const dlen = h.putString(PATH, 'd');
    expect(h.imp.path_create_directory(3, PATH, dlen)).toBe(Errno.SUCCESS);
    const before = used();
    expect(h.imp.path_remove_directory(3, PATH, dlen)).toBe(Errno.SUCCESS);
    expect(used()).toBe(before - entry(1, 1));
  });

  it('a runaway writer stops at the quota (property: any write pattern)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 5000 }), fc.nat(30_000)), { minLength: 1, maxLength: 30 }),
        (maxBytes, ops) => {
          const fs = new MemFS({}, { maxBytes });
          const h = makeHarness({ preopens: { '/sandbox': fs } }, 2);
          const names = ['a', 'b', 'c'];
          for (const [which, n, at] of ops) {
            const r = open(h, names[which % 3], O_CREAT);
            if (r.errno !== Errno.SUCCESS) {
              expect(r.errno).toBe(Errno.NOSPC);
              continue;
            }
            h.putIovecs(IOV, [[DATA, n]]);
            const e = which === 3 ? h.imp.fd_filestat_set_size(r.fd, BigInt(at)) : h.imp.fd_pwrite(r.fd, IOV, 1, BigInt(at), OUT);
            expect([Errno.SUCCESS, Errno.NOSPC]).toContain(e);
            h.imp.fd_close(r.fd);
            // What is stored never exceeds the quota, counted from scratch.
            const stored = Object.values(fs.toJSON()).reduce((s, v) => s + (v === null ? 0 : new TextEncoder().encode(v).byteLength), 0);
            expect(stored).toBeLessThanOrEqual(maxBytes);
            expect(fs.usedBytes).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is shared by every MemFS on one Volume and counts all of it', () => {
    const vol = Volume.fromJSON({ '/outside/x': 'x'.repeat(500), '/sandbox/': null } as Record<string, string | null>);
    const fs = new MemFS(vol, { root: '/sandbox', maxBytes: 8000 });
    const h = makeHarness({ preopens: { '/sandbox': fs } });
    const fd = openOk(h, 'f', O_CREAT);
    const [, n] = write(h, fd, [3000]);
    // 500 bytes outside, and the entries /outside, /outside/x, /sandbox, /sandbox/f.
    expect(n).toBe(8000 - 500 - entry(1, 7) - entry(2, 1) - entry(1, 7) - entry(2, 1));
    // A second view of the same Volume shares the count.
    const other = new MemFS(vol);
    expect(other.usedBytes).toBe(8000);
    expect(() => other.mkdir('/more')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(fs.readFile('f').byteLength).toBe(n);
  });

  it('bounds the heap: a 4 MiB quota filled with empty files and directories grows memory by less than 8 MiB', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const MAX = 4 << 20;
    const before = heap();
    const fs = new MemFS({}, { maxBytes: MAX });
    const h = makeHarness({ preopens: { '/sandbox': fs } });
    let made = 0;
    for (;; made++) {
      const name = `d${made % 4}/e${made}`;
      if (made < 4) expect(h.imp.path_create_directory(3, PATH, h.putString(PATH, `d${made}`))).toBe(Errno.SUCCESS);
      const r = open(h, name, O_CREAT);
      if (r.errno === Errno.NOSPC) break;
      expect(r.errno).toBe(Errno.SUCCESS);
      expect(h.imp.fd_close(r.fd)).toBe(Errno.SUCCESS);
    }
    const grown = heap() - before;
    // Each file cost about 1.4 KB (scripts/measure-memfs-cost.mjs); 136 bytes were charged before.
    expect(made).toBeGreaterThan(2000);
    expect(grown, `${made} files grew memory by ${(grown / 2 ** 20).toFixed(1)} MiB for a ${MAX >> 20} MiB quota`).toBeLessThan(2 * MAX);
    expect(fs.usedBytes).toBeLessThanOrEqual(MAX);
  });

  it('rejects bad options', () => {
    expect(() => new MemFS({}, { maxBytes: -1 })).toThrow(RangeError);
    expect(() => new MemFS({}, { maxBytes: 1.5 })).toThrow(RangeError);
    expect(() => new MemFS({}, { root: 'relative' })).toThrow(TypeError);
    expect(() => new MemFS({}, { root: '/a/../b' })).toThrow(TypeError);
    expect(() => new MemFS(new Volume(), { root: '/missing' })).toThrow(TypeError);
  });
});

describe('MemFS root', () => {
  let vol: Volume;
  beforeEach(() => {
    vol = Volume.fromJSON({ '/srv/app/in.txt': 'in', '/secret.txt': 'secret' });
  });
  afterEach(() => undefined);

  it('serves a subtree: the guest and the helpers see only it', () => {
    const fs = new MemFS(vol, { root: '/srv/app' });
    const h = makeHarness({ preopens: { '/': fs } });
    expect(fs.readText('in.txt')).toBe('in');
    expect(fs.toJSON()).toEqual({ 'in.txt': 'in' });
    const fd = openOk(h, 'out.txt', O_CREAT);
    write(h, fd, [3]);
    expect(String(vol.readFileSync('/srv/app/out.txt', 'utf8'))).toBe('AAA');
    expect(open(h, '../secret.txt').errno).not.toBe(Errno.SUCCESS);
    expect(open(h, 'secret.txt').errno).toBe(Errno.NOENT);
  });

  it('creates seeds inside the root', () => {
    const fs = new MemFS({ 'a/b.txt': 'b' }, { root: '/data' });
    expect(fs.toJSON()).toEqual({ 'a/b.txt': 'b' });
  });
});
