import { describe, expect, it, vi } from 'vitest';
import { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import { newNode } from '../src/vfs/memfs.js';

// MemFS makes its nodes without memfs's Node constructor (src/vfs/memfs.ts,
// newNode), which asks the process for its uid and gid on every node. These
// hold newNode to that constructor, so an fs-core upgrade that changes the
// fields fails here.
describe('MemFS nodes (newNode) are what fs-core makes', () => {
  it('the same fields in the same order, the same values but their own change bus and times', () => {
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
    expect(other.changes).not.toBe(made.changes);
    expect(other.mtime).not.toBe(made.mtime);
    expect(made.isFile() && other.isDirectory()).toBe(true);
    expect(Math.abs(made.mtime.getTime() - Date.now())).toBeLessThan(5_000);
    // newNode gives a node's four times one Date: safe while a time is only ever replaced, never changed in place.
    made.mtime = new Date(0);
    made.atime = new Date(1);
    expect([made.atime.getTime(), made.mtime.getTime(), made.btime.getTime() > 1]).toEqual([1, 0, true]);
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
});
