// The guest's side of the imports, shared by the tests that drive a host
// call by call: a fixed memory layout, the ABI constants wasi-libc uses, and
// one small method per import that returns the errno and decodes what was
// written. Each method asserts only what every caller relies on (an out
// pointer left alone on error); tests assert the rest.
import { expect } from 'vitest';
import { Rights } from '../src/abi/constants.js';
import { Errno } from '../src/abi/errno.js';
import { readFilestat, type Filestat, type Harness } from './harness.js';

// Guest memory layout (one 64 KiB page) and ABI constants

export const PATH = 0x100;
export const PATH2 = 0x300;
export const OUT = 0x800;
export const OUT2 = 0x810;
export const STAT = 0x900;
export const IOV = 0xa00;
export const SUB = 0xb00;
export const EVT = 0xc00;
export const BUF = 0x1000;
export const DATA = 0x4000;

export const PRE = 3;
export const ALL = 0x3fffffffn;
export const FOLLOW = 1;
export const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const FDFLAG = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const FST = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
/** What wasi-libc's openat(O_RDONLY) asks for: everything but FD_WRITE and its kin (a directory refuses FD_WRITE). */
export const RDONLY = BigInt.asUintN(64, ~BigInt(Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE));
/** All-ones but FD_WRITE: the most a directory can be opened with. */
export const ALL_BUT_WRITE = BigInt.asUintN(64, ~BigInt(Rights.FD_WRITE));
export const big = (r: number): bigint => BigInt(r);

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export interface OpenOpts {
  oflags?: number;
  base?: bigint;
  inheriting?: bigint;
  fdflags?: number;
  dirfd?: number;
  dirflags?: number;
}

export interface Fdstat {
  filetype: number;
  flags: number;
  base: bigint;
  inheriting: bigint;
}

export interface Dirent {
  next: bigint;
  ino: bigint;
  name: string;
  type: number;
}

/** The guest's side of the calls, one small method per import, with the harness's memory. */
export class Guest {
  constructor(readonly h: Harness) {}

  get imp(): Harness['imp'] {
    return this.h.imp;
  }

  /** Puts a string, or raw bytes (names that are not UTF-8), at `at`; returns the byte length. */
  put(at: number, s: string | Uint8Array): number {
    if (typeof s === 'string') return this.h.putString(at, s);
    new Uint8Array(this.h.memory.buffer).set(s, at);
    return s.byteLength;
  }

  /** path_open; on error, asserts the fd out-pointer was left alone. */
  open(path: string | Uint8Array, o: OpenOpts = {}): { errno: number; fd: number } {
    const len = this.put(PATH, path);
    this.h.view().setUint32(OUT, 0xdeadbeef, true);
    const errno = this.imp.path_open(
      o.dirfd ?? PRE, o.dirflags ?? FOLLOW, PATH, len, o.oflags ?? 0, o.base ?? ALL, o.inheriting ?? ALL, o.fdflags ?? 0, OUT,
    );
    if (errno !== Errno.SUCCESS) expect(this.h.u32(OUT), 'fd_out written on error').toBe(0xdeadbeef);
    return { errno, fd: errno === Errno.SUCCESS ? this.h.u32(OUT) : -1 };
  }

  openErr(path: string, o: OpenOpts = {}): number {
    return this.open(path, o).errno;
  }

  openOk(path: string, o: OpenOpts = {}): number {
    const r = this.open(path, o);
    expect(r.errno, `path_open(${path})`).toBe(Errno.SUCCESS);
    return r.fd;
  }

  /** A directory fd: O_DIRECTORY with every right but FD_WRITE. */
  openDir(path: string, o: OpenOpts = {}): number {
    return this.openOk(path, { oflags: O.DIRECTORY, base: ALL_BUT_WRITE, ...o });
  }

  fdstat(fd: number): Fdstat {
    expect(this.imp.fd_fdstat_get(fd, STAT), `fd_fdstat_get(${fd})`).toBe(Errno.SUCCESS);
    const v = this.h.view();
    return {
      filetype: v.getUint8(STAT),
      flags: v.getUint16(STAT + 2, true),
      base: v.getBigUint64(STAT + 8, true),
      inheriting: v.getBigUint64(STAT + 16, true),
    };
  }


  fstat(fd: number): Filestat {
    expect(this.imp.fd_filestat_get(fd, STAT), `fd_filestat_get(${fd})`).toBe(Errno.SUCCESS);
    return readFilestat(this.h, STAT);
  }

  stat(path: string, follow = true, dirfd = PRE): { errno: number; st: Filestat } {
    const len = this.put(PATH, path);
    new Uint8Array(this.h.memory.buffer).fill(0xcc, STAT, STAT + 64);
    const errno = this.imp.path_filestat_get(dirfd, follow ? FOLLOW : 0, PATH, len, STAT);
    return { errno, st: readFilestat(this.h, STAT) };
  }

  statErr(path: string, follow = true, dirfd = PRE): number {
    return this.stat(path, follow, dirfd).errno;
  }

  statOk(path: string, follow = true, dirfd = PRE): Filestat {
    const r = this.stat(path, follow, dirfd);
    expect(r.errno, `path_filestat_get(${path})`).toBe(Errno.SUCCESS);
    return r.st;
  }

  exists(path: string): boolean {
    return this.statErr(path, false) === Errno.SUCCESS;
  }

  write(fd: number, s: string): { errno: number; n: number } {
    const n = this.put(DATA, s);
    this.h.putIovecs(IOV, [[DATA, n]]);
    this.h.view().setUint32(OUT, 0xdeadbeef, true);
    const errno = this.imp.fd_write(fd, IOV, 1, OUT);
    return { errno, n: this.h.u32(OUT) };
  }

  pwrite(fd: number, s: string, offset: bigint): { errno: number; n: number } {
    const n = this.put(DATA, s);
    this.h.putIovecs(IOV, [[DATA, n]]);
    this.h.view().setUint32(OUT, 0xdeadbeef, true);
    const errno = this.imp.fd_pwrite(fd, IOV, 1, offset, OUT);
    return { errno, n: this.h.u32(OUT) };
  }

  read(fd: number, max = 4096): { errno: number; text: string } {
    this.h.putIovecs(IOV, [[DATA, max]]);
    const errno = this.imp.fd_read(fd, IOV, 1, OUT);
    return { errno, text: errno === Errno.SUCCESS ? dec.decode(this.h.bytes(DATA, this.h.u32(OUT))) : '' };
  }

  pread(fd: number, offset: bigint, max = 4096): { errno: number; text: string } {
    this.h.putIovecs(IOV, [[DATA, max]]);
    const errno = this.imp.fd_pread(fd, IOV, 1, offset, OUT);
    return { errno, text: errno === Errno.SUCCESS ? dec.decode(this.h.bytes(DATA, this.h.u32(OUT))) : '' };
  }

  /** The whole content of a file, read through a fresh read-only descriptor. */
  text(path: string): string {
    const fd = this.openOk(path, { base: big(Rights.FD_READ) });
    const r = this.read(fd, 0x8000);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(this.imp.fd_close(fd)).toBe(Errno.SUCCESS);
    return r.text;
  }

  seek(fd: number, offset: bigint, whence: number): { errno: number; pos: bigint } {
    this.h.view().setBigUint64(OUT, 0xdeadbeefn, true);
    const errno = this.imp.fd_seek(fd, offset, whence, OUT);
    return { errno, pos: this.h.u64(OUT) };
  }

  tell(fd: number): { errno: number; pos: bigint } {
    this.h.view().setBigUint64(OUT, 0xdeadbeefn, true);
    const errno = this.imp.fd_tell(fd, OUT);
    return { errno, pos: this.h.u64(OUT) };
  }

  private path1(name: string, path: string, dirfd: number): number {
    const len = this.put(PATH, path);
    return this.imp[name](dirfd, PATH, len);
  }

  mkdir(path: string, dirfd = PRE): number {
    return this.path1('path_create_directory', path, dirfd);
  }

  rmdir(path: string, dirfd = PRE): number {
    return this.path1('path_remove_directory', path, dirfd);
  }

  unlink(path: string, dirfd = PRE): number {
    return this.path1('path_unlink_file', path, dirfd);
  }

  rename(from: string, to: string, fromFd = PRE, toFd = PRE): number {
    const l1 = this.put(PATH, from);
    const l2 = this.put(PATH2, to);
    return this.imp.path_rename(fromFd, PATH, l1, toFd, PATH2, l2);
  }

  link(from: string, to: string, follow = false, fromFd = PRE, toFd = PRE): number {
    const l1 = this.put(PATH, from);
    const l2 = this.put(PATH2, to);
    return this.imp.path_link(fromFd, follow ? FOLLOW : 0, PATH, l1, toFd, PATH2, l2);
  }

  symlink(target: string, path: string, dirfd = PRE): number {
    const l1 = this.put(PATH, target);
    const l2 = this.put(PATH2, path);
    return this.imp.path_symlink(PATH, l1, dirfd, PATH2, l2);
  }

  readlink(path: string, bufLen = 256, dirfd = PRE): { errno: number; used: number; text: string; after: Uint8Array } {
    const len = this.put(PATH, path);
    new Uint8Array(this.h.memory.buffer).fill(0xcc, BUF, BUF + 512);
    this.h.view().setUint32(OUT, 0xdeadbeef, true);
    const errno = this.imp.path_readlink(dirfd, PATH, len, BUF, bufLen, OUT);
    const used = this.h.u32(OUT);
    return {
      errno,
      used,
      text: errno === Errno.SUCCESS ? dec.decode(this.h.bytes(BUF, used)) : '',
      after: errno === Errno.SUCCESS ? this.h.bytes(BUF + used, 4) : new Uint8Array(0),
    };
  }

  setTimes(path: string, atim: bigint, mtim: bigint, flags: number, follow = true, dirfd = PRE): number {
    const len = this.put(PATH, path);
    return this.imp.path_filestat_set_times(dirfd, follow ? FOLLOW : 0, PATH, len, atim, mtim, flags);
  }

  fsetTimes(fd: number, atim: bigint, mtim: bigint, flags: number): number {
    return this.imp.fd_filestat_set_times(fd, atim, mtim, flags);
  }

  /** One fd_readdir call: the complete entries in the buffer and bufused. */
  readdirOnce(fd: number, bufLen: number, cookie: bigint): { errno: number; used: number; entries: Dirent[] } {
    const errno = this.imp.fd_readdir(fd, BUF, bufLen, cookie, OUT);
    if (errno !== Errno.SUCCESS) return { errno, used: 0, entries: [] };
    const used = this.h.u32(OUT);
    const v = this.h.view();
    const entries: Dirent[] = [];
    for (let at = 0; at + 24 <= used;) {
      const namlen = v.getUint32(BUF + at + 16, true);
      if (at + 24 + namlen > used) break;
      entries.push({
        next: v.getBigUint64(BUF + at, true),
        ino: v.getBigUint64(BUF + at + 8, true),
        type: v.getUint8(BUF + at + 20),
        name: dec.decode(this.h.bytes(BUF + at + 24, namlen)),
      });
      at += 24 + namlen;
    }
    return { errno, used, entries };
  }

  /**
   * The whole listing as wasi-libc's readdir gets it: a full buffer means
   * "more to come", and it resumes from the last complete entry's d_next.
   */
  readdirAll(fd: number, bufLen = 4096, cookie = 0n): Dirent[] {
    const out: Dirent[] = [];
    for (let calls = 0; ; calls++) {
      expect(calls).toBeLessThan(100_000);
      const r = this.readdirOnce(fd, bufLen, cookie);
      expect(r.errno, 'fd_readdir').toBe(Errno.SUCCESS);
      out.push(...r.entries);
      if (r.used < bufLen) return out;
      expect(r.entries.length, 'a full buffer holds at least one complete entry').toBeGreaterThan(0);
      cookie = r.entries[r.entries.length - 1].next;
    }
  }
}
