// fd_write to a host file (src/syscalls/fd-io.ts, transfer) hands the backend
// guest memory itself with an offset and length (VfsFile.writeRange), making
// no view per call, and keeps every behaviour: position, nwritten, EFAULT,
// empty writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { NodeFS } from '../src/index.js';
import type { VfsFile, VfsOpenFlags, VfsOpened } from '../src/vfs/types.js';
import { makeHarness, type Harness } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

/** A host directory whose opened files are kept, to spy on. */
class KeptFS extends NodeFS {
  files: VfsFile[] = [];
  override open(path: string, flags: VfsOpenFlags): VfsFile {
    const f = super.open(path, flags);
    this.files.push(f);
    return f;
  }
  // A plain path is opened here, in one walk (src/namespace/resolver.ts).
  override openFile(path: string, flags: VfsOpenFlags): VfsOpened {
    const f = super.openFile(path, flags);
    if (typeof f === 'object') this.files.push(f);
    return f;
  }
}

function setup(): { h: Harness; dir: string; fs: KeptFS; fd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-write-one-'));
  dirs.push(dir);
  const fs = new KeptFS(dir);
  const h = makeHarness({ preopens: { '/sandbox': fs } });
  const len = h.putString(1024, 'out.txt');
  expect(h.imp.path_open(3, 0, 1024, len, 1 /* CREAT */, 0x3fffffffn, 0x3fffffffn, 0, 512)).toBe(Errno.SUCCESS);
  return { h, dir, fs, fd: h.u32(512) };
}

describe('fd_write of one iovec to a host file', () => {
  it('passes guest memory, the offset and the length to writeRange at the fd position, no view made', () => {
    const { h, dir, fs, fd } = setup();
    const file = fs.files[0] as VfsFile & { writeRange: NonNullable<VfsFile['writeRange']> };
    const range = vi.spyOn(file, 'writeRange');
    const write = vi.spyOn(file, 'write');
    h.putString(4096, 'hello world');
    h.putIovecs(0, [[4096, 6]]);
    expect(h.imp.fd_write(fd, 0, 1, 16)).toBe(Errno.SUCCESS);
    expect(h.u32(16)).toBe(6);
    h.putIovecs(0, [[4102, 5]]);
    expect(h.imp.fd_write(fd, 0, 1, 16)).toBe(Errno.SUCCESS);
    expect(h.u32(16)).toBe(5);
    expect(range.mock.calls.map(([src, off, len, at]) => [src.buffer === h.memory.buffer, src.byteOffset, src.byteLength === h.memory.buffer.byteLength, off, len, at])).toEqual([
      [true, 0, true, 4096, 6, 0],
      [true, 0, true, 4102, 5, 6],
    ]);
    expect(write).not.toHaveBeenCalled();
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello world');
    expect(h.imp.fd_tell(fd, 32)).toBe(Errno.SUCCESS);
    expect(h.u64(32)).toBe(11n);

    // An empty iovec writes nothing, wherever it points; a buffer or an iovec past memory is EFAULT, nothing moved.
    h.putIovecs(0, [[0xfffffff0, 0]]);
    h.view().setUint32(16, 99, true);
    expect(h.imp.fd_write(fd, 0, 1, 16)).toBe(Errno.SUCCESS);
    expect(h.u32(16)).toBe(0);
    h.putIovecs(0, [[65536 - 4, 8]]);
    expect(h.imp.fd_write(fd, 0, 1, 16)).toBe(Errno.FAULT);
    expect(h.imp.fd_write(fd, 65536 - 4, 1, 16)).toBe(Errno.FAULT);
    // An unaligned iovec array is read all the same.
    h.view().setUint32(2, 4096, true);
    h.view().setUint32(6, 5, true);
    expect(h.imp.fd_write(fd, 2, 1, 16)).toBe(Errno.SUCCESS);
    expect(h.u32(16)).toBe(5);
    expect(range).toHaveBeenCalledTimes(3);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello worldhello');
  });
});
