// dispose() / Symbol.dispose (issue 9, section 5): a reactor keeps its files
// open between calls, so its embedder must be able to close them.
import { fstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS, WASI } from '../src/index.js';
import { wat } from './wat.js';

/** A reactor whose _initialize opens (creates) log.txt in its preopen (fd 3) and keeps it; log() writes to it. */
const REACTOR = `
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "log.txt")
  (data (i32.const 32) "hi\\n")
  (global $fd (mut i32) (i32.const -1))
  (func (export "_initialize")
    ;; path_open(fd 3, no lookup flags, "log.txt", O_CREAT, rights FD_WRITE, none inherited, no fdflags, fd out at 8)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 7) (i32.const 1)
          (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 8))
      (then unreachable))
    (global.set $fd (i32.load (i32.const 8))))
  (func (export "log") (result i32)
    (i32.store (i32.const 0) (i32.const 32))
    (i32.store (i32.const 4) (i32.const 3))
    (call $fd_write (global.get $fd) (i32.const 0) (i32.const 1) (i32.const 12))))`;

let module: WebAssembly.Module;
let dir: string;
beforeAll(async () => {
  module = new WebAssembly.Module(await wat(REACTOR));
  dir = mkdtempSync(join(tmpdir(), 'wasi-host-dispose-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openFds = (): number => readdirSync('/proc/self/fd').length;

function reactor(options: ConstructorParameters<typeof WASI>[0]): { wasi: WASI; log: () => number } {
  const wasi = new WASI(options);
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
  wasi.initialize(instance);
  return { wasi, log: instance.exports.log as () => number };
}

describe('dispose()', () => {
  it('200 reactors holding host files give every descriptor back', () => {
    const before = openFds();
    const reactors = Array.from({ length: 200 }, () => reactor({ preopens: { '/sandbox': dir } }));
    for (const r of reactors) expect(r.log()).toBe(Errno.SUCCESS);
    expect(openFds()).toBeGreaterThanOrEqual(before + 200);
    for (const r of reactors) r.wasi.dispose();
    expect(openFds()).toBe(before);
  });

  it('is idempotent, keeps the host stdio open, and later calls answer EBADF without throwing', () => {
    const { wasi, log } = reactor({ preopens: { '/sandbox': dir } });
    wasi.dispose();
    wasi.dispose();
    expect(log()).toBe(Errno.BADF);
    // The preopen and stdio descriptors are gone for the guest too…
    expect(wasi.wasiImport.fd_prestat_get(3 as never, 64 as never)).toBe(Errno.BADF);
    expect(wasi.wasiImport.fd_fdstat_get(1 as never, 64 as never)).toBe(Errno.BADF);
    // …but the host's own fds 0-2 are not closed.
    for (const fd of [0, 1, 2]) expect(() => fstatSync(fd)).not.toThrow();
    expect(() => wasi.initialize(new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports))).toThrow(/disposed|already/);
  });

  it('Symbol.dispose does the same, so `using` works', () => {
    const fs = new MemFS();
    const { wasi, log } = reactor({ preopens: { '/sandbox': fs }, stdout: 'collect' });
    expect(log()).toBe(Errno.SUCCESS);
    expect(typeof wasi[Symbol.dispose]).toBe('function');
    expect(Object.hasOwn(wasi, Symbol.dispose)).toBe(false);
    wasi[Symbol.dispose]();
    expect(log()).toBe(Errno.BADF);
    expect(fs.readText('/log.txt')).toBe('hi\n');
  });
});
