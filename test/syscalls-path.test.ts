// path_* syscalls against a memfs preopen: errnos, sandboxing, exact bytes.
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS } from '../src/vfs/memfs.js';
import { makeHarness, readFilestat, type Filestat, type Harness } from './harness.js';
import { Guest, type OpenOpts } from './guest.js';

const PATH = 0x100;
const PATH2 = 0x300;
const OUT = 0x800;
const STAT = 0x900;
const BUF = 0x1000;
const IOV = 0x1800;
const DATA = 0x2000;

const PRE = 3;

const O = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
const FOLLOW = 1;
const R = {
  FD_DATASYNC: 0x1, FD_READ: 0x2, FD_SEEK: 0x4, FD_WRITE: 0x40, FD_ALLOCATE: 0x100,
  PATH_CREATE_DIRECTORY: 0x200, PATH_CREATE_FILE: 0x400, PATH_OPEN: 0x2000, FD_READDIR: 0x4000,
  PATH_FILESTAT_GET: 0x40000, PATH_UNLINK_FILE: 0x4000000, FD_FILESTAT_SET_SIZE: 0x400000,
} as const;
const ALL = 0x3fffffffn;
const RDONLY = BigInt.asUintN(64, ~BigInt(R.FD_DATASYNC | R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE));

const enc = new TextEncoder();
const dec = new TextDecoder();

function setup(files: Record<string, string | null> = { 'a.txt': 'hello', 'dir/b.txt': 'bee', 'dir/sub/c.txt': 'sea', 'empty/': null }): { h: Harness; fs: MemFS } {
  const fs = new MemFS(files);
  return { h: makeHarness({ preopens: { '/sandbox': fs } }), fs };
}

/** Puts a path (string or raw bytes) at `at`; returns its byte length. */
function put(h: Harness, at: number, p: string | Uint8Array): number {
  if (typeof p === 'string') return h.putString(at, p);
  new Uint8Array(h.memory.buffer).set(p, at);
  return p.length;
}

/** path_open through the shared driver (test/guest.ts). */
function open(h: Harness, path: string | Uint8Array, o: OpenOpts = {}): { errno: number; fd: number } {
  return new Guest(h).open(path, o);
}

const openErr = (h: Harness, path: string | Uint8Array, o: OpenOpts = {}): number => open(h, path, o).errno;

function openOk(h: Harness, path: string, o: OpenOpts = {}): number {
  const r = open(h, path, o);
  expect(r.errno, `path_open(${path})`).toBe(Errno.SUCCESS);
  return r.fd;
}

function stat(h: Harness, path: string | Uint8Array, follow = true, dirfd = PRE): { errno: number; st: Filestat } {
  const len = put(h, PATH, path);
  new Uint8Array(h.memory.buffer).fill(0xcc, STAT, STAT + 64);
  const errno = h.imp.path_filestat_get(dirfd, follow ? FOLLOW : 0, PATH, len, STAT);
  return { errno, st: readFilestat(h, STAT) };
}

function statOk(h: Harness, path: string, follow = true, dirfd = PRE): Filestat {
  const r = stat(h, path, follow, dirfd);
  expect(r.errno, `path_filestat_get(${path})`).toBe(Errno.SUCCESS);
  return r.st;
}

function fdStat(h: Harness, fd: number): Filestat {
  expect(h.imp.fd_filestat_get(fd, STAT)).toBe(Errno.SUCCESS);
  return readFilestat(h, STAT);
}

function fdFiletype(h: Harness, fd: number): number {
  expect(h.imp.fd_fdstat_get(fd, STAT)).toBe(Errno.SUCCESS);
  return h.view().getUint8(STAT);
}

function call1(h: Harness, name: string, path: string | Uint8Array, dirfd = PRE): number {
  const len = put(h, PATH, path);
  return h.imp[name](dirfd, PATH, len);
}

const mkdir = (h: Harness, p: string | Uint8Array, dirfd = PRE): number => call1(h, 'path_create_directory', p, dirfd);
const rmdir = (h: Harness, p: string | Uint8Array, dirfd = PRE): number => call1(h, 'path_remove_directory', p, dirfd);
const unlink = (h: Harness, p: string | Uint8Array, dirfd = PRE): number => call1(h, 'path_unlink_file', p, dirfd);

function rename(h: Harness, from: string, to: string, fromFd = PRE, toFd = PRE): number {
  const l1 = put(h, PATH, from);
  const l2 = put(h, PATH2, to);
  return h.imp.path_rename(fromFd, PATH, l1, toFd, PATH2, l2);
}

function link(h: Harness, from: string, to: string, follow = false): number {
  const l1 = put(h, PATH, from);
  const l2 = put(h, PATH2, to);
  return h.imp.path_link(PRE, follow ? FOLLOW : 0, PATH, l1, PRE, PATH2, l2);
}

function symlink(h: Harness, target: string | Uint8Array, path: string, dirfd = PRE): number {
  const l1 = put(h, PATH, target);
  const l2 = put(h, PATH2, path);
  return h.imp.path_symlink(PATH, l1, dirfd, PATH2, l2);
}

function readlink(h: Harness, path: string, bufLen = 256): { errno: number; used: number; text: string } {
  const len = put(h, PATH, path);
  new Uint8Array(h.memory.buffer).fill(0xcc, BUF, BUF + 300);
  h.view().setUint32(OUT, 0xdeadbeef, true);
  const errno = h.imp.path_readlink(PRE, PATH, len, BUF, bufLen, OUT);
  const used = h.u32(OUT);
  return { errno, used, text: errno === Errno.SUCCESS ? dec.decode(h.bytes(BUF, used)) : '' };
}

function readAll(h: Harness, fd: number): string {
  h.putIovecs(IOV, [[DATA, 4096]]);
  expect(h.imp.fd_read(fd, IOV, 1, OUT)).toBe(Errno.SUCCESS);
  return dec.decode(h.bytes(DATA, h.u32(OUT)));
}

function writeStr(h: Harness, fd: number, s: string): number {
  const n = h.putString(DATA, s);
  h.putIovecs(IOV, [[DATA, n]]);
  return h.imp.fd_write(fd, IOV, 1, OUT);
}

describe('path_open', () => {
  it('opens an existing file for reading', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(fd).toBeGreaterThan(PRE);
    expect(readAll(h, fd)).toBe('hello');
    expect(readAll(h, openOk(h, 'dir/sub/c.txt'))).toBe('sea');
    expect(readAll(h, openOk(h, './dir//b.txt'))).toBe('bee');
    expect(readAll(h, openOk(h, 'dir/../a.txt'))).toBe('hello');
  });

  it('CREAT makes a new empty file and opens an existing one untouched', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'new.txt', { oflags: O.CREAT });
    expect(fdStat(h, fd).size).toBe(0n);
    expect(fdStat(h, fd).filetype).toBe(4);
    expect(fs.readText('new.txt')).toBe('');
    const again = openOk(h, 'a.txt', { oflags: O.CREAT });
    expect(readAll(h, again)).toBe('hello');
    // Names are UTF-8.
    openOk(h, 'dir/ünï©ødé.txt', { oflags: O.CREAT });
    expect(fs.readText('dir/ünï©ødé.txt')).toBe('');
  });

  it('CREAT|EXCL on an existing file is EXIST, on a new one creates it', () => {
    const { h, fs } = setup();
    expect(openErr(h, 'a.txt', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
    expect(openErr(h, 'dir', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
    expect(fs.readText('a.txt')).toBe('hello');
    openOk(h, 'x.txt', { oflags: O.CREAT | O.EXCL });
    expect(openErr(h, 'x.txt', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
  });

  it('CREAT|EXCL on a dangling symlink is EXIST and creates nothing', () => {
    const { h, fs } = setup();
    expect(symlink(h, 'nowhere', 'dangling')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'dangling', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
    expect(stat(h, 'nowhere').errno).toBe(Errno.NOENT);
    expect(Object.keys(fs.toJSON())).not.toContain('nowhere');
  });

  it('DIRECTORY on a file is NOTDIR; on a directory gives a directory fd', () => {
    const { h } = setup();
    expect(openErr(h, 'a.txt', { oflags: O.DIRECTORY, base: RDONLY })).toBe(Errno.NOTDIR);
    const d = openOk(h, 'dir', { oflags: O.DIRECTORY, base: RDONLY });
    expect(fdFiletype(h, d)).toBe(3);
    // The new fd works as a base for more lookups.
    expect(readAll(h, openOk(h, 'b.txt', { dirfd: d }))).toBe('bee');
    // A directory without O_DIRECTORY opens as a directory too.
    expect(fdFiletype(h, openOk(h, 'empty', { base: RDONLY }))).toBe(3);
    // "." and "dir/.." are the start directory.
    expect(fdFiletype(h, openOk(h, '.', { oflags: O.DIRECTORY, base: RDONLY }))).toBe(3);
    expect(fdFiletype(h, openOk(h, 'dir/..', { oflags: O.DIRECTORY, base: RDONLY }))).toBe(3);
  });

  it('a directory asked for with write rights is ISDIR', () => {
    const { h } = setup();
    expect(openErr(h, 'dir', { base: BigInt(R.FD_WRITE) })).toBe(Errno.ISDIR);
    expect(openErr(h, 'dir', { oflags: O.DIRECTORY, base: ALL })).toBe(Errno.ISDIR);
    expect(openErr(h, '.', { oflags: O.DIRECTORY, base: BigInt(R.FD_WRITE | R.FD_READ) })).toBe(Errno.ISDIR);
  });

  it('TRUNC empties an existing file', () => {
    const { h, fs } = setup();
    const fd = openOk(h, 'a.txt', { oflags: O.TRUNC });
    expect(fdStat(h, fd).size).toBe(0n);
    expect(fs.readText('a.txt')).toBe('');
    expect(writeStr(h, fd, 'xy')).toBe(Errno.SUCCESS);
    expect(fs.readText('a.txt')).toBe('xy');
    openOk(h, 'a.txt', { oflags: O.CREAT | O.TRUNC });
    expect(fs.readText('a.txt')).toBe('');
  });

  it('a missing file is NOENT, a missing parent NOENT even with CREAT', () => {
    const { h, fs } = setup();
    expect(openErr(h, 'missing.txt')).toBe(Errno.NOENT);
    expect(openErr(h, 'nope/x.txt')).toBe(Errno.NOENT);
    expect(openErr(h, 'nope/x.txt', { oflags: O.CREAT })).toBe(Errno.NOENT);
    expect(openErr(h, 'dir/nope/x.txt', { oflags: O.CREAT })).toBe(Errno.NOENT);
    expect(Object.keys(fs.toJSON()).some((k) => k.includes('nope'))).toBe(false);
  });

  it('a parent that is a file is NOTDIR', () => {
    const { h } = setup();
    expect(openErr(h, 'a.txt/x')).toBe(Errno.NOTDIR);
    expect(openErr(h, 'a.txt/x', { oflags: O.CREAT })).toBe(Errno.NOTDIR);
    expect(openErr(h, 'dir/b.txt/c/d')).toBe(Errno.NOTDIR);
  });

  it('a trailing slash on a file is NOTDIR', () => {
    const { h } = setup();
    expect(openErr(h, 'a.txt/')).toBe(Errno.NOTDIR);
    expect(openErr(h, 'a.txt/.')).toBe(Errno.NOTDIR);
    expect(openErr(h, 'dir/b.txt/')).toBe(Errno.NOTDIR);
    // With O_CREAT the slash decides before the name is looked at: EISDIR (Linux, wasmtime).
    expect(openErr(h, 'a.txt/', { oflags: O.CREAT })).toBe(Errno.ISDIR);
    // On a directory it is fine.
    expect(fdFiletype(h, openOk(h, 'dir/', { base: RDONLY }))).toBe(3);
  });

  it('an empty path is NOENT', () => {
    const { h } = setup();
    expect(openErr(h, '')).toBe(Errno.NOENT);
    expect(openErr(h, '', { oflags: O.CREAT })).toBe(Errno.NOENT);
  });

  it('an absolute path is PERM (as wasmtime)', () => {
    const { h } = setup();
    for (const p of ['/', '/a.txt', '/sandbox/a.txt', '//a.txt', '/etc/passwd']) {
      expect(openErr(h, p), p).toBe(Errno.PERM);
    }
    expect(openErr(h, '/new.txt', { oflags: O.CREAT })).toBe(Errno.PERM);
  });

  it('.. past the preopen is PERM (as wasmtime), however it is spelled', () => {
    const { h } = setup();
    for (const p of ['..', '../', '../a.txt', '../sandbox/a.txt', 'dir/../..', 'dir/../../sandbox/a.txt',
      'dir/sub/../../..', './..', 'empty/../../x', 'dir/sub/../../../sandbox']) {
      expect(openErr(h, p, { base: RDONLY }), p).toBe(Errno.PERM);
    }
    expect(openErr(h, '../new.txt', { oflags: O.CREAT })).toBe(Errno.PERM);
    // Relative to an opened subdirectory, climbing to the preopen root is still within the sandbox
    // in POSIX terms, but the fd only grants what is beneath it.
    const d = openOk(h, 'dir', { oflags: O.DIRECTORY, base: RDONLY });
    expect(openErr(h, '../a.txt', { dirfd: d })).toBe(Errno.PERM);
    expect(openErr(h, 'sub/../../a.txt', { dirfd: d })).toBe(Errno.PERM);
    expect(readAll(h, openOk(h, 'sub/../b.txt', { dirfd: d }))).toBe('bee');
  });

  it('a NUL byte in the path is INVAL', () => {
    const { h, fs } = setup();
    expect(openErr(h, new Uint8Array([0x61, 0x00, 0x62]))).toBe(Errno.INVAL);
    expect(openErr(h, enc.encode('a.txt\0'))).toBe(Errno.INVAL);
    expect(openErr(h, enc.encode('n\0ew.txt'), { oflags: O.CREAT })).toBe(Errno.INVAL);
    expect(Object.keys(fs.toJSON()).some((k) => k.startsWith('n'))).toBe(false);
  });

  it('invalid UTF-8 is ILSEQ', () => {
    const { h } = setup();
    for (const bytes of [[0xff], [0x61, 0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80, 0x61]]) {
      expect(openErr(h, new Uint8Array(bytes), { oflags: O.CREAT }), bytes.join(',')).toBe(Errno.ILSEQ);
    }
  });

  it('bad dirfd is BADF; a file as dirfd is NOTDIR; stdio as dirfd is NOTDIR', () => {
    const { h } = setup();
    expect(openErr(h, 'a.txt', { dirfd: 99 })).toBe(Errno.BADF);
    const f = openOk(h, 'a.txt');
    expect([Errno.NOTDIR, Errno.NOTCAPABLE]).toContain(openErr(h, 'x', { dirfd: f }));
    expect([Errno.NOTDIR, Errno.NOTCAPABLE]).toContain(openErr(h, 'x', { dirfd: 1 }));
  });

  it('DIRECTORY|CREAT on a new name is INVAL and creates nothing', () => {
    const { h } = setup();
    expect(openErr(h, 'newdir', { oflags: O.DIRECTORY | O.CREAT, base: RDONLY })).toBe(Errno.INVAL);
    expect(stat(h, 'newdir').errno).toBe(Errno.NOENT);
  });

  it('CREAT without EXCL through a dangling symlink: LOOP without follow, creates the target with it', () => {
    const { h, fs } = setup();
    expect(symlink(h, 'target.txt', 'dangling')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'dangling', { oflags: O.CREAT, dirflags: 0 })).toBe(Errno.LOOP);
    expect(stat(h, 'target.txt').errno).toBe(Errno.NOENT);
    openOk(h, 'dangling', { oflags: O.CREAT });
    expect(fs.readText('target.txt')).toBe('');
  });

  it('unknown oflags or fdflags bits are INVAL', () => {
    const { h } = setup();
    expect(openErr(h, 'a.txt', { oflags: 0x10 })).toBe(Errno.INVAL);
    expect(openErr(h, 'a.txt', { fdflags: 0x20 })).toBe(Errno.INVAL);
  });

  it('needs PATH_OPEN on the directory, and PATH_CREATE_FILE to create', () => {
    const { h } = setup();
    const d = openOk(h, 'dir', { oflags: O.DIRECTORY, base: RDONLY & ~BigInt(R.PATH_CREATE_FILE) });
    expect(openErr(h, 'new.txt', { dirfd: d, oflags: O.CREAT })).toBe(Errno.NOTCAPABLE);
    expect(readAll(h, openOk(h, 'b.txt', { dirfd: d }))).toBe('bee');
    const d2 = openOk(h, 'dir', { oflags: O.DIRECTORY, base: BigInt(R.FD_READDIR) });
    expect(openErr(h, 'b.txt', { dirfd: d2 })).toBe(Errno.NOTCAPABLE);
  });

  it('fd_out out of bounds is FAULT and creates nothing', () => {
    const { h, fs } = setup();
    const len = h.putString(PATH, 'created.txt');
    expect(h.imp.path_open(PRE, FOLLOW, PATH, len, O.CREAT, ALL, ALL, 0, h.memory.buffer.byteLength - 3)).toBe(Errno.FAULT);
    expect(h.imp.path_open(PRE, FOLLOW, PATH, len, O.CREAT, ALL, ALL, 0, 0xfffffff0)).toBe(Errno.FAULT);
    expect(Object.keys(fs.toJSON())).not.toContain('created.txt');
  });
});

describe('path_create_directory / path_remove_directory', () => {
  it('creates a directory; existing names are EXIST', () => {
    const { h } = setup();
    expect(mkdir(h, 'newdir')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'newdir').filetype).toBe(3);
    expect(mkdir(h, 'newdir/inner/')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'newdir/inner').filetype).toBe(3);
    expect(mkdir(h, 'newdir')).toBe(Errno.EXIST);
    expect(mkdir(h, 'a.txt')).toBe(Errno.EXIST);
    expect(mkdir(h, '.')).toBe(Errno.EXIST);
  });

  it('mkdir errors: missing parent NOENT, file parent NOTDIR, escapes PERM, empty NOENT', () => {
    const { h } = setup();
    expect(mkdir(h, 'nope/x')).toBe(Errno.NOENT);
    expect(mkdir(h, 'a.txt/x')).toBe(Errno.NOTDIR);
    expect(mkdir(h, '../x')).toBe(Errno.PERM);
    expect(mkdir(h, '/x')).toBe(Errno.PERM);
    expect(mkdir(h, '')).toBe(Errno.NOENT);
    expect(mkdir(h, new Uint8Array([0x78, 0]))).toBe(Errno.INVAL);
    expect(mkdir(h, 'x', 77)).toBe(Errno.BADF);
  });

  it('removes empty directories only', () => {
    const { h } = setup();
    expect(rmdir(h, 'empty')).toBe(Errno.SUCCESS);
    expect(stat(h, 'empty').errno).toBe(Errno.NOENT);
    expect(rmdir(h, 'empty')).toBe(Errno.NOENT);
    expect(rmdir(h, 'dir')).toBe(Errno.NOTEMPTY);
    expect(rmdir(h, 'dir/sub')).toBe(Errno.NOTEMPTY);
    expect(rmdir(h, 'a.txt')).toBe(Errno.NOTDIR);
    expect(rmdir(h, 'a.txt/')).toBe(Errno.NOTDIR);
    expect(rmdir(h, '../sandbox')).toBe(Errno.PERM);
    expect(statOk(h, 'dir/b.txt').filetype).toBe(4);
  });

  it('rmdir with a trailing slash works on a directory; a symlink to a directory is NOTDIR', () => {
    const { h } = setup();
    expect(mkdir(h, 'd2')).toBe(Errno.SUCCESS);
    expect(rmdir(h, 'd2/')).toBe(Errno.SUCCESS);
    expect(mkdir(h, 'd3')).toBe(Errno.SUCCESS);
    expect(symlink(h, 'd3', 'd3link')).toBe(Errno.SUCCESS);
    expect(rmdir(h, 'd3link')).toBe(Errno.NOTDIR);
    expect(statOk(h, 'd3').filetype).toBe(3);
  });
});

describe('path_unlink_file', () => {
  it('unlinks files; directories are ISDIR; missing is NOENT; trailing slash on a file NOTDIR', () => {
    const { h } = setup();
    expect(unlink(h, 'a.txt/')).toBe(Errno.NOTDIR);
    expect(unlink(h, 'a.txt')).toBe(Errno.SUCCESS);
    expect(stat(h, 'a.txt').errno).toBe(Errno.NOENT);
    expect(unlink(h, 'a.txt')).toBe(Errno.NOENT);
    expect(unlink(h, 'dir')).toBe(Errno.ISDIR);
    expect(unlink(h, 'empty/')).toBe(Errno.ISDIR);
    expect(unlink(h, '../sandbox/dir/b.txt')).toBe(Errno.PERM);
    expect(unlink(h, 'dir/b.txt')).toBe(Errno.SUCCESS);
  });

  it('unlinking a symlink removes the link, not its target', () => {
    const { h } = setup();
    expect(symlink(h, 'a.txt', 'l')).toBe(Errno.SUCCESS);
    expect(unlink(h, 'l')).toBe(Errno.SUCCESS);
    expect(stat(h, 'l', false).errno).toBe(Errno.NOENT);
    expect(statOk(h, 'a.txt').size).toBe(5n);
    // A symlink to a directory is unlinked like a file.
    expect(symlink(h, 'dir', 'dl')).toBe(Errno.SUCCESS);
    expect(unlink(h, 'dl')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'dir').filetype).toBe(3);
  });

  it('an open file stays readable after unlink', () => {
    const { h } = setup();
    const fd = openOk(h, 'a.txt');
    expect(unlink(h, 'a.txt')).toBe(Errno.SUCCESS);
    expect(readAll(h, fd)).toBe('hello');
  });
});

describe('path_rename', () => {
  it('renames a file, replacing an existing file', () => {
    const { h, fs } = setup();
    expect(rename(h, 'a.txt', 'dir/moved.txt')).toBe(Errno.SUCCESS);
    expect(stat(h, 'a.txt').errno).toBe(Errno.NOENT);
    expect(fs.readText('dir/moved.txt')).toBe('hello');
    expect(rename(h, 'dir/moved.txt', 'dir/b.txt')).toBe(Errno.SUCCESS);
    expect(fs.readText('dir/b.txt')).toBe('hello');
    expect(stat(h, 'dir/moved.txt').errno).toBe(Errno.NOENT);
  });

  it('renames across two directory fds', () => {
    const { h, fs } = setup();
    const d = openOk(h, 'dir', { oflags: O.DIRECTORY, base: RDONLY });
    expect(rename(h, 'a.txt', 'sub/a2.txt', PRE, d)).toBe(Errno.SUCCESS);
    expect(fs.readText('dir/sub/a2.txt')).toBe('hello');
  });

  it('a file onto a directory is ISDIR; a directory onto a file is NOTDIR', () => {
    const { h, fs } = setup();
    expect(rename(h, 'a.txt', 'empty')).toBe(Errno.ISDIR);
    expect(rename(h, 'empty', 'a.txt')).toBe(Errno.NOTDIR);
    expect(fs.readText('a.txt')).toBe('hello');
    expect(statOk(h, 'empty').filetype).toBe(3);
  });

  it('a directory onto a non-empty directory is NOTEMPTY and nothing is lost', () => {
    const { h, fs } = setup();
    expect(rename(h, 'empty', 'dir')).toBe(Errno.NOTEMPTY);
    expect(fs.readText('dir/b.txt')).toBe('bee');
    expect(fs.readText('dir/sub/c.txt')).toBe('sea');
    expect(mkdir(h, 'full')).toBe(Errno.SUCCESS);
    expect(rename(h, 'dir/sub', 'full')).toBe(Errno.SUCCESS); // onto an empty dir: allowed
    expect(fs.readText('full/c.txt')).toBe('sea');
  });

  it('a directory into itself is INVAL', () => {
    const { h } = setup();
    expect(rename(h, 'dir', 'dir/sub/inside')).toBe(Errno.INVAL);
    expect(statOk(h, 'dir/sub').filetype).toBe(3);
  });

  it('missing source NOENT, escapes PERM, trailing slash on a file NOTDIR', () => {
    const { h } = setup();
    expect(rename(h, 'missing', 'x')).toBe(Errno.NOENT);
    expect(rename(h, 'a.txt', '../a.txt')).toBe(Errno.PERM);
    expect(rename(h, '../sandbox/a.txt', 'x')).toBe(Errno.PERM);
    expect(rename(h, 'a.txt', '/x')).toBe(Errno.PERM);
    expect(rename(h, 'a.txt/', 'x')).toBe(Errno.NOTDIR);
    expect(rename(h, 'a.txt', 'x/')).toBe(Errno.NOTDIR);
    expect(statOk(h, 'a.txt').size).toBe(5n);
  });

  it('renaming a file onto itself or onto another link of itself keeps it', () => {
    const { h, fs } = setup();
    expect(rename(h, 'a.txt', 'a.txt')).toBe(Errno.SUCCESS);
    expect(fs.readText('a.txt')).toBe('hello');
    expect(link(h, 'a.txt', 'hard')).toBe(Errno.SUCCESS);
    expect(rename(h, 'a.txt', 'hard')).toBe(Errno.SUCCESS);
    expect(fs.readText('hard')).toBe('hello');
  });

  it('renames a symlink itself, not its target', () => {
    const { h, fs } = setup();
    expect(symlink(h, 'a.txt', 'l')).toBe(Errno.SUCCESS);
    const ino = statOk(h, 'l', false).ino;
    expect(rename(h, 'l', 'l2')).toBe(Errno.SUCCESS);
    expect(stat(h, 'l', false).errno).toBe(Errno.NOENT);
    const l2 = statOk(h, 'l2', false);
    expect(l2.filetype).toBe(7);
    expect(l2.ino).toBe(ino);
    expect(readlink(h, 'l2').text).toBe('a.txt');
    expect(fs.readText('a.txt')).toBe('hello');
    // A symlink to a directory, onto an existing file: the file is replaced by the link.
    expect(symlink(h, 'dir', 'dl')).toBe(Errno.SUCCESS);
    expect(rename(h, 'dl', 'dir/b.txt')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'dir/b.txt', false).filetype).toBe(7);
    expect(statOk(h, 'dir').filetype).toBe(3);
    expect(statOk(h, 'dir/sub').filetype).toBe(3);
    // A symlink onto a directory is ISDIR.
    expect(rename(h, 'l2', 'empty')).toBe(Errno.ISDIR);
    expect(statOk(h, 'l2', false).filetype).toBe(7);
  });

  it('renaming a file onto a symlink replaces the link, not its target', () => {
    const { h, fs } = setup();
    expect(symlink(h, 'dir/b.txt', 'l')).toBe(Errno.SUCCESS);
    expect(rename(h, 'a.txt', 'l')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'l', false).filetype).toBe(4);
    expect(fs.readText('l')).toBe('hello');
    expect(fs.readText('dir/b.txt')).toBe('bee');
  });
});

describe('path_link', () => {
  it('makes a hard link: same ino, nlink 2, shared contents', () => {
    const { h, fs } = setup();
    expect(link(h, 'a.txt', 'dir/hard.txt')).toBe(Errno.SUCCESS);
    const a = statOk(h, 'a.txt');
    const b = statOk(h, 'dir/hard.txt');
    expect(b.ino).toBe(a.ino);
    expect(a.nlink).toBe(2n);
    const fd = openOk(h, 'dir/hard.txt');
    expect(writeStr(h, fd, 'J')).toBe(Errno.SUCCESS);
    expect(fs.readText('a.txt')).toBe('Jello');
  });

  it('errors: existing target EXIST, directory source PERM, missing NOENT, escapes PERM', () => {
    const { h } = setup();
    expect(link(h, 'a.txt', 'dir/b.txt')).toBe(Errno.EXIST);
    expect(link(h, 'dir', 'dir2')).toBe(Errno.PERM);
    expect(stat(h, 'dir2').errno).toBe(Errno.NOENT);
    expect(link(h, 'missing', 'x')).toBe(Errno.NOENT);
    expect(link(h, 'a.txt', '../x')).toBe(Errno.PERM);
    expect(link(h, '../sandbox/a.txt', 'x')).toBe(Errno.PERM);
    expect(link(h, 'a.txt', 'nope/x')).toBe(Errno.NOENT);
  });

  it('links the symlink itself without SYMLINK_FOLLOW, its target with it', () => {
    const { h } = setup();
    expect(symlink(h, 'a.txt', 'l')).toBe(Errno.SUCCESS);
    expect(link(h, 'l', 'l-nofollow', false)).toBe(Errno.SUCCESS);
    expect(statOk(h, 'l-nofollow', false).filetype).toBe(7);
    // wasmtime refuses SYMLINK_FOLLOW with INVAL (reference-behaviour.md §6); POSIX linkat follows.
    const followed = link(h, 'l', 'l-follow', true);
    expect([Errno.SUCCESS, Errno.INVAL]).toContain(followed);
    if (followed === Errno.SUCCESS) {
      expect(statOk(h, 'l-follow', false).filetype).toBe(4);
      expect(statOk(h, 'l-follow', false).ino).toBe(statOk(h, 'a.txt').ino);
    }
  });
});

describe('path_symlink / path_readlink', () => {
  it('creates a symlink (target first) and reads it back without a NUL', () => {
    const { h } = setup();
    expect(symlink(h, 'dir/b.txt', 'link')).toBe(Errno.SUCCESS);
    const r = readlink(h, 'link');
    expect(r).toEqual({ errno: Errno.SUCCESS, used: 9, text: 'dir/b.txt' });
    expect(h.bytes(BUF + 9, 1)[0]).toBe(0xcc);
    // Non-ASCII targets: byte lengths.
    expect(symlink(h, 'dïr/ß', 'ulink')).toBe(Errno.SUCCESS);
    expect(readlink(h, 'ulink')).toEqual({ errno: Errno.SUCCESS, used: enc.encode('dïr/ß').length, text: 'dïr/ß' });
  });

  it('a short buffer gets the first bytes and bufused == buf_len', () => {
    const { h } = setup();
    expect(symlink(h, 'dir/b.txt', 'link')).toBe(Errno.SUCCESS);
    const r = readlink(h, 'link', 4);
    expect(r).toEqual({ errno: Errno.SUCCESS, used: 4, text: 'dir/' });
    expect(h.bytes(BUF + 4, 8)).toEqual(new Uint8Array(8).fill(0xcc));
    const z = readlink(h, 'link', 0);
    expect(z.errno).toBe(Errno.SUCCESS);
    expect(z.used).toBe(0);
    expect(h.bytes(BUF, 4)).toEqual(new Uint8Array(4).fill(0xcc));
  });

  it('readlink on a non-symlink is INVAL, missing NOENT, leaving bufused alone', () => {
    const { h } = setup();
    for (const [p, e] of [['a.txt', Errno.INVAL], ['dir', Errno.INVAL], ['missing', Errno.NOENT], ['../x', Errno.PERM]] as const) {
      const r = readlink(h, p);
      expect(r.errno, p).toBe(e);
      expect(r.used).toBe(0xdeadbeef);
    }
  });

  it('readlink does not follow a final symlink but follows intermediate ones', () => {
    const { h } = setup();
    expect(symlink(h, 'dir', 'dl')).toBe(Errno.SUCCESS);
    expect(symlink(h, 'b.txt', 'dir/bl')).toBe(Errno.SUCCESS);
    expect(readlink(h, 'dl').text).toBe('dir');
    expect(readlink(h, 'dl/bl').text).toBe('b.txt');
  });

  it('symlink onto an existing name is EXIST; empty target NOENT; missing parent NOENT', () => {
    const { h } = setup();
    expect(symlink(h, 'x', 'a.txt')).toBe(Errno.EXIST);
    expect(symlink(h, 'x', 'dir')).toBe(Errno.EXIST);
    expect(symlink(h, 'x', 'nope/l')).toBe(Errno.NOENT);
    expect([Errno.NOENT, Errno.INVAL]).toContain(symlink(h, '', 'l'));
    expect(symlink(h, 'x', '../l')).toBe(Errno.PERM);
    expect(symlink(h, 'x', '/l')).toBe(Errno.PERM);
    expect(symlink(h, new Uint8Array([0x61, 0]), 'l')).toBe(Errno.INVAL);
    expect(symlink(h, new Uint8Array([0xff]), 'l')).toBe(Errno.ILSEQ);
  });

  it('symlinks are followed inside the sandbox', () => {
    const { h } = setup();
    expect(symlink(h, 'dir', 'dl')).toBe(Errno.SUCCESS);
    expect(symlink(h, '../a.txt', 'dir/up')).toBe(Errno.SUCCESS);
    expect(symlink(h, '..', 'dir/sub/parent')).toBe(Errno.SUCCESS);
    expect(readAll(h, openOk(h, 'dl/b.txt'))).toBe('bee');
    expect(readAll(h, openOk(h, 'dir/up'))).toBe('hello');
    expect(readAll(h, openOk(h, 'dir/sub/parent/b.txt'))).toBe('bee');
    expect(readAll(h, openOk(h, 'dl/sub/parent/sub/parent/up'))).toBe('hello');
    // Opening a symlink without SYMLINK_FOLLOW is LOOP (O_NOFOLLOW).
    expect(openErr(h, 'dir/up', { dirflags: 0 })).toBe(Errno.LOOP);
    // But intermediate symlinks are always followed.
    expect(readAll(h, openOk(h, 'dl/b.txt', { dirflags: 0 }))).toBe('bee');
  });
});

describe('sandbox escapes through symlinks', () => {
  it('ln -s ../.. x; open x/... is PERM', () => {
    const { h } = setup();
    expect(symlink(h, '../..', 'x')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'x/etc/passwd')).toBe(Errno.PERM);
    expect(openErr(h, 'x/sandbox/a.txt')).toBe(Errno.PERM);
    expect(openErr(h, 'x', { base: RDONLY })).toBe(Errno.PERM);
    expect(stat(h, 'x/sandbox').errno).toBe(Errno.PERM);
    expect(statOk(h, 'x', false).filetype).toBe(7);
  });

  it('a symlink to .. at the preopen root is PERM when followed', () => {
    const { h } = setup();
    expect(symlink(h, '..', 'up')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'up/sandbox/a.txt')).toBe(Errno.PERM);
    expect(openErr(h, 'up', { oflags: O.DIRECTORY, base: RDONLY })).toBe(Errno.PERM);
    expect(symlink(h, '../../..', 'dir/sub/esc')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'dir/sub/esc/a.txt')).toBe(Errno.PERM);
    expect(mkdir(h, 'dir/sub/esc/newdir')).toBe(Errno.PERM);
    expect(openErr(h, 'dir/sub/esc/new.txt', { oflags: O.CREAT })).toBe(Errno.PERM);
  });

  it('an absolute symlink target is PERM when followed', () => {
    const { h } = setup();
    const made = symlink(h, '/etc/passwd', 'abs');
    expect([Errno.SUCCESS, Errno.NOTCAPABLE, Errno.PERM]).toContain(made);
    if (made === Errno.SUCCESS) {
      expect(openErr(h, 'abs')).toBe(Errno.PERM);
      expect(stat(h, 'abs', true).errno).toBe(Errno.PERM);
      expect(statOk(h, 'abs', false).filetype).toBe(7);
    }
    const made2 = symlink(h, '/', 'root');
    if (made2 === Errno.SUCCESS) {
      expect(openErr(h, 'root/etc/passwd')).toBe(Errno.PERM);
      expect(openErr(h, 'root/a.txt', { oflags: O.CREAT })).toBe(Errno.PERM);
    }
  });

  it('a symlink loop is LOOP; a chain of 8 links still resolves', () => {
    const { h } = setup();
    expect(symlink(h, 'loop2', 'loop1')).toBe(Errno.SUCCESS);
    expect(symlink(h, 'loop1', 'loop2')).toBe(Errno.SUCCESS);
    expect(symlink(h, 'self', 'self')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'loop1')).toBe(Errno.LOOP);
    expect(openErr(h, 'self')).toBe(Errno.LOOP);
    expect(openErr(h, 'self/x')).toBe(Errno.LOOP);
    expect(openErr(h, 'loop1/x', { oflags: O.CREAT })).toBe(Errno.LOOP);
    expect(stat(h, 'loop1', true).errno).toBe(Errno.LOOP);
    expect(statOk(h, 'loop1', false).filetype).toBe(7);
    expect(symlink(h, 'dir/../self/..', 'sneaky')).toBe(Errno.SUCCESS);
    expect(openErr(h, 'sneaky', { base: RDONLY })).toBe(Errno.LOOP);
    let prev = 'a.txt';
    for (let i = 0; i < 8; i++) {
      expect(symlink(h, prev, `chain${i}`)).toBe(Errno.SUCCESS);
      prev = `chain${i}`;
    }
    expect(readAll(h, openOk(h, prev))).toBe('hello');
  });
});

describe('path_filestat_get', () => {
  it('follow vs nofollow on a symlink', () => {
    const { h } = setup();
    expect(symlink(h, 'dir/b.txt', 'link')).toBe(Errno.SUCCESS);
    const l = statOk(h, 'link', false);
    expect(l.filetype).toBe(7);
    expect(l.size).toBe(9n); // the target's byte length
    const t = statOk(h, 'link', true);
    expect(t.filetype).toBe(4);
    expect(t.size).toBe(3n);
    expect(t.ino).toBe(statOk(h, 'dir/b.txt').ino);
    expect(l.ino).not.toBe(t.ino);
    // A dangling symlink: NOENT when followed.
    expect(symlink(h, 'nowhere', 'dangling')).toBe(Errno.SUCCESS);
    expect(stat(h, 'dangling', true).errno).toBe(Errno.NOENT);
    expect(statOk(h, 'dangling', false).filetype).toBe(7);
  });

  it('writes a 64-byte filestat with zero padding and nothing after', () => {
    const { h } = setup();
    const s = statOk(h, 'a.txt');
    expect(s.filetype).toBe(4);
    expect(s.size).toBe(5n);
    expect(s.nlink).toBe(1n);
    expect(h.bytes(STAT + 17, 7)).toEqual(new Uint8Array(7));
    new Uint8Array(h.memory.buffer).fill(0xcc, STAT, STAT + 80);
    const len = h.putString(PATH, 'dir');
    expect(h.imp.path_filestat_get(PRE, 0, PATH, len, STAT)).toBe(Errno.SUCCESS);
    expect(h.bytes(STAT + 64, 16)).toEqual(new Uint8Array(16).fill(0xcc));
    expect(h.view().getUint8(STAT + 16)).toBe(3);
    // '.' is the preopen itself.
    expect(statOk(h, '.').ino).toBe(fdStat(h, PRE).ino);
  });

  it('errors: NOENT, NOTDIR (trailing slash / file parent), PERM, INVAL, ILSEQ, BADF', () => {
    const { h } = setup();
    expect(stat(h, 'missing').errno).toBe(Errno.NOENT);
    expect(stat(h, '').errno).toBe(Errno.NOENT);
    expect(stat(h, 'a.txt/').errno).toBe(Errno.NOTDIR);
    expect(stat(h, 'a.txt/.').errno).toBe(Errno.NOTDIR);
    expect(stat(h, 'a.txt/x').errno).toBe(Errno.NOTDIR);
    expect(stat(h, '..').errno).toBe(Errno.PERM);
    expect(stat(h, '/a.txt').errno).toBe(Errno.PERM);
    expect(stat(h, new Uint8Array([0x61, 0])).errno).toBe(Errno.INVAL);
    expect(stat(h, new Uint8Array([0xfe])).errno).toBe(Errno.ILSEQ);
    expect(stat(h, 'a.txt', true, 42).errno).toBe(Errno.BADF);
    // None of them wrote the filestat.
    expect(h.bytes(STAT, 64)).toEqual(new Uint8Array(64).fill(0xcc));
    // A trailing slash on a symlink to a directory follows it.
    expect(symlink(h, 'dir', 'dl')).toBe(Errno.SUCCESS);
    expect(statOk(h, 'dl/', false).filetype).toBe(3);
    // ... and on a symlink to a file is NOTDIR.
    expect(symlink(h, 'a.txt', 'fl')).toBe(Errno.SUCCESS);
    expect(stat(h, 'fl/', false).errno).toBe(Errno.NOTDIR);
  });
});

describe('path_filestat_set_times', () => {
  function setTimes(h: Harness, path: string, atim: bigint, mtim: bigint, flags: number, follow = true): number {
    const len = h.putString(PATH, path);
    return h.imp.path_filestat_set_times(PRE, follow ? FOLLOW : 0, PATH, len, atim, mtim, flags);
  }

  it('stores nanoseconds exactly', () => {
    const { h } = setup();
    expect(setTimes(h, 'a.txt', 1_111_111_111_123_456_789n, 1_222_222_222_987_654_321n, 1 | 4)).toBe(Errno.SUCCESS);
    const s = statOk(h, 'a.txt');
    expect(s.atim).toBe(1_111_111_111_123_456_789n);
    expect(s.mtim).toBe(1_222_222_222_987_654_321n);
    expect(setTimes(h, 'dir', 7n, 8n, 1 | 4)).toBe(Errno.SUCCESS);
    expect(statOk(h, 'dir').atim).toBe(7n);
    expect(statOk(h, 'dir').mtim).toBe(8n);
    // Only atim.
    expect(setTimes(h, 'a.txt', 5n, 0n, 1)).toBe(Errno.SUCCESS);
    expect(statOk(h, 'a.txt').atim).toBe(5n);
    expect(statOk(h, 'a.txt').mtim).toBe(1_222_222_222_987_654_321n);
  });

  it('follow sets the target, nofollow sets the link', () => {
    const { h } = setup();
    expect(symlink(h, 'a.txt', 'l')).toBe(Errno.SUCCESS);
    expect(setTimes(h, 'a.txt', 100n, 200n, 1 | 4)).toBe(Errno.SUCCESS);
    expect(setTimes(h, 'l', 300n, 400n, 1 | 4, false)).toBe(Errno.SUCCESS);
    expect(statOk(h, 'l', false).mtim).toBe(400n);
    expect(statOk(h, 'a.txt').mtim).toBe(200n);
    expect(setTimes(h, 'l', 500n, 600n, 1 | 4, true)).toBe(Errno.SUCCESS);
    expect(statOk(h, 'a.txt').mtim).toBe(600n);
    expect(statOk(h, 'a.txt').atim).toBe(500n);
    expect(statOk(h, 'l', false).mtim).toBe(400n);
  });

  it('*_NOW uses the realtime clock; ATIM|ATIM_NOW is INVAL; errors from the path', () => {
    const { h } = setup();
    const lo = BigInt(Date.now() - 1) * 1_000_000n;
    expect(setTimes(h, 'a.txt', 0n, 0n, 2 | 8)).toBe(Errno.SUCCESS);
    const hi = BigInt(Date.now() + 1) * 1_000_000n;
    const s = statOk(h, 'a.txt');
    expect(s.atim >= lo && s.atim <= hi).toBe(true);
    expect(s.mtim >= lo && s.mtim <= hi).toBe(true);
    expect(setTimes(h, 'a.txt', 1n, 1n, 1 | 2)).toBe(Errno.INVAL);
    expect(setTimes(h, 'a.txt', 1n, 1n, 4 | 8)).toBe(Errno.INVAL);
    expect(setTimes(h, 'a.txt', 1n, 1n, 0x100)).toBe(Errno.INVAL);
    expect(statOk(h, 'a.txt').atim).toBe(s.atim);
    expect(setTimes(h, 'missing', 1n, 1n, 1)).toBe(Errno.NOENT);
    expect(setTimes(h, '../x', 1n, 1n, 1)).toBe(Errno.PERM);
    expect(setTimes(h, 'a.txt/', 1n, 1n, 1)).toBe(Errno.NOTDIR);
  });
});
