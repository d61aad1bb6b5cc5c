import { describe, expect, it, vi } from 'vitest';
import { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import { Errno } from '../src/abi/errno.js';
import { MemFS, newNode, NO_CHILDREN } from '../src/vfs/memfs.js';
import { makeHarness } from './harness.js';

// MemFS makes its nodes without memfs's Node constructor (src/vfs/memfs.ts,
// newNode), which asks the process for its uid and gid on every node. These
// hold newNode to that constructor, so an fs-core upgrade that changes the
// fields fails here.
describe('MemFS nodes (newNode) are what fs-core makes', () => {
  it('the same fields in the same order, the same values; one change bus for all, one Date for a new node\'s times', () => {
    const made = newNode(7, 0o100644);
    const real = new Node(7, 0o100644, 0, 0);
    expect(Object.getPrototypeOf(made)).toBe(Node.prototype);
    expect(Object.keys(made)).toEqual(Object.keys(real));
    const plain = (n: Node): Record<string, unknown> => {
      const o: Record<string, unknown> = { ...n };
      for (const k of ['changes', '_atime', '_mtime', '_ctime', '_btime']) o[k] = typeof o[k];
      return o;
    };
    expect(plain(made)).toEqual(plain(real));
    const other = newNode(8, 0o040755);
    // Nodes of a store never leave memfs.ts, so nothing listens on their bus: one serves them all.
    expect(other.changes).toBe(made.changes);
    expect(made.atime).toBe(made.mtime);
    expect(made.btime).toBe(made.ctime);
    expect(made.isFile() && other.isDirectory()).toBe(true);
    expect(Math.abs(made.mtime.getTime() - Date.now())).toBeLessThan(5_000);
    // memfs replaces a time, never changes a Date in place, so a shared Date stays the other times' and
    // the other nodes': nodes made in one millisecond share one.
    const twins = Array.from({ length: 50 }, (_, i) => newNode(20 + i, 0o100644));
    const twin = twins.find((n, i) => i > 0 && n.mtime.getTime() === twins[i - 1].mtime.getTime());
    expect(twin?.mtime).toBe(twins[twins.indexOf(twin!) - 1].mtime);
    const before = made.atime.getTime();
    made.mtime = new Date(before + 10_000);
    made.touch();
    expect(made.atime.getTime()).toBe(before);
    expect(made.btime.getTime()).toBe(before);
    expect(other.mtime.getTime()).toBeLessThanOrEqual(Date.now());
    expect(other.mtime).not.toBe(made.mtime);
    const solo = newNode(99, 0o100644);
    // newNode gives a node's four times one Date: safe while a time is only ever replaced, never changed in place.
    solo.mtime = new Date(0);
    solo.atime = new Date(1);
    expect([solo.atime.getTime(), solo.mtime.getTime(), solo.btime.getTime() > 1]).toEqual([1, 0, true]);
  });

  it('asks the process for no uid or gid', () => {
    const uid = vi.spyOn(process, 'getuid');
    const gid = vi.spyOn(process, 'getgid');
    try {
      newNode(9, 0o100644);
      expect(uid).not.toHaveBeenCalled();
      expect(gid).not.toHaveBeenCalled();
      new Node(9, 0o100644, 0, 0);
      expect(uid).toHaveBeenCalled();
    } finally {
      uid.mockRestore();
      gid.mockRestore();
    }
  });

  it('a node made so works as a file: writes, reads, truncates', () => {
    const n = newNode(10, 0o100644);
    const data = new TextEncoder().encode('hello');
    expect(n.write(Buffer.from(data), 0, data.length, 0)).toBe(5);
    expect(n.getString()).toBe('hello');
    n.truncate(2);
    expect(n.getString()).toBe('he');
    let seen = 0;
    n.changes.listen(() => seen++);
    n.touch();
    expect(seen).toBe(1);
  });

  it('links to files in a store share one empty children map, which no operation adds to', () => {
    const fs = new MemFS({ 'd/a': 'x', 'd/e/': null, b: '' });
    const flags = { read: true, write: true, create: true, exclusive: false, truncate: false, noFollow: true };
    fs.open('/d/new', flags).close();
    fs.link('/d/a', '/d/hard');
    fs.symlink('a', '/d/sym');
    fs.rename('/d/hard', '/b');
    fs.rename('/d', '/moved');
    fs.mkdir('/moved/e/f');
    fs.rename('/moved/new', '/moved/e/f/new');
    fs.unlink('/moved/a');
    expect(NO_CHILDREN.size).toBe(0);
    expect(fs.toJSON()).toEqual({ b: 'x', 'moved/e/f/new': '' });
    expect(fs.readdir('/moved').map((e) => e.name)).toEqual(['e', 'sym']);
    expect(() => fs.open('/b/x', flags)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});

// A store's root directory is made at its first use (Store.plant, issue 14 part 8). A guest whose
// first calls attack the root must meet the root a made one would be: same errnos, same stat.
describe('a MemFS root made at first use answers a hostile guest as a made one does', () => {
  // Every call against ".", "..", "" and the root's own names, as a guest's first calls.
  function attack(vfs: MemFS): unknown[] {
    const h = makeHarness({ preopens: { '/m': vfs } });
    const put = (at: number, s: string): number => h.putString(at, s);
    const out: unknown[] = [];
    const stat = (errno: number): void => {
      // filetype, nlink, size, and whether ino is 1: the times are the store's making, not compared.
      out.push(errno, h.view().getUint8(216), h.u64(224), h.u64(232), h.u64(208) === 1n);
    };
    const calls: [string, () => number][] = [
      ['fstat preopen', () => h.imp.fd_filestat_get(3, 200)],
      ['stat .', () => h.imp.path_filestat_get(3, 0, 100, put(100, '.'), 200)],
      ['stat ..', () => h.imp.path_filestat_get(3, 0, 100, put(100, '..'), 200)],
      ['rmdir .', () => h.imp.path_remove_directory(3, 100, put(100, '.'))],
      ['unlink .', () => h.imp.path_unlink_file(3, 100, put(100, '.'))],
      ['rename . x', () => h.imp.path_rename(3, 100, put(100, '.'), 3, 120, put(120, 'x'))],
      ['open ..', () => h.imp.path_open(3, 0, 100, put(100, '..'), 2, 0n, 0n, 0, 300)],
      ['open "" ', () => h.imp.path_open(3, 0, 100, 0, 2, 0n, 0n, 0, 300)],
      ['symlink . -> ..', () => h.imp.path_symlink(100, put(100, '..'), 3, 120, put(120, '.'))],
      ['mkdir d', () => h.imp.path_create_directory(3, 100, put(100, 'd'))],
      ['rename d .', () => h.imp.path_rename(3, 100, put(100, 'd'), 3, 120, put(120, '.'))],
      ['fstat preopen after', () => h.imp.fd_filestat_get(3, 200)],
    ];
    for (const [name, call] of calls) {
      const errno = call();
      out.push(name);
      if (name.startsWith('fstat') || name.startsWith('stat')) stat(errno);
      else out.push(errno);
    }
    return out;
  }

  it('the same answers to the same calls, whether the root was made before the run or by its first call', () => {
    const made = new MemFS();
    made.lstat('/');
    const lazy = new MemFS();
    const expected = attack(made);
    expect(attack(lazy)).toEqual(expected);
    // And they are the answers a root must give: a directory with ino 1, never removed or renamed.
    expect(expected.slice(0, 6)).toEqual(['fstat preopen', Errno.SUCCESS, 3, expect.any(BigInt), expect.any(BigInt), true]);
    expect(expected[expected.indexOf('rmdir .') + 1]).not.toBe(Errno.SUCCESS);
    expect(expected[expected.indexOf('rename . x') + 1]).not.toBe(Errno.SUCCESS);
    expect(expected[expected.indexOf('open ..') + 1]).toBe(Errno.PERM);
  });
});
