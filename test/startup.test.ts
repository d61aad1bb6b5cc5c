// What the startup work of issue 14 (part 5) restructured, held to the
// behaviour it had: the import object (src/binder.ts builds it from a shape
// worked out once per table), the argument checks of every import at every
// parameter position (one i64 bit mask per import), quiet stacks for path_*
// calls (folded into the binder), argv and environ encoded on first use
// (src/memory.ts StringList), and the descriptors closed at the end of a run.
// Part 6 (s-startup): each import's closure made when it is first read, and
// guest memory's views made at its first use, not when it is attached.
// Part 7 (s-startalloc): a preopen's root asked only what is not known.
// Part 8 (s-warm): a MemFS's tree made at first use; own keys walked with for…in.
import { describe, expect, it, vi } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { FileType } from '../src/abi/constants.js';
import { MemFS, WASI } from '../src/index.js';
import { WASIHost } from '../src/wasi.js';
import { nodePlatform } from '../src/platform/node.js';
import { SYSCALLS } from '../src/syscalls/table.js';
import { SYSCALLS_UNSTABLE } from '../src/syscalls/unstable.js';
import { GuestMemory } from '../src/memory.js';
import type { Interceptor } from '../src/binder.js';
import { makeHarness, type Imports } from './harness.js';
import { wat } from './wat.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeFS } from '../src/vfs/node.js';
import { Link } from '@jsonjoy.com/fs-core/lib/Link.js';
import { Volume } from 'memfs';

describe('the import object', () => {
  it('has every import of the table as an own enumerable function, in table order, each host its own', () => {
    const a = new WASI({ preopens: { '/': new MemFS() } });
    const b = new WASI({ preopens: { '/': new MemFS() } });
    expect(Object.keys(a.wasiImport)).toEqual(SYSCALLS.map((d) => d.name));
    for (const [name, fn] of Object.entries(a.wasiImport)) {
      expect(typeof fn, name).toBe('function');
      expect(fn, name).not.toBe((b.wasiImport as unknown as Record<string, unknown>)[name]);
    }
    // Spread and overridden, as embedders do to replace one import.
    const mine = { ...a.wasiImport, fd_write: () => 0 };
    expect(mine.path_open).toBe(a.wasiImport.path_open);
    const unstable = new WASI({ version: 'unstable' });
    expect(Object.keys(unstable.wasiImport)).toEqual(SYSCALLS_UNSTABLE.map((d) => d.name));
  });

  it('binds an import when it is first read: a module importing one import makes one, and every read sees it', async () => {
    const bound: string[] = [];
    const spy: Interceptor = { intercept: (call) => void bound.push(call.name) };
    const wasi = new WASI({ interceptors: [spy], preopens: { '/': new MemFS() } });
    expect(bound).toEqual([]);
    const module = new WebAssembly.Module(await wat(`(module
      (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1)
      (func (export "_start") (call 0 (i32.const 7))))`));
    const instance = new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    expect(bound).toEqual(['proc_exit']);
    expect(wasi.start(instance)).toBe(7);
    // Read again, in every way an embedder reads an object: the same function each time, bound once.
    const imp = wasi.wasiImport as unknown as Record<string, unknown>;
    const fd = imp.fd_write;
    expect(typeof fd).toBe('function');
    expect(imp.fd_write).toBe(fd);
    expect(Object.getOwnPropertyDescriptor(imp, 'fd_read')?.value).toBe(imp.fd_read);
    expect(typeof Object.getOwnPropertyDescriptor(imp, 'fd_seek')?.value).toBe('function');
    expect({ ...imp }.fd_write).toBe(fd);
    expect(bound.filter((n) => n === 'fd_write')).toEqual(['fd_write']);
    expect('fd_close' in imp && !('nope' in imp) && imp.nope === undefined).toBe(true);
    // Set and deleted as on a plain object.
    const mine = (): number => 0;
    imp.fd_close = mine;
    expect(imp.fd_close).toBe(mine);
    delete imp.fd_sync;
    expect(imp.fd_sync).toBeUndefined();
    expect(Object.keys(imp)).not.toContain('fd_sync');
    // Frozen, sealed or made non-extensible, as an embedder may: every import can still be read and bound.
    for (const lock of [Object.freeze, Object.seal, Object.preventExtensions]) {
      const locked = lock(new WASI().wasiImport) as unknown as Record<string, unknown>;
      expect(typeof locked.path_open, lock.name).toBe('function');
      expect(Object.values(locked).every((f) => typeof f === 'function'), lock.name).toBe(true);
    }
  });

  it('the core host binds the same names', () => {
    const core = new WASIHost({}, nodePlatform);
    expect(Object.keys(core.wasiImport)).toEqual(SYSCALLS.map((d) => d.name));
  });
});

describe('the boundary of each arity (src/binder.ts)', () => {
  it('every import of both tables has an arity the binder has a closure for: 0-7, or 9 (path_open)', () => {
    // The binder's last case takes any other arity as nine, and would answer EINVAL to every call of it.
    for (const def of [...SYSCALLS, ...SYSCALLS_UNSTABLE]) expect([0, 1, 2, 3, 4, 5, 6, 7, 9], def.name).toContain(def.params.length);
    expect([...SYSCALLS, ...SYSCALLS_UNSTABLE].filter((d) => d.params.length === 9).map((d) => d.name)).toEqual(['path_open', 'path_open']);
  });
});

describe('argument checks, every import, every parameter', () => {
  const h = makeHarness({ preopens: { '/': new MemFS() } });
  const imp = h.imp as unknown as Record<string, (...a: unknown[]) => number>;
  // Arguments of the declared types that no call gets to use: each case below changes one.
  const good = (type: string): number | bigint => (type === 'i64' ? 0n : 0);

  for (const def of SYSCALLS) {
    it(`${def.name}: each parameter of the other type, one too few, one too many → EINVAL`, () => {
      const args = def.params.map(([, type]) => good(type));
      def.params.forEach(([name, type], i) => {
        const wrong = [...args];
        wrong[i] = type === 'i64' ? 0 : 0n;
        expect(imp[def.name](...wrong), `${def.name}(${name}: ${type} given the other type)`).toBe(Errno.INVAL);
      });
      if (args.length > 0) expect(imp[def.name](...args.slice(0, -1))).toBe(Errno.INVAL);
      expect(imp[def.name](...args, 0)).toBe(Errno.INVAL);
      // A number where an i32 belongs that is no 32-bit integer.
      const i32 = def.params.findIndex(([, type]) => type === 'i32');
      if (i32 >= 0) {
        const frac = [...args];
        frac[i32] = 0.5;
        expect(imp[def.name](...frac)).toBe(Errno.INVAL);
      }
    });
  }
});

describe('quiet stacks for path_* calls', () => {
  it('a path_* call runs with stack traces off and restores the limit; other imports leave it alone', () => {
    const seen: number[] = [];
    const vfs = new MemFS({ a: 'x' });
    const h = makeHarness({ preopens: { '/m': vfs } });
    const lstat = vfs.lstat.bind(vfs);
    vfs.lstat = (p) => {
      seen.push(Error.stackTraceLimit);
      return lstat(p);
    };
    const saved = Error.stackTraceLimit;
    Error.stackTraceLimit = 13;
    try {
      h.putString(100, 'a');
      expect(h.imp.path_filestat_get(3, 1, 100, 1, 200)).toBe(Errno.SUCCESS);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen)).toEqual(new Set([0]));
      expect(Error.stackTraceLimit).toBe(13);
      seen.length = 0;
      // fd_filestat_get on the preopen reaches the backend too, without quieting it.
      expect(h.imp.fd_filestat_get(3, 200)).toBe(Errno.SUCCESS);
      for (const limit of seen) expect(limit).toBe(13);
    } finally {
      Error.stackTraceLimit = saved;
    }
  });

  it('a host bug in a path_* call still traps with the import named, and the error policy still applies', () => {
    for (const onHostError of ['trap', 'eio'] as const) {
      const vfs = new MemFS({ a: 'x' });
      const h = makeHarness({ preopens: { '/m': vfs }, onHostError });
      vfs.lstat = () => {
        throw new SyntaxError('broken store');
      };
      vfs.kind = vfs.lstat as unknown as MemFS['kind'];
      h.putString(100, 'a');
      if (onHostError === 'eio') {
        expect(h.imp.path_filestat_get(3, 1, 100, 1, 200)).toBe(Errno.IO);
        continue;
      }
      let err: unknown;
      try {
        h.imp.path_filestat_get(3, 1, 100, 1, 200);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WebAssembly.RuntimeError);
      expect((err as Error).message).toMatch(/^wasi-host: path_filestat_get failed inside the host .*SyntaxError: broken store/);
      expect((err as Error & { cause: unknown }).cause).toBeInstanceOf(SyntaxError);
    }
  });
});

describe('guest memory', () => {
  it('is not read when attached: its views are made at the first access, and a second attach starts over', () => {
    let reads = 0;
    const watched = (m: WebAssembly.Memory): WebAssembly.Memory => {
      const buffer = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer')!.get!;
      Object.defineProperty(m, 'buffer', { get: () => (reads++, buffer.call(m)) });
      return m;
    };
    const a = watched(new WebAssembly.Memory({ initial: 1 }));
    const mem = new GuestMemory();
    mem.attach(a);
    expect(reads).toBe(0);
    mem.setU32(8, 42);
    expect(reads).toBe(1);
    expect(new DataView(a.buffer).getUint32(8, true)).toBe(42);
    const b = new WebAssembly.Memory({ initial: 2 });
    mem.attach(b);
    expect(mem.u8.byteLength).toBe(2 * 65536);
    expect(mem.u32(8)).toBe(0);
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    mem.attach(shared);
    expect(mem.shared).toBe(true);
  });
});

describe('a host directory', () => {
  it.runIf(process.platform === 'linux')('registers its held descriptors for closing when it first holds one, not when made', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'f'), 'x');
    const register = vi.spyOn(FinalizationRegistry.prototype, 'register');
    try {
      const vfs = new NodeFS(dir);
      const wasi = new WASI({ preopens: { '/': dir } });
      expect(register).not.toHaveBeenCalled();
      expect(vfs.lstat('/a').kind).toBe('directory');
      expect(register).not.toHaveBeenCalled();
      // A name below the root is looked up through its held parent ('/a'): now there is something to close.
      expect(vfs.lstat('/a/f').kind).toBe('file');
      expect(vfs.lstat('/a/f').kind).toBe('file');
      expect(register).toHaveBeenCalledTimes(1);
      expect(register.mock.calls[0][0]).toBe(vfs);
      wasi.dispose();
    } finally {
      register.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a preopen's root", () => {
  it("of a host directory is not asked again after its realpath found it one; an embedder's backend is asked by kind(), not a whole lstat", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
    const lstat = vi.spyOn(NodeFS.prototype, 'lstat');
    const kind = vi.spyOn(NodeFS.prototype, 'kind');
    const memLstat = vi.spyOn(MemFS.prototype, 'lstat');
    const memKind = vi.spyOn(MemFS.prototype, 'kind');
    try {
      new WASI({ preopens: { '/d': dir } }).dispose();
      expect(lstat).not.toHaveBeenCalled();
      expect(kind).not.toHaveBeenCalled();
      new WASI({ preopens: { '/m': new MemFS() } }).dispose();
      expect(memKind).toHaveBeenCalledTimes(1);
      expect(memLstat).not.toHaveBeenCalled();
      // The check itself stands: a host file is refused.
      fs.writeFileSync(path.join(dir, 'f'), '');
      expect(() => new WASI({ preopens: { '/f': path.join(dir, 'f') } })).toThrow(/is not a directory/);
    } finally {
      lstat.mockRestore();
      kind.mockRestore();
      memLstat.mockRestore();
      memKind.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a backend whose root is gone or not a directory is refused as before', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
    try {
      const vfs = new NodeFS(dir);
      fs.rmSync(dir, { recursive: true });
      expect(() => new WASI({ preopens: { '/gone': vfs } })).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      fs.writeFileSync(dir, '');
      expect(() => new WASI({ preopens: { '/file': vfs } })).toThrow("preopens['/file']: the backend's root is a file, not a directory");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a MemFS's tree (part 8: made at first use)", () => {
  it('an empty MemFS makes its root only when something looks: a preopen of it and a run that opens nothing make none', async () => {
    const setNode = vi.spyOn(Link.prototype, 'setNode');
    try {
      const vfs = new MemFS();
      const wasi = new WASI({ preopens: { '/m': vfs } });
      const module = new WebAssembly.Module(await wat(`(module (memory (export "memory") 1) (func (export "_start")))`));
      expect(wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports))).toBe(0);
      expect(setNode).not.toHaveBeenCalled();
      // Asked, it is there, a directory like any other.
      expect(vfs.lstat('/').kind).toBe('directory');
      expect(setNode).toHaveBeenCalledTimes(1);
    } finally {
      setNode.mockRestore();
    }
  });

  it("the root made late is the store's first node (ino 1), with the store's making for its times, and kind('/') answers as lstat does", async () => {
    const vfs = new MemFS();
    const made = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    expect(vfs.kind('/')).toBe('directory');
    const st = vfs.lstat('/');
    expect(st.ino).toBe(1n);
    expect(Number(st.mtimNs / 1_000_000n)).toBeLessThanOrEqual(made);
    expect(Number(st.ctimNs / 1_000_000n)).toBeLessThanOrEqual(made);
    vfs.mkdir('/d');
    expect(vfs.lstat('/d').ino).toBe(2n);
    // A `root` option's directory is still looked up: removed through the Volume, it is gone.
    const vol = Volume.fromJSON({ '/sub/f': 'x' });
    const sub = new MemFS(vol, { root: '/sub' });
    expect(sub.kind('/')).toBe('directory');
    vol.rmSync('/sub', { recursive: true });
    expect(sub.kind('/')).toBeUndefined();
  });
});

describe('write-behind off (part 8: one batch for every such host)', () => {
  it("a host's write lands at once even while another host's run has the shared batch enabled", () => {
    const a = makeHarness({ preopens: { '/m': new MemFS() } });
    const vfs = new MemFS();
    const b = makeHarness({ preopens: { '/m': vfs } });
    const batch = (h: typeof a) => (h.wasi as unknown as { ctx: { writeBehind: { enabled: boolean; accepts(): boolean } } }).ctx.writeBehind;
    expect(batch(a)).toBe(batch(b));
    batch(a).enabled = true;
    try {
      b.putString(100, 'f');
      expect(b.imp.path_open(3, 0, 100, 1, 1, 0x40n, 0n, 0, 200)).toBe(Errno.SUCCESS);
      b.putString(300, 'hi');
      b.putIovecs(400, [[300, 2]]);
      expect(b.imp.fd_write(b.u32(200), 400, 1, 500)).toBe(Errno.SUCCESS);
      expect(vfs.readText('/f')).toBe('hi');
    } finally {
      batch(a).enabled = false;
    }
  });
});

describe('default stdio (part 8: one stream per fd for every host)', () => {
  it('every host without stdio options shares the process\'s streams, each asking isatty when asked, not once', () => {
    expect(nodePlatform.defaultStdio(1)).toBe(nodePlatform.defaultStdio(1));
    expect(nodePlatform.defaultStdio(0)).not.toBe(nodePlatform.defaultStdio(1));
    // A terminal's fd closed and its number taken by a file: the stream now says what the fd is.
    let fd: number;
    try {
      fd = fs.openSync('/dev/ptmx', 'r+');
    } catch {
      return; // no pseudo-terminals here
    }
    const stream = nodePlatform.fdStream(fd, 'write');
    expect(stream.filetype).toBe(FileType.CHARACTER_DEVICE);
    fs.closeSync(fd);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-startup-'));
    const file = fs.openSync(path.join(dir, 'f'), 'w');
    try {
      if (file === fd) expect(stream.filetype).toBe(FileType.UNKNOWN);
    } finally {
      fs.closeSync(file);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('argv and environ', () => {
  it('are the ones given to the constructor, whatever the embedder does to its array later', () => {
    const args = ['prog', 'é'];
    const env = { A: '1' };
    const h = makeHarness({ args, env });
    args.push('late');
    args[0] = 'changed';
    (env as Record<string, string>).B = '2';
    const imp: Imports = h.imp;
    expect(imp.args_sizes_get(100, 104)).toBe(Errno.SUCCESS);
    expect([h.u32(100), h.u32(104)]).toEqual([2, 'prog\0'.length + 3]);
    expect(imp.args_get(200, 300)).toBe(Errno.SUCCESS);
    expect(new TextDecoder().decode(h.bytes(300, 8))).toBe('prog\0é\0');
    expect(imp.environ_sizes_get(100, 104)).toBe(Errno.SUCCESS);
    expect([h.u32(100), h.u32(104)]).toEqual([1, 4]);
  });
});

describe('own keys only (the option checks walk keys with for…in and hasOwn)', () => {
  it('an inherited env entry is not the guest\'s, nor is an inherited option checked or taken', () => {
    const env = Object.assign(Object.create({ INHERITED: 'x' }) as Record<string, string>, { A: '1' });
    const options = Object.assign(Object.create({ notAnOption: true, env: { B: '2' } }) as object, { env });
    expect(() => new WASI(options).dispose()).not.toThrow();
    const h = makeHarness({ env });
    expect(h.imp.environ_sizes_get(100, 104)).toBe(Errno.SUCCESS);
    expect([h.u32(100), h.u32(104)]).toEqual([1, 'A=1\0'.length]);
    expect(() => new WASI({ env, bogus: 1 } as object)).toThrow('WASI: unknown option `bogus`');
  });

  it('an inherited preopen is not mounted: the own ones take 3, 4, … in order', () => {
    const preopens = Object.assign(Object.create({ '/inherited': new MemFS() }) as Record<string, MemFS>, { '/a': new MemFS(), '/b': new MemFS() });
    const h = makeHarness({ preopens });
    for (const [fd, name] of [[3, '/a'], [4, '/b']] as const) {
      expect(h.imp.fd_prestat_get(fd, 100)).toBe(Errno.SUCCESS);
      expect(h.imp.fd_prestat_dir_name(fd, 200, 2)).toBe(Errno.SUCCESS);
      expect(h.bytes(200, 2)).toEqual(new TextEncoder().encode(name));
    }
    expect(h.imp.fd_prestat_get(5, 100)).toBe(Errno.BADF);
  });
});

describe('the end of a run', () => {
  it('closes every file the guest left open, wherever it sits in the table, and keeps stdio and preopens', () => {
    const vfs = new MemFS({ a: 'x', b: 'y', c: 'z' });
    const h = makeHarness({ preopens: { '/m': vfs } });
    const opened: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      h.putString(100, name);
      expect(h.imp.path_open(3, 0, 100, 1, 0, 0x2n, 0n, 0, 200)).toBe(Errno.SUCCESS);
      opened.push(h.u32(200));
    }
    expect(opened).toEqual([4, 5, 6]);
    // A hole below the last: the walk must not stop at it.
    expect(h.imp.fd_close(5)).toBe(Errno.SUCCESS);
    (h.wasi as unknown as { endRun(): void }).endRun();
    for (const fd of opened) expect(h.imp.fd_fdstat_get(fd, 300)).toBe(Errno.BADF);
    for (const fd of [0, 1, 2, 3]) expect(h.imp.fd_fdstat_get(fd, 300)).toBe(Errno.SUCCESS);
    h.wasi.dispose();
    for (const fd of [0, 1, 2, 3]) expect(h.imp.fd_fdstat_get(fd, 300)).toBe(Errno.BADF);
  });
});
