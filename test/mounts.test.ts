// Nested preopens: '/' in memory and '/usr' from the host, reached both
// directly (fd 4) and by walking into it from the outer preopen (fd 3).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS, NodeFS } from '../src/index.js';
import { makeHarness, type Harness } from './harness.js';

const O_CREAT = 1;
const RIGHTS_ALL = 0x3fffffffn;

describe('nested mounts', () => {
  let dir: string;
  let mem: MemFS;
  let h: Harness;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasi-host-mounts-'));
    writeFileSync(join(dir, 'lib.txt'), 'from the host\n');
    mem = new MemFS({ 'etc/hosts': 'in memory\n' });
    h = makeHarness({ preopens: { '/': mem, '/usr': new NodeFS(dir) } });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function open(fd: number, path: string, oflags = 0): { errno: number; fd: number } {
    const len = h.putString(1024, path);
    // Directories refuse FD_WRITE (EISDIR), so ask for it only when creating a file.
    const base = oflags & O_CREAT ? RIGHTS_ALL : RIGHTS_ALL & ~0x40n;
    const errno = h.imp.path_open(fd, 0, 1024, len, oflags, base, RIGHTS_ALL, 0, 512);
    return { errno, fd: h.u32(512) };
  }

  function readAll(fd: number): string {
    h.putIovecs(0, [[4096, 4096]]);
    expect(h.imp.fd_read(fd, 0, 1, 16)).toBe(Errno.SUCCESS);
    return new TextDecoder().decode(h.bytes(4096, h.u32(16)));
  }

  it('reports both preopens with their guest paths', () => {
    expect(h.imp.fd_prestat_get(3, 0)).toBe(Errno.SUCCESS);
    expect(h.u32(4)).toBe(1);
    expect(h.imp.fd_prestat_get(4, 0)).toBe(Errno.SUCCESS);
    expect(h.u32(4)).toBe(4);
    expect(h.imp.fd_prestat_dir_name(4, 100, 4)).toBe(Errno.SUCCESS);
    expect(new TextDecoder().decode(h.bytes(100, 4))).toBe('/usr');
    expect(h.imp.fd_prestat_get(5, 0)).toBe(Errno.BADF);
  });

  it('reaches the host mount by walking from the outer one', () => {
    const viaRoot = open(3, 'usr/lib.txt');
    expect(viaRoot.errno).toBe(Errno.SUCCESS);
    expect(readAll(viaRoot.fd)).toBe('from the host\n');
    const direct = open(4, 'lib.txt');
    expect(direct.errno).toBe(Errno.SUCCESS);
    expect(readAll(direct.fd)).toBe('from the host\n');
  });

  it('writes through the walk land on the host', () => {
    const f = open(3, 'usr/new.txt', O_CREAT);
    expect(f.errno).toBe(Errno.SUCCESS);
    h.putString(4096, 'written');
    h.putIovecs(0, [[4096, 7]]);
    expect(h.imp.fd_write(f.fd, 0, 1, 16)).toBe(Errno.SUCCESS);
    expect(readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('written');
  });

  it('keeps `..` inside the descriptor it starts from', () => {
    expect(open(4, '../etc/hosts').errno).toBe(Errno.PERM);
    // From '/', going into usr and back out is fine.
    const f = open(3, 'usr/../etc/hosts');
    expect(f.errno).toBe(Errno.SUCCESS);
    expect(readAll(f.fd)).toBe('in memory\n');
  });

  it('lists the mount point in its parent and refuses renames across mounts', () => {
    const d = open(3, '.');
    expect(d.errno).toBe(Errno.SUCCESS);
    expect(h.imp.fd_readdir(d.fd, 8192, 4096, 0n, 16)).toBe(Errno.SUCCESS);
    const used = h.u32(16);
    const names: string[] = [];
    const v = h.view();
    for (let at = 8192; at + 24 <= 8192 + used;) {
      const len = v.getUint32(at + 16, true);
      names.push(new TextDecoder().decode(h.bytes(at + 24, len)));
      at += 24 + len;
    }
    expect(names.sort()).toEqual(['.', '..', 'etc', 'usr']);
    const a = h.putString(1024, 'etc/hosts');
    const b = h.putString(2048, 'usr/hosts');
    expect(h.imp.path_rename(3, 1024, a, 3, 2048, b)).toBe(Errno.XDEV);
    const c = h.putString(2048, 'usr');
    expect(h.imp.path_remove_directory(3, 2048, c)).toBe(Errno.BUSY);
  });
});
