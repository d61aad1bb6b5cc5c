// wasi_unstable (preview 0, node:wasi's version 'unstable'): the same host under the older
// module name, with its own whence numbering, 56-byte filestat (u32 nlink) and 56-byte
// subscriptions (a u64 identifier before the clock fields). WASI legacy/preview0 typenames.witx.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemFS, run, SYSCALLS, WASI, wasiImportVersion } from '../src/index.js';
import { makeHarness, type Harness } from './harness.js';

const WASM = new URL('./wasm/', import.meta.url).pathname;
const BIN = new URL('../bin/wasi-host.mjs', import.meta.url).pathname;

function unstable(files: Record<string, string> = { 'f.txt': 'hello' }): Harness {
  return makeHarness({ version: 'unstable', preopens: { '/sandbox': new MemFS(files) } });
}

/** Opens /sandbox/NAME through fd 3 with all rights; returns the new fd. */
function open(h: Harness, name: string): number {
  const len = h.putString(1000, name);
  expect(h.imp.path_open(3, 1, 1000, len, 0, -1n, -1n, 0, 1100)).toBe(0);
  return h.u32(1100);
}

describe('the wasi_unstable import object', () => {
  it('is getImportObject().wasi_unstable: preview1\'s functions without sock_accept', () => {
    const wasi = new WASI({ version: 'unstable' });
    const obj = wasi.getImportObject();
    expect(Object.keys(obj)).toEqual(['wasi_unstable']);
    const names = Object.keys(obj.wasi_unstable);
    expect(names).toEqual(SYSCALLS.map((d) => d.name).filter((n) => n !== 'sock_accept'));
    expect(names).toHaveLength(45);
    expect(Object.keys(new WASI({}).getImportObject())).toEqual(['wasi_snapshot_preview1']);
  });

  it('wasiImportVersion tells which a module needs', async () => {
    const bytes = readFileSync(join(WASM, 'unstable_command.wasm'));
    expect(wasiImportVersion(await WebAssembly.compile(bytes))).toBe('unstable');
    expect(wasiImportVersion(await WebAssembly.compile(readFileSync(join(WASM, 'command.wasm'))))).toBe('preview1');
  });
});

describe('fd_seek: whence is cur = 0, end = 1, set = 2', () => {
  it('each base as preview 0 numbers it, and EINVAL past them', () => {
    const h = unstable();
    const fd = open(h, 'f.txt');
    expect(h.imp.fd_seek(fd, 2n, 2, 0)).toBe(0); // SET
    expect(h.u64(0)).toBe(2n);
    expect(h.imp.fd_seek(fd, 1n, 0, 0)).toBe(0); // CUR
    expect(h.u64(0)).toBe(3n);
    expect(h.imp.fd_seek(fd, -1n, 1, 0)).toBe(0); // END
    expect(h.u64(0)).toBe(4n);
    expect(h.imp.fd_seek(fd, 0n, 3, 0)).toBe(28); // EINVAL
    expect(h.imp.fd_seek(fd, 0n, 0xffff_ffff, 0)).toBe(28);
    expect(h.imp.fd_tell(fd, 0)).toBe(0);
    expect(h.u64(0)).toBe(4n);
  });
});

describe('filestat: 56 bytes, nlink a u32 at 20', () => {
  function expectFilestat(h: Harness, at: number, size: bigint, nlink: number): void {
    const v = h.view();
    expect(v.getUint8(at + 16)).toBe(4); // REGULAR_FILE
    expect([v.getUint8(at + 17), v.getUint8(at + 18), v.getUint8(at + 19)]).toEqual([0, 0, 0]);
    expect(v.getUint32(at + 20, true)).toBe(nlink);
    expect(v.getBigUint64(at + 24, true)).toBe(size);
    expect(v.getBigUint64(at + 40, true)).toBeGreaterThan(0n); // mtim
    // Nothing past the 56 bytes is touched.
    expect(h.bytes(at + 56, 8)).toEqual(new Uint8Array(8).fill(0xaa));
  }

  it('fd_filestat_get', () => {
    const h = unstable();
    const fd = open(h, 'f.txt');
    const name = h.putString(1000, 'f.txt');
    const link = h.putString(1200, 'g.txt');
    expect(h.imp.path_link(3, 0, 1000, name, 3, 1200, link)).toBe(0);
    new Uint8Array(h.memory.buffer, 2000, 64).fill(0xaa);
    expect(h.imp.fd_filestat_get(fd, 2000)).toBe(0);
    expectFilestat(h, 2000, 5n, 2);
    expect(h.imp.fd_filestat_get(fd, 65536 - 55)).toBe(21); // EFAULT: 56 bytes do not fit
  });

  it('path_filestat_get', () => {
    const h = unstable();
    const name = h.putString(1000, 'f.txt');
    new Uint8Array(h.memory.buffer, 2000, 64).fill(0xaa);
    expect(h.imp.path_filestat_get(3, 1, 1000, name, 2000)).toBe(0);
    expectFilestat(h, 2000, 5n, 1);
    const missing = h.putString(1500, 'nope');
    expect(h.imp.path_filestat_get(3, 1, 1500, missing, 2000)).toBe(44); // ENOENT
    // An exact fit at the end of memory is fine: the record is 56 bytes, not preview1's 64.
    expect(h.imp.path_filestat_get(3, 1, 1000, name, 65536 - 56)).toBe(0);
  });
});

describe('poll_oneoff: 56-byte subscriptions, clock fields after a u64 identifier', () => {
  it('reads clock id at 24, timeout at 32, flags at 48, and fd at 16', () => {
    const h = unstable();
    const fd = open(h, 'f.txt');
    const v = h.view();
    const SUB = 0, OUT = 512;
    // 1: a 2 ms relative MONOTONIC clock; its identifier (16) holds 0xff.. which preview1 would read as a clock id.
    v.setBigUint64(SUB + 0, 0x1111n, true);
    v.setUint8(SUB + 8, 0);
    v.setBigUint64(SUB + 16, 0xffff_ffff_ffff_ffffn, true);
    v.setUint32(SUB + 24, 1, true);
    v.setBigUint64(SUB + 32, 2_000_000n, true);
    v.setBigUint64(SUB + 40, 0n, true);
    v.setUint16(SUB + 48, 0, true);
    const t0 = performance.now();
    expect(h.imp.poll_oneoff(SUB, OUT, 1, 1000)).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1.5);
    expect(h.u32(1000)).toBe(1);
    expect(h.u64(OUT)).toBe(0x1111n);
    expect(h.view().getUint16(OUT + 8, true)).toBe(0); // no error: the clock id was read from 24
    // 2: an fd_read subscription at 56 (the second record), which is ready at once with 5 bytes.
    v.setBigUint64(SUB + 56, 0x2222n, true);
    v.setUint8(SUB + 56 + 8, 1);
    v.setUint32(SUB + 56 + 16, fd, true);
    expect(h.imp.poll_oneoff(SUB, OUT, 2, 1000)).toBe(0);
    expect(h.u32(1000)).toBe(1);
    expect(h.u64(OUT)).toBe(0x2222n);
    expect(h.view().getBigUint64(OUT + 16, true)).toBe(5n);
  });
});

describe('running a wasi_unstable command', () => {
  it('run() picks the version from the module\'s imports', async () => {
    const r = await run(readFileSync(join(WASM, 'unstable_command.wasm')), { preopens: { '/': new MemFS({ f: 'abcd' }) } });
    expect({ exitCode: r.exitCode, stdout: r.stdout }).toEqual({ exitCode: 3, stdout: '4\n1\n' });
  });

  it('the CLI runs it as wasmtime does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasi-host-unstable-'));
    try {
      writeFileSync(join(dir, 'f'), 'abcdefg');
      const r = spawnSync(process.execPath, [BIN, 'run', '--dir', `${dir}::/`, join(WASM, 'unstable_command.wasm')], { encoding: 'utf8' });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 3, stdout: '7\n1\n', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
