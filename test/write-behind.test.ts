// Write-behind on the host-directory backend: small consecutive writes to one
// file are held and handed down together, but never observably: any other
// call sees them on disk, and a failure is reported by the next write, sync or close.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { NodeFS } from '../src/index.js';
import type { WriteBehind } from '../src/write-behind.js';
import { makeHarness, type Harness } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

/** A harness whose write-behind is on, as it is while start() runs a command with `writeBehind` set. */
function setup(): { h: Harness; dir: string; wb: WriteBehind } {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-host-wb-'));
  dirs.push(dir);
  const h = makeHarness({ preopens: { '/sandbox': new NodeFS(dir) }, writeBehind: true });
  const wb = (h.wasi as unknown as { ctx: { writeBehind: WriteBehind } }).ctx.writeBehind;
  wb.enabled = true;
  return { h, dir, wb };
}

function create(h: Harness, name: string): number {
  const len = h.putString(1024, name);
  expect(h.imp.path_open(3, 0, 1024, len, 1 /* CREAT */, 0x3fffffffn, 0x3fffffffn, 0, 512)).toBe(Errno.SUCCESS);
  return h.u32(512);
}

function write(h: Harness, fd: number, text: string): number {
  const n = h.putString(4096, text);
  h.putIovecs(0, [[4096, n]]);
  return h.imp.fd_write(fd, 0, 1, 16);
}

describe('write-behind', () => {
  it('holds small writes and hands them down before any other call', () => {
    const { h, dir, wb } = setup();
    const fd = create(h, 'out.txt');
    expect(write(h, fd, 'hello ')).toBe(Errno.SUCCESS);
    expect(write(h, fd, 'world')).toBe(Errno.SUCCESS);
    expect(h.u32(16)).toBe(5);
    expect(wb.owner).not.toBeNull();
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(''); // held, not yet down
    // Any other import — here fd_tell — flushes first, so whatever the guest does next sees the bytes.
    expect(h.imp.fd_tell(fd, 32)).toBe(Errno.SUCCESS);
    expect(h.u64(32)).toBe(11n);
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello world');
  });

  it('gathers several iovecs of every size (empty, one byte, either side of the small-copy cut, large) into the held run, byte for byte', () => {
    const { h, dir } = setup();
    const fd = create(h, 'iov.bin');
    const sizes = [0, 1, 63, 64, 65, 300, 7];
    let expected = '';
    let at = 4096;
    const iovs: [number, number][] = [];
    for (const [i, n] of sizes.entries()) {
      const text = String.fromCharCode(97 + i).repeat(n);
      h.putString(at, text);
      iovs.push([at, n]);
      expected += text;
      at += n + 3; // gaps, so a piece copied from the wrong place shows
    }
    h.putIovecs(0, iovs);
    for (let round = 0; round < 2; round++) {
      expect(h.imp.fd_write(fd, 0, iovs.length, 2048)).toBe(Errno.SUCCESS); // nwritten past the iovec array
      expect(h.u32(2048)).toBe(expected.length);
    }
    expect(h.imp.fd_close(fd)).toBe(Errno.SUCCESS);
    expect(readFileSync(join(dir, 'iov.bin'), 'utf8')).toBe(expected + expected);
  });

  it('keeps the order of writes across descriptors', () => {
    const { h, dir } = setup();
    const a = create(h, 'a.txt');
    const b = create(h, 'b.txt');
    expect(write(h, a, '1')).toBe(Errno.SUCCESS);
    expect(write(h, b, '2')).toBe(Errno.SUCCESS);
    // Writing to b handed a's byte down first.
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('1');
    expect(h.imp.fd_close(b)).toBe(Errno.SUCCESS);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('2');
  });

  it('reads back through the same descriptor what was just written', () => {
    const { h } = setup();
    const fd = create(h, 'rw.txt');
    expect(write(h, fd, 'abc')).toBe(Errno.SUCCESS);
    h.putIovecs(0, [[8192, 3]]);
    expect(h.imp.fd_pread(fd, 0, 1, 0n, 16)).toBe(Errno.SUCCESS);
    expect(new TextDecoder().decode(h.bytes(8192, h.u32(16)))).toBe('abc');
  });

  it('reports a failed flush on the next close, once', () => {
    const { h, wb } = setup();
    const fd = create(h, 'fail.txt');
    expect(write(h, fd, 'lost')).toBe(Errno.SUCCESS);
    const held = wb.owner;
    expect(held).not.toBeNull();
    // The disk fills up between the write and its flush.
    (held as unknown as { file: { write: () => number } }).file.write = () => {
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    };
    expect(h.imp.fd_close(fd)).toBe(Errno.NOSPC);
    expect(h.imp.fd_close(fd)).toBe(Errno.BADF);
  });

  it('is off outside start(): a reactor returns to its embedder between calls', () => {
    const { h, dir, wb } = setup();
    wb.enabled = false;
    const fd = create(h, 'r.txt');
    expect(write(h, fd, 'now')).toBe(Errno.SUCCESS);
    expect(readFileSync(join(dir, 'r.txt'), 'utf8')).toBe('now');
  });
});
