// An AsyncVfs reached from synchronous syscalls (docs/async-seam.md; issue 13):
// - the blocking bridge (src/vfs/bridge.ts) in pieces: data and listings larger
//   than its buffer, clients on three threads sharing one buffer, a backend's
//   POSIX error and its bug, a stopped server;
// - spawn() (the built dist/runner.js) with an AsyncVfs preopen served from
//   this thread: six fixtures that touch files in different ways run in the
//   Worker against the embedder's MemFS (one Worker each, about a second
//   each here; every fixture runs on an AsyncVfs in the browsers' JSPI list);
// - misuse: plain imports and startThreaded refuse an AsyncVfs preopen.
// The Vfs contract over the bridge: test/vfs-contract.test.ts. JSPI with an
// AsyncVfs and the OPFS backend: test/browser-runner.test.ts (Chromium, Firefox).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, loadFixtures } from './fixture-runner.js';
import { WASI, MemFS } from '../src/index.js';
import { toAsyncVfs, type AsyncVfs } from '../src/vfs/async.js';
import { createVfsBridge, serveVfsBridge, VfsBridgeClient } from '../src/vfs/bridge.js';
import { Journal, JournaledVfs, Suspend } from '../src/vfs/journal.js';
import { rerunning } from '../src/jspi.js';

const RUNNER = new URL('../dist/runner.js', import.meta.url);
type RunnerModule = typeof import('../src/runner/node.js');
const runner = async (): Promise<RunnerModule> => {
  if (!existsSync(RUNNER)) throw new Error('dist/runner.js is missing: run `node scripts/build.mjs` (npm test builds first)');
  return (await import(/* @vite-ignore */ RUNNER.href)) as RunnerModule;
};
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * A client on a worker thread (it blocks in Atomics.wait) calling a bridge
 * served here: it runs `body` (the text of a function of `vfs`) and posts
 * back what it returns or the error's code and message.
 */
function clientThread(sab: SharedArrayBuffer, body: string): Promise<unknown> {
  const w = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     import(workerData.dist).then(({ VfsBridgeClient }) => {
       const vfs = new VfsBridgeClient(workerData.sab);
       try { parentPort.postMessage({ ok: (${body})(vfs) }); }
       catch (e) { parentPort.postMessage({ code: e.code, message: e.message }); }
     });`,
    { eval: true, workerData: { sab, dist: new URL('../dist/index.js', import.meta.url).href } },
  );
  return new Promise((resolve, reject) => {
    w.once('message', (m) => { void w.terminate(); resolve(m); });
    w.once('error', reject);
  });
}

describe('the blocking bridge', () => {
  it('moves a write, a read and a listing larger than its buffer in pieces, intact', async () => {
    const fs = new MemFS({ 'd/': null });
    const sab = createVfsBridge(4096);
    const server = serveVfsBridge(toAsyncVfs(fs), sab);
    const r = await clientThread(sab, `(vfs) => {
      const data = new Uint8Array(10000).map((_, i) => (i * 7) & 255);
      const f = vfs.open('/big', { read: true, write: true, create: true, exclusive: false, truncate: false, noFollow: true });
      const wrote = f.write(data, 5);
      const back = new Uint8Array(10010);
      const read = f.read(back, 0);
      f.close();
      for (let i = 0; i < 300; i++) vfs.mkdir('/d/' + String(i).padStart(40, 'x'));
      const names = vfs.readdir('/d').map((e) => e.name);
      return { wrote, read, same: back.subarray(5, 10005).every((b, i) => b === data[i]), names: names.sort() };
    }`);
    server.stop();
    await server.done;
    const names = Array.from({ length: 300 }, (_, i) => String(i).padStart(40, 'x')).sort();
    expect(r).toEqual({ ok: { wrote: 10000, read: 10005, same: true, names } });
    expect(fs.readFile('/big').length).toBe(10005);
  });

  it("passes a backend's POSIX code through; a backend error without one reaches the client as a bug (no code)", async () => {
    const broken: AsyncVfs = { ...toAsyncVfs(new MemFS()), lstat: () => Promise.reject(new TypeError('backend bug')) };
    const sab = createVfsBridge(4096);
    const server = serveVfsBridge(broken, sab);
    expect(await clientThread(sab, `(vfs) => { try { vfs.rmdir('/nope'); } catch (e) { return e.code; } }`)).toEqual({ ok: 'ENOENT' });
    expect(await clientThread(sab, `(vfs) => vfs.lstat('/')`)).toEqual({ code: undefined, message: 'the bridged backend failed: TypeError: backend bug' });
    server.stop();
  });

  it('clients on three threads share one buffer: each one\'s writes, reads (in pieces) and listings come back intact', async () => {
    const fs = new MemFS({ 'd/': null });
    const sab = createVfsBridge(4096);
    const server = serveVfsBridge(toAsyncVfs(fs), sab);
    const body = (t: number): string => `(vfs) => {
      const flags = { read: true, write: true, create: true, exclusive: false, truncate: false, noFollow: true };
      let bad = 0;
      for (let round = 0; round < 40; round++) {
        const data = new Uint8Array(9000).fill(${t} * 50 + (round & 31));
        const f = vfs.open('/f${t}', flags);
        f.write(data, 0);
        const back = new Uint8Array(9000);
        f.read(back, 0);
        f.close();
        if (!back.every((b) => b === data[0])) bad++;
        vfs.mkdir('/d/${t}-' + String(round).padStart(100, 'x'));
        if (vfs.readdir('/d').filter((e) => e.name.startsWith('${t}-')).length !== round + 1) bad++;
      }
      return bad;
    }`;
    const r = await Promise.all([0, 1, 2].map((t) => clientThread(sab, body(t))));
    server.stop();
    await server.done;
    expect(r).toEqual([{ ok: 0 }, { ok: 0 }, { ok: 0 }]);
    expect(fs.readdir('/d').length).toBe(120);
  });

  it('after stop(), a call fails with EIO at once instead of waiting', async () => {
    const sab = createVfsBridge(4096);
    const server = serveVfsBridge(toAsyncVfs(new MemFS()), sab);
    server.stop();
    await server.done;
    expect(() => new VfsBridgeClient(sab).lstat('/')).toThrow(expect.objectContaining({ code: 'EIO' }));
  });
});

describe('the journal (JSPI with an AsyncVfs, driven here without JSPI)', () => {
  const RW = { read: true, write: true, create: true, exclusive: true, truncate: false, noFollow: true };

  it('a call is re-run after each backend answer until it needs none; each backend call is made once, in order', async () => {
    const fs = new MemFS({ 'd/': null });
    const made: string[] = [];
    const source = toAsyncVfs(fs);
    const spy: AsyncVfs = { ...source, lstat: (p) => { made.push(`lstat ${p}`); return source.lstat(p); }, open: (p, f) => { made.push(`open ${p}`); return source.open(p, f); } };
    const journal = new Journal();
    const vfs = new JournaledVfs(spy, journal);
    let runs = 0;
    // A syscall-shaped function: a lookup, an exclusive create, a write, a read back.
    const call = rerunning(journal, () => {
      runs++;
      if (vfs.lstat('/d').kind !== 'directory') return 54;
      const f = vfs.open('/d/new.txt', RW);
      const n = f.write(enc.encode('hello'), 0);
      const back = new Uint8Array(5);
      f.read(back, 0);
      return dec.decode(back) === 'hello' ? n : 29;
    });
    const r = call();
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toBe(5);
    expect(runs).toBe(5); // four backend calls, so five runs
    expect(made).toEqual(['lstat /d', 'open /d/new.txt']); // O_EXCL ran once: a second open would be EEXIST
    expect(fs.readText('/d/new.txt')).toBe('hello');
  });

  it('answers at once (no promise) when the call makes no backend call, and a failure is the backend\'s error, once', async () => {
    const journal = new Journal();
    const vfs = new JournaledVfs(toAsyncVfs(new MemFS()), journal);
    expect(rerunning(journal, () => 7)()).toBe(7);
    await expect(rerunning(journal, () => {
      try {
        vfs.lstat('/missing');
      } catch (e) {
        if (e instanceof Suspend) throw e;
        return (e as { code: string }).code === 'ENOENT' ? 44 : 0;
      }
      return 0;
    })()).resolves.toBe(44);
  });

  it('a re-run that asks for another backend call than the first run did is a host bug, named', async () => {
    const journal = new Journal();
    const vfs = new JournaledVfs(toAsyncVfs(new MemFS({ a: 'x', b: 'y' })), journal);
    let first = true;
    const call = rerunning(journal, () => {
      const path = first ? '/a' : '/b';
      first = false;
      vfs.lstat(path);
      return 0;
    });
    await expect(call()).rejects.toThrow('a syscall re-run after a wait made another backend call (lstat /b) than its first run did (lstat /a)');
  });

  it('outside a call (plain imports) a backend call says to use JSPI or spawn()', () => {
    const vfs = new JournaledVfs(toAsyncVfs(new MemFS()), new Journal());
    expect(() => vfs.readdir('/')).toThrow(/outside a JSPI import: use getAsyncImportObject\(\) and startAsync\(\), or run the program with spawn\(\)/);
  });
});

describe('spawn() with an AsyncVfs preopen (Node, dist/runner.js)', () => {
  // 7-byte I/O and O_EXCL; directories, rename, an open file unlinked; symlinks and hard links;
  // seeks; listings larger than a page; nanosecond times.
  const chosen = ['cp', 'fs_ops', 'links', 'seek_io', 'rust_read_dir', 'stat_times'];
  const fixtures = loadFixtures().filter((f) => chosen.includes(f.name));
  it.each(fixtures.map((f) => [f.name, f] as const))('%s runs in the Worker on the embedder\'s MemFS', async (_name, spec) => {
    const { spawn, toAsyncVfs: toAsync } = await runner();
    const fs = new MemFS(spec.files ?? {});
    let stdout = '';
    let stderr = '';
    const p = spawn(readFileSync(join(FIXTURE_DIR, `${spec.name}.wasm`)), {
      args: [spec.name, ...(spec.args ?? [])],
      env: spec.env ?? {},
      preopens: { '/sandbox': toAsync(fs) },
      stdout: (c) => { stdout += dec.decode(c, { stream: true }); },
      stderr: (c) => { stderr += dec.decode(c, { stream: true }); },
    });
    if (spec.stdin) p.stdin.write(spec.stdin);
    p.stdin.end();
    expect({ exitCode: await p.exited, stdout, stderr }).toEqual({ exitCode: spec.exitCode, stdout: spec.stdout, stderr: spec.stderr ?? '' });
    // What the program wrote is in the embedder's store, on this thread.
    for (const [path, content] of Object.entries(spec.filesAfter ?? {})) expect(fs.readText(`/${path}`), path).toBe(content);
  });
});

describe('misuse', () => {
  const asyncPreopen = (): WASI => new WASI({ preopens: { '/data': toAsyncVfs(new MemFS({ 'a.txt': 'x' })) } });

  it('getImportObject() refuses an AsyncVfs preopen and names JSPI and spawn()', () => {
    expect(() => asyncPreopen().getImportObject()).toThrow(/AsyncVfs.*getAsyncImportObject\(\).*spawn\(\)/);
  });

  it('plain imports taken from wasiImport trap with the same advice on the first backend call', () => {
    const wasi = asyncPreopen();
    const mem = new WebAssembly.Memory({ initial: 1 });
    wasi.initialize({ exports: { memory: mem } } as unknown as WebAssembly.Instance);
    const path = enc.encode('a.txt');
    new Uint8Array(mem.buffer).set(path, 16);
    expect(() => wasi.wasiImport.path_filestat_get(3, 0, 16, path.length, 64)).toThrow(/outside a JSPI import: use getAsyncImportObject\(\) and startAsync\(\)/);
  });

  it('startThreaded() refuses an AsyncVfs preopen', async () => {
    const module = new WebAssembly.Module(readFileSync(join(FIXTURE_DIR, 'hello.wasm')));
    await expect(asyncPreopen().startThreaded(module)).rejects.toThrow(/AsyncVfs.*VfsBridgeClient/);
  });

  it('spawn() refuses a backend object other than a MemFS and says how to share one', async () => {
    const { spawn } = await runner();
    const memfs = new MemFS();
    // A backend of the embedder's own is not a MemFS: its files cannot be copied, only served.
    class Wrapped {
      lstat = memfs.lstat.bind(memfs);
      open = memfs.open.bind(memfs);
    }
    const wrapped = new Wrapped();
    expect(() => spawn(new Uint8Array(8), { preopens: { '/d': wrapped as never } })).toThrow(/toAsyncVfs\(backend\)/);
  });
});

