// fd_readdir reuses a directory's listing (names, types, inode numbers) while
// nothing changed it; any change, by the guest or by someone on the host,
// shows up in the next listing from cookie 0.
import { mkdtempSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS, NodeFS } from '../src/index.js';
import type { Vfs } from '../src/vfs/types.js';
import { makeHarness, type Harness } from './harness.js';

const DIR_RIGHTS = 0x3fffffffn & ~0x40n;
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

function list(h: Harness, fd: number): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let cookie = 0n;
  for (;;) {
    expect(h.imp.fd_readdir(fd, 8192, 4096, cookie, 16)).toBe(Errno.SUCCESS);
    const used = h.u32(16);
    const v = h.view();
    let at = 8192;
    while (at + 24 <= 8192 + used) {
      const len = v.getUint32(at + 16, true);
      if (at + 24 + len > 8192 + used) break;
      out.set(new TextDecoder().decode(h.bytes(at + 24, len)), v.getBigUint64(at + 8, true));
      cookie = v.getBigUint64(at, true);
      at += 24 + len;
    }
    if (used < 4096) return out;
  }
}

function call(h: Harness, name: 'path_unlink_file' | 'path_create_directory', path: string): number {
  const len = h.putString(1024, path);
  return h.imp[name](3, 1024, len);
}

const backends: [string, () => { vfs: Vfs; hostDir?: string }][] = [
  ['memfs', () => ({ vfs: new MemFS({ 'a.txt': 'a', 'b.txt': 'b' }) })],
  ['node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-readdir-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b.txt'), 'b');
    return { vfs: new NodeFS(dir), hostDir: dir };
  }],
];

describe.each(backends)('listing reuse on %s', (_name, make) => {
  function open(): { h: Harness; fd: number; hostDir?: string } {
    const { vfs, hostDir } = make();
    const h = makeHarness({ preopens: { '/sandbox': vfs } });
    const len = h.putString(1024, '.');
    expect(h.imp.path_open(3, 0, 1024, len, 0, DIR_RIGHTS, DIR_RIGHTS, 0, 512)).toBe(Errno.SUCCESS);
    return { h, fd: h.u32(512), hostDir };
  }

  it('sees the guest\'s own changes at once', () => {
    const { h, fd } = open();
    expect([...list(h, fd).keys()].sort()).toEqual(['.', '..', 'a.txt', 'b.txt']);
    expect(call(h, 'path_unlink_file', 'a.txt')).toBe(Errno.SUCCESS);
    expect(call(h, 'path_create_directory', 'sub')).toBe(Errno.SUCCESS);
    expect([...list(h, fd).keys()].sort()).toEqual(['.', '..', 'b.txt', 'sub']);
  });

  it('keeps inode numbers equal to path_filestat_get across reuse', () => {
    const { h, fd } = open();
    list(h, fd);
    const again = list(h, fd);
    const len = h.putString(1024, 'b.txt');
    expect(h.imp.path_filestat_get(3, 0, 1024, len, 2048)).toBe(Errno.SUCCESS);
    expect(again.get('b.txt')).toBe(h.view().getBigUint64(2048 + 8, true));
  });

  it('sees changes made on the host behind the guest\'s back', async () => {
    const { h, fd, hostDir } = open();
    if (hostDir === undefined) return; // memfs has no host side
    list(h, fd);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(join(hostDir, 'c.txt'), 'c');
    unlinkSync(join(hostDir, 'a.txt'));
    expect([...list(h, fd).keys()].sort()).toEqual(['.', '..', 'b.txt', 'c.txt']);
  });
});
