// The import binder (src/binder.ts): interceptors installed from outside,
// without touching any syscall file; the error policy for host bugs; and
// trace lines as the oracle of a few syscalls.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS, WASI, type Interceptor, type TraceEntry } from '../src/index.js';
import { formatTraceEntry } from '../src/trace.js';
import { makeHarness } from './harness.js';

const cat = new WebAssembly.Module(readFileSync(new URL('../wasi-fixtures/cat.wasm', import.meta.url)));

/** Runs cat.wasm on a MemFS holding /a.txt and /b.txt; returns exit code, stdout and stderr. */
function runCat(options: { interceptors?: Interceptor[]; trace?: (e: TraceEntry) => void }): { code: number; out: string; err: string } {
  const wasi = new WASI({
    args: ['cat', '/sandbox/a.txt', '/sandbox/b.txt'],
    preopens: { '/sandbox': new MemFS({ 'a.txt': 'first\n', 'b.txt': 'second\n' }) },
    stdout: 'collect',
    stderr: 'collect',
    ...options,
  });
  const instance = new WebAssembly.Instance(cat, wasi.getImportObject());
  const code = wasi.start(instance);
  const dec = new TextDecoder();
  return { code, out: dec.decode(wasi.getStdout()), err: dec.decode(wasi.getStderr()) };
}

describe('interceptors', () => {
  it('a counter and a fault, installed by the embedder, see and change calls without any syscall knowing', () => {
    const counts = new Map<string, number>();
    const counter: Interceptor = {
      intercept(call, next) {
        return (...args) => {
          counts.set(call.name, (counts.get(call.name) ?? 0) + 1);
          return next(...args);
        };
      },
    };
    // The second path_open fails with EACCES, and is never performed.
    let opens = 0;
    const fault: Interceptor = {
      intercept(call, next) {
        if (call.name !== 'path_open') return undefined;
        expect(call.params.map(([n]) => n)).toContain('fd_out');
        return (...args) => (++opens === 2 ? Errno.ACCES : next(...args));
      },
    };
    const seen: string[] = [];
    const r = runCat({ interceptors: [counter, fault], trace: (e) => seen.push(`${e.name}:${e.errnoName}`) });
    expect(r.out).toBe('first\n');
    expect(r.err).toBe('cat: /sandbox/b.txt: Permission denied\n');
    expect(r.code).toBe(1);
    // The counter (outermost) saw both opens, faulted or not; the trace shows what the guest saw.
    expect(counts.get('path_open')).toBe(2);
    expect(counts.get('fd_write')).toBeGreaterThan(0);
    expect(seen.filter((s) => s.startsWith('path_open'))).toEqual(['path_open:success', 'path_open:acces']);
  });

  it('interceptors are composed outermost first, and may rewrite arguments', () => {
    const order: string[] = [];
    const named = (n: string): Interceptor => ({
      intercept(call, next) {
        if (call.name !== 'clock_time_get') return undefined;
        return (...args) => {
          order.push(n);
          return next(...args);
        };
      },
    });
    // Turns any clock id into REALTIME (0).
    const realtime: Interceptor = { intercept: (call, next) => (call.name === 'clock_time_get' ? (id, p, out) => next(0, p, out) : undefined) };
    const h = makeHarness({ interceptors: [named('outer'), named('inner'), realtime] });
    expect(h.imp.clock_time_get(99, 0n, 64)).toBe(Errno.SUCCESS);
    expect(order).toEqual(['outer', 'inner']);
    expect(h.u64(64)).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('rejects interceptors that are not objects with intercept()', () => {
    expect(() => new WASI({ interceptors: [{}] as unknown as Interceptor[] })).toThrow(/interceptors must be an array of objects with an intercept\(call, next\) method/);
  });
});

describe('host bugs trap; guest errors are errnos', () => {
  function brokenHost(policy?: 'trap' | 'eio'): ReturnType<typeof makeHarness> {
    const broken = new MemFS({ a: 'x' });
    const h = makeHarness({ preopens: { '/b': broken }, onHostError: policy });
    broken.lstat = () => { throw new TypeError('backend bug'); };
    broken.kind = () => { throw new TypeError('backend bug'); };
    h.putString(100, 'a');
    return h;
  }

  it('an exception without a POSIX code traps, with the original error as cause', () => {
    const h = brokenHost();
    let err: unknown;
    try {
      h.imp.path_filestat_get(3, 1, 100, 1, 200);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((err as Error).message).toMatch(/^wasi-host: path_filestat_get failed inside the host .*TypeError: backend bug/);
    expect((err as Error & { cause: unknown }).cause).toBeInstanceOf(TypeError);
  });

  it("onHostError: 'eio' answers EIO instead", () => {
    expect(brokenHost('eio').imp.path_filestat_get(3, 1, 100, 1, 200)).toBe(Errno.IO);
  });

  it('a backend error with a POSIX code is the guest\'s errno, whatever the policy', () => {
    const vfs = new MemFS({ a: 'x' });
    const h = makeHarness({ preopens: { '/b': vfs } });
    const denied = (): never => { throw Object.assign(new Error('denied'), { code: 'EACCES' }); };
    vfs.lstat = denied;
    vfs.kind = denied;
    h.putString(100, 'a');
    expect(h.imp.path_filestat_get(3, 1, 100, 1, 200)).toBe(Errno.ACCES);
  });

  it('a backend error whose code is no POSIX code but a name every object has (toString, constructor, __proto__) traps', () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const vfs = new MemFS({ a: 'x' });
      const h = makeHarness({ preopens: { '/b': vfs } });
      const odd = (): never => { throw Object.assign(new Error('odd'), { code }); };
      vfs.lstat = odd;
      vfs.kind = odd;
      h.putString(100, 'a');
      expect(() => h.imp.path_filestat_get(3, 1, 100, 1, 200), code).toThrow(WebAssembly.RuntimeError);
    }
  });

  it('a trap in a running program ends start() and is traced as a trap', () => {
    const vfs = new MemFS({ 'a.txt': 'x', 'b.txt': 'y' });
    const lines: string[] = [];
    const wasi = new WASI({
      args: ['cat', '/sandbox/a.txt'], preopens: { '/sandbox': vfs }, stdout: 'collect', stderr: 'collect',
      trace: (e) => lines.push(`${e.name} -> ${e.errno ?? e.errnoName}`),
    });
    const instance = new WebAssembly.Instance(cat, wasi.getImportObject());
    // MemFS opens a plain path with openFile (src/vfs/types.ts), anything else with open: both fail.
    const bug = (): never => { throw new Error('no code'); };
    Object.assign(vfs as unknown as { open: () => never; openFile: () => never }, { open: bug, openFile: bug });
    expect(() => wasi.start(instance)).toThrow(WebAssembly.RuntimeError);
    expect(lines[lines.length - 1]).toBe('path_open -> trap');
  });

  it('arguments of the wrong types (an import declared with another signature) are EINVAL, never a throw', () => {
    const h = makeHarness({ preopens: { '/': new MemFS() } });
    const imp = h.imp as unknown as Record<string, (...a: unknown[]) => number>;
    expect(imp.clock_time_get(0, 0, 0n)).toBe(Errno.INVAL);
    expect(imp.clock_time_get(0, 0n)).toBe(Errno.INVAL);
    expect(imp.path_open(3, 0, 100n, 1, 0, 0n, 0n, 0, 64)).toBe(Errno.INVAL);
  });
});

describe('trace lines as the oracle', () => {
  /** Each call's trace line without its timing. */
  function traced(run: (h: ReturnType<typeof makeHarness>) => void): string[] {
    const lines: string[] = [];
    const h = makeHarness({
      preopens: { '/sandbox': new MemFS({ 'a.txt': 'hello', 'link': null }) },
      trace: (e) => lines.push(formatTraceEntry(e).replace(/ {2}\([0-9.]+ ms\)\n$/, '')),
    });
    run(h);
    return lines;
  }

  it('path_open, fd_write, fd_read, fd_close', () => {
    const lines = traced((h) => {
      const len = h.putString(100, 'a.txt');
      h.imp.path_open(3, 1, 100, len, 0, 0x3fffffffn, 0x3fffffffn, 0, 200);
      h.putIovecs(300, [[400, 3]]);
      h.imp.fd_read(h.u32(200), 300, 1, 204);
      h.imp.fd_close(h.u32(200));
      h.imp.fd_close(h.u32(200));
      const missing = h.putString(100, 'nope/../x');
      h.imp.path_open(3, 1, 100, missing, 0, 0x3fffffffn, 0x3fffffffn, 0, 200);
    });
    expect(lines).toEqual([
      '[wasi] path_open(fd=3, dirflags=1, path="a.txt", oflags=0, fs_rights_base=0x3fffffff, fs_rights_inheriting=0x3fffffff, fdflags=0, fd_out=200) -> 0 fd=4',
      '[wasi] fd_read(fd=4, iovs=300, iovs_len=1, nread_out=204) -> 0 nread=3',
      '[wasi] fd_close(fd=4) -> 0',
      '[wasi] fd_close(fd=4) -> 8 EBADF',
      '[wasi] path_open(fd=3, dirflags=1, path="nope/../x", oflags=0, fs_rights_base=0x3fffffff, fs_rights_inheriting=0x3fffffff, fdflags=0, fd_out=200) -> 44 ENOENT',
    ]);
  });

  it('fd_prestat_dir_name and path_readlink report the strings the host wrote', () => {
    const lines = traced((h) => {
      h.imp.fd_prestat_dir_name(3, 100, 8);
      const t = h.putString(100, 'a.txt');
      const n = h.putString(200, 'ln');
      h.imp.path_symlink(100, t, 3, 200, n);
      h.imp.path_readlink(3, 200, n, 300, 64, 400);
    });
    expect(lines).toEqual([
      '[wasi] fd_prestat_dir_name(fd=3, path=100, path_len=8) -> 0 name="/sandbox"',
      '[wasi] path_symlink(old_path="a.txt", fd=3, new_path="ln") -> 0',
      '[wasi] path_readlink(fd=3, path="ln", buf=300, buf_len=64, bufused_out=400) -> 0 bufused=5 target="a.txt"',
    ]);
  });
});
