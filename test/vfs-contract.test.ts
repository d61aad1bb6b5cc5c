import { describe, it, expect, beforeEach, afterEach, afterAll } from 'vitest';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createVfsBridge, VfsBridgeClient } from '../src/vfs/bridge.js';
import * as os from 'node:os';
import * as memfsExports from 'memfs';
import { Volume, createFsFromVolume } from 'memfs';
import { createFsProxy } from '@napi-rs/wasm-runtime';
import { MemFS } from '../src/vfs/memfs.js';
import { FsShapedFS, type FsShaped } from '../src/vfs/fs-shaped.js';
import { NodeFS } from '../src/vfs/node.js';
import type { Vfs, VfsFile, VfsOpenFlags } from '../src/vfs/types.js';

/** The contract every backend keeps; run once per backend. */

interface Made {
  vfs: Vfs;
  cleanup(): void;
}

/**
 * The blocking bridge (src/vfs/bridge.ts): this thread is the client, in
 * Atomics.wait; a worker thread serves a MemFS seen as an AsyncVfs
 * (toAsyncVfs), from the built dist/ (a worker cannot load src/*.ts).
 */
const DIST = new URL('../dist/index.js', import.meta.url);
let bridgeServer: Worker | undefined;
let bridges = 0;
function bridged(): Made {
  if (!fs.existsSync(DIST)) throw new Error('dist/index.js is missing: run `node scripts/build.mjs` (npm test builds first)');
  bridgeServer ??= new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const ready = import(workerData.dist);
     const live = new Map();
     parentPort.on('message', async (m) => {
       const { MemFS, toAsyncVfs, serveVfsBridge } = await ready;
       if (m.stop !== undefined) { live.get(m.stop).stop(); live.delete(m.stop); }
       else live.set(m.id, serveVfsBridge(toAsyncVfs(new MemFS()), m.sab));
     });`,
    { eval: true, workerData: { dist: DIST.href } },
  );
  const id = ++bridges;
  const sab = createVfsBridge(4096);
  bridgeServer.postMessage({ id, sab });
  return { vfs: new VfsBridgeClient(sab), cleanup: () => bridgeServer?.postMessage({ stop: id }) };
}
afterAll(async () => {
  await bridgeServer?.terminate();
});

const backends: { name: string; make(): Made }[] = [
  // A 4 KiB data area, so reads, writes and listings longer than it go in pieces.
  { name: 'bridge to an AsyncVfs', make: bridged },
  { name: 'memfs', make: () => ({ vfs: new MemFS(), cleanup: () => {} }) },
  {
    name: 'node',
    make: () => {
      const dir = fs.mkdtempSync(os.tmpdir() + '/wasi-host-vfs-');
      return { vfs: new NodeFS(dir), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    // The `fs` option's backend (src/fs-option.ts) over memfs's Node-fs-shaped object, rooted below its "/".
    name: 'fs-shaped over memfs',
    make: () => {
      const vol = Volume.fromJSON({ '/outside.txt': 'x' });
      vol.mkdirSync('/root');
      return { vfs: new FsShapedFS(createFsFromVolume(vol) as unknown as FsShaped, '/root'), cleanup: () => {} };
    },
  },
  {
    // As a napi-rs browser worker passes it: every call posted to the thread that owns the Volume.
    name: 'fs-shaped over the napi-rs fs proxy (memfs in a Worker)',
    make: () => {
      const worker = new Worker(new URL('./napi-fs-proxy-worker.mjs', import.meta.url));
      const g = globalThis as { postMessage?: (m: unknown) => void };
      g.postMessage = (m) => worker.postMessage(m);
      const proxy = createFsProxy(memfsExports) as FsShaped;
      return { vfs: new FsShapedFS(proxy, '/root'), cleanup: () => void worker.terminate() };
    },
  },
  {
    name: 'fs-shaped over node:fs',
    make: () => {
      const dir = fs.mkdtempSync(os.tmpdir() + '/wasi-host-vfs-');
      return { vfs: new FsShapedFS(fs as unknown as FsShaped, dir), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  },
];

const NONE: VfsOpenFlags = { read: false, write: false, create: false, exclusive: false, truncate: false, noFollow: false };
const RW: VfsOpenFlags = { ...NONE, read: true, write: true };
const CREATE: VfsOpenFlags = { ...RW, create: true };
const RO: VfsOpenFlags = { ...NONE, read: true };

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The `code` of what `fn` throws; fails the test if it does not throw. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
  throw new Error('expected a throw');
}

const MS = 1_000_000n;

describe.each(backends)('Vfs contract: $name', ({ make }) => {
  let made: Made;
  let vfs: Vfs;
  const open: VfsFile[] = [];

  beforeEach(() => {
    made = make();
    vfs = made.vfs;
  });
  afterEach(() => {
    for (const f of open.splice(0)) {
      try { f.close(); } catch { /* closed by the test */ }
    }
    made.cleanup();
  });

  function openFile(path: string, flags: VfsOpenFlags): VfsFile {
    const f = vfs.open(path, flags);
    open.push(f);
    return f;
  }

  function writeFile(path: string, text: string): void {
    const f = vfs.open(path, { ...CREATE, truncate: true });
    f.write(enc(text), 0);
    f.close();
  }

  function readAll(path: string): string {
    const f = vfs.open(path, RO);
    const size = Number(f.stat().size);
    const buf = new Uint8Array(size);
    const n = f.read(buf, 0);
    f.close();
    return dec(buf.subarray(0, n));
  }

  it('writes and reads at explicit positions', () => {
    const f = openFile('/f', CREATE);
    expect(f.write(enc('hello'), 0)).toBe(5);
    expect(f.write(enc('XY'), 10)).toBe(2);
    expect(f.stat().size).toBe(12n);
    const all = new Uint8Array(20);
    expect(f.read(all, 0)).toBe(12);
    expect(Array.from(all.subarray(0, 12))).toEqual([...enc('hello'), 0, 0, 0, 0, 0, ...enc('XY')]);
    const mid = new Uint8Array(4);
    expect(f.read(mid, 3)).toBe(4);
    expect(dec(mid)).toBe('lo\0\0');
    expect(f.read(mid, 12)).toBe(0);
    expect(f.read(mid, 100)).toBe(0);
    expect(f.write(new Uint8Array(0), 0)).toBe(0);
    expect(f.read(new Uint8Array(0), 0)).toBe(0);
    // Overwrite in the middle; the size stays.
    f.write(enc('LL'), 2);
    expect(f.stat().size).toBe(12n);
    expect(readAll('/f').slice(0, 5)).toBe('heLLo');
  });

  it('lstat gives kinds, sizes, nlink, and one dev', () => {
    writeFile('/f', 'abc');
    vfs.mkdir('/d');
    const root = vfs.lstat('/');
    const f = vfs.lstat('/f');
    const d = vfs.lstat('/d');
    expect(root.kind).toBe('directory');
    expect(f.kind).toBe('file');
    expect(f.size).toBe(3n);
    expect(f.nlink).toBe(1n);
    expect(d.kind).toBe('directory');
    expect(f.dev).toBe(root.dev);
    expect(f.ino).not.toBe(d.ino);
    expect(typeof f.ino).toBe('bigint');
    const file = openFile('/f', RO);
    const fst = file.stat();
    expect(fst.ino).toBe(f.ino);
    expect(fst.dev).toBe(f.dev);
    expect(fst.kind).toBe('file');
  });

  it('link shares the inode and counts links', () => {
    writeFile('/a', 'data');
    vfs.link('/a', '/b');
    const a = vfs.lstat('/a');
    const b = vfs.lstat('/b');
    expect(a.ino).toBe(b.ino);
    expect(a.nlink).toBe(2n);
    expect(b.nlink).toBe(2n);
    expect(readAll('/b')).toBe('data');
    vfs.unlink('/a');
    expect(vfs.lstat('/b').nlink).toBe(1n);
    expect(codeOf(() => vfs.link('/b', '/b'))).toBe('EEXIST');
    expect(codeOf(() => vfs.link('/missing', '/c'))).toBe('ENOENT');
  });

  it('symlink stores the target unchanged; lstat sees a symlink', () => {
    writeFile('/t', 'x');
    vfs.mkdir('/d');
    vfs.symlink('../t', '/d/rel');
    vfs.symlink('nowhere/at/all', '/dangling');
    vfs.symlink('é', '/utf8');
    expect(vfs.readlink('/d/rel')).toBe('../t');
    expect(vfs.readlink('/dangling')).toBe('nowhere/at/all');
    const st = vfs.lstat('/d/rel');
    expect(st.kind).toBe('symlink');
    expect(st.size).toBe(4n);
    expect(vfs.lstat('/utf8').size).toBe(2n);
    expect(vfs.lstat('/dangling').kind).toBe('symlink');
    expect(codeOf(() => vfs.readlink('/t'))).toBe('EINVAL');
    expect(codeOf(() => vfs.symlink('x', '/t'))).toBe('EEXIST');
  });

  it('open with noFollow refuses a final symlink', () => {
    writeFile('/t', 'x');
    vfs.symlink('t', '/l');
    expect(codeOf(() => vfs.open('/l', { ...RO, noFollow: true }))).toBe('ELOOP');
    // Without it the link is followed.
    const f = openFile('/l', RO);
    expect(f.stat().ino).toBe(vfs.lstat('/t').ino);
  });

  it('readdir lists entries sorted by name, with kinds, without . and ..', () => {
    writeFile('/b', '');
    writeFile('/a', '');
    writeFile('/B', '');
    vfs.mkdir('/c');
    vfs.symlink('a', '/l');
    const first = vfs.readdir('/');
    expect(first.map((e) => [e.name, e.kind])).toEqual([
      ['B', 'file'],
      ['a', 'file'],
      ['b', 'file'],
      ['c', 'directory'],
      ['l', 'symlink'],
    ]);
    expect(vfs.readdir('/').map((e) => e.name)).toEqual(first.map((e) => e.name));
    expect(vfs.readdir('/c')).toEqual([]);
  });

  it('mkdir, rmdir, unlink, rename', () => {
    vfs.mkdir('/d');
    vfs.mkdir('/d/e');
    writeFile('/d/e/f', 'content');
    vfs.rename('/d/e/f', '/d/g');
    expect(codeOf(() => vfs.lstat('/d/e/f'))).toBe('ENOENT');
    expect(readAll('/d/g')).toBe('content');
    vfs.rename('/d', '/moved');
    expect(vfs.readdir('/moved').map((e) => e.name)).toEqual(['e', 'g']);
    expect(codeOf(() => vfs.lstat('/d'))).toBe('ENOENT');
    // rename over an existing file replaces it
    writeFile('/other', 'old');
    vfs.rename('/moved/g', '/other');
    expect(readAll('/other')).toBe('content');
    vfs.unlink('/other');
    vfs.rmdir('/moved/e');
    vfs.rmdir('/moved');
    expect(vfs.readdir('/')).toEqual([]);
  });

  it('rename onto an existing name replaces it: the old entry is gone and its links counted down', () => {
    vfs.mkdir('/d');
    writeFile('/d/a', 'new');
    writeFile('/d/b', 'old');
    vfs.link('/d/b', '/b2');
    expect(vfs.lstat('/b2').nlink).toBe(2n);
    vfs.rename('/d/a', '/d/b');
    expect(vfs.readdir('/d').map((e) => e.name)).toEqual(['b']);
    expect(readAll('/d/b')).toBe('new');
    expect(vfs.lstat('/b2').nlink).toBe(1n);
    expect(readAll('/b2')).toBe('old');
    // an empty directory replaced by a directory
    vfs.mkdir('/d/x');
    vfs.mkdir('/d/y');
    vfs.rename('/d/x', '/d/y');
    expect(vfs.readdir('/d').map((e) => e.name)).toEqual(['b', 'y']);
    vfs.rmdir('/d/y');
    vfs.unlink('/d/b');
    vfs.rmdir('/d'); // nothing left behind: the parent really is empty
    expect(vfs.readdir('/').map((e) => e.name)).toEqual(['b2']);
  });

  it('errors carry POSIX codes', () => {
    writeFile('/f', 'x');
    vfs.mkdir('/d');
    writeFile('/d/inner', 'y');
    expect(codeOf(() => vfs.lstat('/missing'))).toBe('ENOENT');
    expect(codeOf(() => vfs.lstat('/missing/x'))).toBe('ENOENT');
    expect(codeOf(() => vfs.open('/missing', RO))).toBe('ENOENT');
    expect(codeOf(() => vfs.open('/missing/x', CREATE))).toBe('ENOENT');
    expect(codeOf(() => vfs.open('/f', { ...CREATE, exclusive: true }))).toBe('EEXIST');
    expect(codeOf(() => vfs.mkdir('/d'))).toBe('EEXIST');
    expect(codeOf(() => vfs.mkdir('/f'))).toBe('EEXIST');
    expect(codeOf(() => vfs.mkdir('/missing/x'))).toBe('ENOENT');
    expect(codeOf(() => vfs.rmdir('/d'))).toBe('ENOTEMPTY');
    expect(codeOf(() => vfs.rmdir('/f'))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.rmdir('/missing'))).toBe('ENOENT');
    expect(codeOf(() => vfs.unlink('/missing'))).toBe('ENOENT');
    expect(codeOf(() => vfs.lstat('/f/x'))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.readdir('/f'))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.readdir('/missing'))).toBe('ENOENT');
    expect(codeOf(() => vfs.open('/d', RW))).toBe('EISDIR');
    expect(codeOf(() => vfs.rename('/missing', '/x'))).toBe('ENOENT');
    // Linux says EISDIR; memfs says EPERM (the macOS answer). The host decides.
    expect(['EISDIR', 'EPERM']).toContain(codeOf(() => vfs.unlink('/d')));
  });

  it('each method throws the codes src/vfs/types.ts documents for it', () => {
    writeFile('/f', 'x');
    vfs.mkdir('/d');
    vfs.mkdir('/empty');
    writeFile('/d/inner', 'y');
    vfs.symlink('f', '/l');
    vfs.symlink('missing', '/dangling');
    expect(codeOf(() => vfs.open('/l', { ...RO, noFollow: true }))).toBe('ELOOP');
    expect(codeOf(() => vfs.open('/f/x', RO))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.mkdir('/dangling'))).toBe('EEXIST');
    expect(codeOf(() => vfs.rmdir('/d/inner'))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.symlink('x', '/f'))).toBe('EEXIST');
    expect(codeOf(() => vfs.symlink('x', '/missing/l'))).toBe('ENOENT');
    expect(codeOf(() => vfs.readlink('/f'))).toBe('EINVAL');
    expect(codeOf(() => vfs.readlink('/missing'))).toBe('ENOENT');
    expect(codeOf(() => vfs.link('/f', '/d/inner'))).toBe('EEXIST');
    expect(codeOf(() => vfs.link('/missing', '/new'))).toBe('ENOENT');
    expect(codeOf(() => vfs.link('/f', '/missing/new'))).toBe('ENOENT');
    expect(['ENOTEMPTY', 'EEXIST']).toContain(codeOf(() => vfs.rename('/empty', '/d')));
    expect(codeOf(() => vfs.rename('/f', '/d'))).toBe('EISDIR');
    expect(codeOf(() => vfs.rename('/empty', '/f'))).toBe('ENOTDIR');
    expect(codeOf(() => vfs.rename('/f', '/missing/f'))).toBe('ENOENT');
    expect(codeOf(() => vfs.setTimes('/missing', 'now', 'now', false))).toBe('ENOENT');
    expect(codeOf(() => vfs.readdir('/missing/x'))).toBe('ENOENT');
    // Nothing was changed by the failures.
    expect(readAll('/f')).toBe('x');
    expect(vfs.readdir('/d').map((e) => e.name)).toEqual(['inner']);
  });

  it('reading a directory opened read-only is EISDIR', () => {
    vfs.mkdir('/d');
    const f = openFile('/d', RO);
    expect(codeOf(() => f.read(new Uint8Array(8), 0))).toBe('EISDIR');
  });

  it('open with truncate empties the file; truncate() shrinks and extends with zeros', () => {
    writeFile('/f', 'hello world');
    const f = openFile('/f', RW);
    f.truncate(5);
    expect(f.stat().size).toBe(5n);
    f.truncate(8);
    expect(f.stat().size).toBe(8n);
    const buf = new Uint8Array(8);
    expect(f.read(buf, 0)).toBe(8);
    expect(Array.from(buf)).toEqual([...enc('hello'), 0, 0, 0]);
    f.close();
    const g = openFile('/f', { ...RW, truncate: true });
    expect(g.stat().size).toBe(0n);
    expect(vfs.lstat('/f').size).toBe(0n);
  });

  it('round-trips nanosecond timestamps through a path', () => {
    writeFile('/f', 'x');
    const a = 1_600_000_000_987_654_321n;
    const m = 1_700_000_000_123_456_789n;
    vfs.setTimes('/f', a, m, true);
    let st = vfs.lstat('/f');
    expect(st.atimNs).toBe(a);
    expect(st.mtimNs).toBe(m);
    // Only mtime: atime keeps its exact value.
    const m2 = 1_700_000_001_000_000_001n;
    vfs.setTimes('/f', undefined, m2, true);
    st = vfs.lstat('/f');
    expect(st.atimNs).toBe(a);
    expect(st.mtimNs).toBe(m2);
    // Neither: both stay.
    vfs.setTimes('/f', undefined, undefined, true);
    st = vfs.lstat('/f');
    expect(st.atimNs).toBe(a);
    expect(st.mtimNs).toBe(m2);
    // An open file sees the same values.
    expect(openFile('/f', RO).stat().mtimNs).toBe(m2);
  });

  it('round-trips nanosecond timestamps through an open file', () => {
    const f = openFile('/f', CREATE);
    const m = 1_700_000_000_123_456_789n;
    f.setTimes(m - 1n, m);
    expect(f.stat().atimNs).toBe(m - 1n);
    expect(f.stat().mtimNs).toBe(m);
    expect(vfs.lstat('/f').mtimNs).toBe(m);
  });

  it("setTimes 'now' means the current realtime", () => {
    writeFile('/f', 'x');
    vfs.setTimes('/f', 1n, 1n, true);
    const before = BigInt(Date.now()) * MS;
    vfs.setTimes('/f', 'now', 'now', true);
    const after = BigInt(Date.now() + 1) * MS;
    const st = vfs.lstat('/f');
    expect(st.mtimNs).toBeGreaterThanOrEqual(before);
    expect(st.mtimNs).toBeLessThanOrEqual(after);
    expect(st.atimNs).toBeGreaterThanOrEqual(before);
    expect(st.atimNs).toBeLessThanOrEqual(after);
  });

  it('setTimes without follow changes the symlink, not its target', () => {
    writeFile('/t', 'x');
    vfs.symlink('t', '/l');
    const target = vfs.lstat('/t').mtimNs;
    const m = 1_500_000_000_000_000_007n;
    vfs.setTimes('/l', undefined, m, false);
    expect(vfs.lstat('/l').mtimNs).toBe(m);
    expect(vfs.lstat('/t').mtimNs).toBe(target);
    vfs.setTimes('/l', undefined, m + 2n, true);
    expect(vfs.lstat('/t').mtimNs).toBe(m + 2n);
    expect(vfs.lstat('/l').mtimNs).toBe(m);
  });

  it('writes and truncates move mtime and ctime forward', () => {
    const f = openFile('/f', CREATE);
    const old = 1_000_000_000_123_456_789n;
    f.setTimes(old, old);
    const before = BigInt(Date.now() - 50) * MS;
    f.write(enc('x'), 0);
    const st = f.stat();
    expect(st.mtimNs).toBeGreaterThan(old);
    // Host filesystems stamp from a coarse clock; allow it some slack.
    expect(st.mtimNs).toBeGreaterThanOrEqual(before);
    expect(st.ctimNs).toBeGreaterThanOrEqual(before);
    expect(st.atimNs).toBe(old);
    f.setTimes(old, old);
    f.truncate(0);
    expect(f.stat().mtimNs).toBeGreaterThanOrEqual(before);
  });

  it('reads and writes through views on a SharedArrayBuffer and a shared wasm memory', () => {
    const f = openFile('/f', CREATE);
    const sab = new SharedArrayBuffer(64);
    const src = new Uint8Array(sab, 7, 10);
    src.set(enc('0123456789'));
    expect(f.write(src, 3)).toBe(10);
    const dst = new Uint8Array(new SharedArrayBuffer(32), 5, 6);
    expect(f.read(dst, 5)).toBe(6);
    expect(dec(dst.slice())).toBe('234567');
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const view = new Uint8Array(mem.buffer, 1000, 4);
    expect(f.read(view, 3)).toBe(4);
    expect(dec(view.slice())).toBe('0123');
    view.set(enc('WXYZ'));
    expect(f.write(view, 0)).toBe(4);
    const all = new Uint8Array(13);
    f.read(all, 0);
    expect(dec(all)).toBe('WXYZ123456789');
    // The bytes around the views are untouched.
    expect(new Uint8Array(sab, 0, 7).every((b) => b === 0)).toBe(true);
  });

  it('many writes on one file keep strictly increasing or equal mtimes', () => {
    const f = openFile('/f', CREATE);
    let last = f.stat().mtimNs;
    for (let i = 0; i < 50; i++) {
      f.write(enc('x'), i);
      const now = f.stat().mtimNs;
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });
});

describe('MemFS', () => {
  it('seeds files and directories and reads them back', () => {
    const bin = new Uint8Array([0, 1, 2, 255]);
    const m = new MemFS({
      'src/main.c': 'int main(void) { return 0; }\n',
      'bin/data.bin': bin,
      'empty-dir/': null,
      'also-empty': null,
      '/abs/x.txt': 'absolute keys are fine',
    });
    expect(m.lstat('/src').kind).toBe('directory');
    expect(m.lstat('/empty-dir').kind).toBe('directory');
    expect(m.lstat('/also-empty').kind).toBe('directory');
    expect(m.readText('src/main.c')).toBe('int main(void) { return 0; }\n');
    expect(m.readText('/abs/x.txt')).toBe('absolute keys are fine');
    const back = m.readFile('bin/data.bin');
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Array.from(back)).toEqual([0, 1, 2, 255]);
    // A copy, not a view on memfs's storage.
    back[0] = 9;
    expect(m.readFile('bin/data.bin')[0]).toBe(0);
    expect(m.toJSON()).toEqual({
      'src/main.c': 'int main(void) { return 0; }\n',
      'bin/data.bin': new TextDecoder().decode(bin),
      'empty-dir': null,
      'also-empty': null,
      'abs/x.txt': 'absolute keys are fine',
    });
  });

  it('a passed Volume is used as is; two MemFS on one Volume agree', () => {
    const vol = Volume.fromJSON({ '/shared.txt': 'hi' }, '/');
    const a = new MemFS(vol);
    const b = new MemFS(vol);
    expect(a.volume).toBe(vol);
    expect(a.readText('shared.txt')).toBe('hi');
    const m = 1_700_000_000_123_456_789n;
    a.setTimes('/shared.txt', m, m, true);
    expect(b.lstat('/shared.txt').mtimNs).toBe(m);
    expect(b.lstat('/').dev).toBe(a.lstat('/').dev);
    expect(new MemFS().lstat('/').dev).not.toBe(a.lstat('/').dev);
    // A write through the Volume behind our back wins over the recorded value.
    vol.utimesSync('/shared.txt', 5, 5);
    expect(a.lstat('/shared.txt').mtimNs).toBe(5_000_000_000n);
  });

  it('times the node holds itself read as its own, however stats of other nodes interleave (the ms-to-ns memo)', () => {
    // Issue 14 part 6: a stat converts a node's millisecond times through a one-value memo; no time
    // of one node may come back for another's, nor an old value after the node changed.
    const vol = Volume.fromJSON({ '/a': '', '/b': '', '/c': '' }, '/');
    const m = new MemFS(vol);
    vol.utimesSync('/a', 1000, 2000);
    vol.utimesSync('/b', 3000, 3000);
    for (let i = 0; i < 3; i++) {
      expect(m.lstat('/a')).toMatchObject({ atimNs: 1_000_000_000_000n, mtimNs: 2_000_000_000_000n });
      expect(m.lstat('/b')).toMatchObject({ atimNs: 3_000_000_000_000n, mtimNs: 3_000_000_000_000n });
    }
    vol.utimesSync('/b', 4000.5, 4000.5);
    expect(m.lstat('/b')).toMatchObject({ atimNs: 4_000_500_000_000n, mtimNs: 4_000_500_000_000n });
    const c = m.lstat('/c');
    expect(c.ctimNs).toBe(BigInt(vol.statSync('/c').ctimeMs) * 1_000_000n);
    expect(m.lstat('/a').atimNs).toBe(1_000_000_000_000n);
  });

  it("a write right after setTimes('now') never reads earlier than the set", () => {
    const m = new MemFS();
    const f = m.open('/f', CREATE);
    for (let i = 0; i < 200; i++) {
      f.setTimes('now', 'now');
      const set = f.stat().mtimNs;
      f.write(enc('x'), 0);
      const st = f.stat();
      expect(st.mtimNs).toBeGreaterThan(set);
      expect(st.ctimNs).toBeGreaterThanOrEqual(st.mtimNs);
    }
    f.close();
  });

  it("truncate() and open with truncate right after setTimes('now') are not hidden by it", () => {
    const m = new MemFS();
    const f = m.open('/f', CREATE);
    for (let i = 0; i < 100; i++) {
      f.setTimes('now', 'now');
      let set = f.stat().mtimNs;
      f.truncate(1);
      expect(f.stat().mtimNs).toBeGreaterThan(set);
      m.setTimes('/f', 'now', 'now', true);
      set = m.lstat('/f').mtimNs;
      m.open('/f', { ...RW, truncate: true }).close();
      expect(m.lstat('/f').mtimNs).toBeGreaterThan(set);
    }
    f.close();
  });

  it('a recycled ino does not inherit recorded times', () => {
    const m = new MemFS();
    const f = m.open('/a', CREATE);
    f.setTimes(1_000_000_000_000_000_001n, 1_000_000_000_000_000_001n);
    const ino = f.stat().ino;
    f.close();
    m.unlink('/a');
    const g = m.open('/b', CREATE);
    const st = g.stat();
    g.close();
    // memfs hands out the freed ino again; its times must be the new file's own.
    if (st.ino === ino) expect(st.mtimNs).not.toBe(1_000_000_000_000_000_001n);
    expect(st.mtimNs).toBeGreaterThan(1_000_000_000_000_000_001n);
  });
});

describe('NodeFS', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(os.tmpdir() + '/wasi-host-vfs-');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('maps backend paths under its root', () => {
    const n = new NodeFS(dir);
    expect(n.root).toBe(fs.realpathSync(dir));
    n.mkdir('/sub');
    const f = n.open('/sub/f.txt', CREATE);
    f.write(enc('on disk'), 0);
    f.close();
    expect(fs.readFileSync(dir + '/sub/f.txt', 'utf8')).toBe('on disk');
  });

  it('refuses a root that is not a directory, naming the option', () => {
    fs.writeFileSync(dir + '/file', '');
    expect(() => new NodeFS(dir + '/file')).toThrow(TypeError);
    expect(() => new NodeFS(dir + '/file')).toThrow(/root/);
    expect(() => new NodeFS(dir + '/missing')).toThrow(TypeError);
  });

  it('refuses a path that is not normalised instead of building it', () => {
    const n = new NodeFS(dir);
    for (const p of ['/../x', '/a/..', '/./a', 'relative', '/a//b', '/a/', '/a\0b']) {
      expect(codeOf(() => n.lstat(p))).toBe('EINVAL');
    }
  });

  it('an outside change to the times wins over the recorded value', () => {
    const n = new NodeFS(dir);
    fs.writeFileSync(dir + '/f', 'x');
    n.setTimes('/f', undefined, 1_700_000_000_123_456_789n, true);
    expect(n.lstat('/f').mtimNs).toBe(1_700_000_000_123_456_789n);
    fs.utimesSync(dir + '/f', 5, 5);
    expect(n.lstat('/f').mtimNs).toBe(5_000_000_000n);
  });
});

describe('FsShapedFS', () => {
  it('reads into a view that is not shared through a 64 KiB shared buffer, so a longer read is short', () => {
    const vol = new Volume();
    vol.writeFileSync('/big', new Uint8Array(100_000).fill(7));
    const memfsFs = createFsFromVolume(vol);
    const lengths: number[] = [];
    const fs = {
      ...memfsFs,
      readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number {
        lengths.push(buf.buffer instanceof SharedArrayBuffer ? buf.byteLength : -1);
        return memfsFs.readSync(fd, buf, off, len, pos);
      },
    } as unknown as FsShaped;
    const f = new FsShapedFS(fs, '/').open('/big', RO);
    const plain = new Uint8Array(100_000);
    expect(f.read(plain, 0)).toBe(65_536);
    expect([plain[65_535], plain[65_536]]).toEqual([7, 0]);
    const shared = new Uint8Array(new SharedArrayBuffer(100_000));
    expect(f.read(shared, 0)).toBe(100_000);
    expect(lengths).toEqual([65_536, 100_000]);
    f.close();
  });
});
