// Issue 14, part 5: path_open of a plain path is one walk (Vfs.openFile,
// Vfs.walksBeneath): MemFS looks the names up once, NodeFS opens the final
// name with O_NOFOLLOW|O_NONBLOCK|O_NOCTTY and learns its kind from fstat of
// the descriptor, which then answers the guest's next fd_filestat_get. These
// tests count what an open costs, and attack what the shortcut makes
// possible: every errno and sandbox rule must stay as the general walk gives it.
import { execFileSync, spawn } from 'node:child_process';
import fs, { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { FileType, Rights } from '../src/abi/constants.js';
import { MemFS } from '../src/vfs/memfs.js';
import { NodeFS } from '../src/vfs/node.js';
import type { Vfs, VfsOpened, VfsOpenFlags } from '../src/vfs/types.js';
import { isPlain } from '../src/namespace/resolver.js';
import { ALL, ALL_BUT_WRITE, FDFLAG, FOLLOW, Guest, O, RDONLY, STAT } from './guest.js';
import { makeHarness } from './harness.js';

const top = mkdtempSync(join(tmpdir(), 'wasi-host-open-first-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));
let worlds = 0;

/** A host directory world: root/{f, d/g, sub/inner, lnkdir -> d, lnkf -> f, lnkout -> ../outside}, outside/x. */
function hostWorld(): { vfs: NodeFS; root: string } {
  const dir = join(top, `w${worlds++}`);
  const root = join(dir, 'root');
  mkdirSync(join(root, 'd'), { recursive: true });
  mkdirSync(join(root, 'sub'));
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(root, 'f'), 'hello');
  writeFileSync(join(root, 'd', 'g'), 'x');
  writeFileSync(join(root, 'sub', 'inner'), 'shadowed');
  writeFileSync(join(dir, 'outside', 'x'), 'OUTSIDE');
  symlinkSync('d', join(root, 'lnkdir'));
  symlinkSync('f', join(root, 'lnkf'));
  symlinkSync('../outside', join(root, 'lnkout'));
  return { vfs: new NodeFS(root), root };
}

/** The same world in memory (outside is a sibling of the MemFS root in one Volume's tree). */
function memWorld(): { vfs: MemFS } {
  const vfs = new MemFS({ f: 'hello', 'd/g': 'x', 'sub/inner': 'shadowed' });
  vfs.symlink('d', '/lnkdir');
  vfs.symlink('f', '/lnkf');
  vfs.symlink('../outside', '/lnkout');
  return { vfs };
}

const backends: [string, () => { vfs: Vfs }][] = [['MemFS', memWorld], ['host directory', hostWorld]];

function guestOn(vfs: Vfs, extra: Record<string, Vfs> = {}): Guest {
  return new Guest(makeHarness({ preopens: { '/top': vfs, ...extra } }));
}

describe.each(backends)('%s: the one-walk open judges as the general walk does', (_name, world) => {
  it('directories: read-only gives a directory descriptor, for writing or O_CREAT EISDIR', () => {
    const g = guestOn(world().vfs);
    const fd = g.openOk('d', { base: ALL_BUT_WRITE });
    expect(g.fdstat(fd).filetype).toBe(FileType.DIRECTORY);
    expect(g.openErr('d')).toBe(Errno.ISDIR);
    expect(g.openErr('d', { oflags: O.CREAT, base: RDONLY })).toBe(Errno.ISDIR);
  });

  it('final symlinks: followed per LOOKUP_SYMLINK_FOLLOW, O_DIRECTORY without follow is ELOOP', () => {
    const g = guestOn(world().vfs);
    expect(g.openErr('lnkdir', { oflags: O.DIRECTORY, dirflags: 0, base: RDONLY })).toBe(Errno.LOOP);
    expect(g.fdstat(g.openOk('lnkdir', { oflags: O.DIRECTORY, base: RDONLY })).filetype).toBe(FileType.DIRECTORY);
    expect(g.openErr('lnkf', { dirflags: 0, base: RDONLY })).toBe(Errno.LOOP);
    expect(g.read(g.openOk('lnkf', { base: RDONLY })).text).toBe('hello');
    expect(g.openErr('lnkf', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
    expect(g.openErr('f', { oflags: O.CREAT | O.EXCL })).toBe(Errno.EXIST);
  });

  it('symlinks along the way are followed inside only', () => {
    const g = guestOn(world().vfs);
    expect(g.read(g.openOk('lnkdir/g', { base: RDONLY })).text).toBe('x');
    expect(g.openErr('lnkout/x', { base: RDONLY })).toBe(Errno.PERM);
    expect(g.openErr('lnkout/new', { oflags: O.CREAT })).toBe(Errno.PERM);
    expect(g.openErr('lnkout', { dirflags: 0, base: RDONLY })).toBe(Errno.LOOP);
  });

  it('missing, not-a-directory, trailing slash and too-long names keep their errnos; nothing is made', () => {
    const { vfs } = world();
    const g = guestOn(vfs);
    expect(g.openErr('missing', { base: RDONLY })).toBe(Errno.NOENT);
    expect(g.openErr('missing/x', { oflags: O.CREAT })).toBe(Errno.NOENT);
    expect(g.openErr('f/x', { oflags: O.CREAT })).toBe(Errno.NOTDIR);
    expect(g.openErr('f/', { base: RDONLY })).toBe(Errno.NOTDIR);
    expect(g.openErr('new/', { oflags: O.CREAT })).toBe(Errno.ISDIR);
    expect(g.openErr(`d/${'n'.repeat(256)}`, { oflags: O.CREAT })).toBe(Errno.NAMETOOLONG);
    expect(g.openErr(`missing/${'n'.repeat(256)}`, { oflags: O.CREAT })).toBe(Errno.NOENT);
    // The shortest path that can hold a name past 255 bytes: 86 units of 3 UTF-8 bytes each (258 bytes).
    expect(g.openErr('€'.repeat(86), { oflags: O.CREAT })).toBe(Errno.NAMETOOLONG);
    expect(vfs.readdir('/d').map((e) => e.name)).toEqual(['g']);
    g.imp.fd_close(g.openOk(`d/${'€'.repeat(85)}`, { oflags: O.CREAT }));
  });

  it('O_TRUNC empties, O_CREAT makes a file a listing taken before it then shows', () => {
    const g = guestOn(world().vfs);
    const dir = g.openDir('d');
    expect(g.readdirOnce(dir, 4096, 0n).entries.map((e) => e.name)).not.toContain('made');
    g.imp.fd_close(g.openOk('d/made', { oflags: O.CREAT }));
    expect(g.readdirOnce(dir, 4096, 0n).entries.map((e) => e.name)).toContain('made');
    const fd = g.openOk('f', { oflags: O.TRUNC });
    expect(g.fstat(fd).size).toBe(0n);
  });

  it('a preopen mounted below the start directory is crossed into, never looked past', () => {
    const g = guestOn(world().vfs, { '/top/sub': new MemFS({ inner: 'mounted' }) });
    expect(g.read(g.openOk('sub/inner', { base: RDONLY })).text).toBe('mounted');
  });
});

/** MemFS counting the resolver's per-component questions. */
class CountingMemFS extends MemFS {
  lookups = 0;
  override kind(path: string): ReturnType<MemFS['kind']> {
    this.lookups++;
    return super.kind(path);
  }
  override lstat(path: string): ReturnType<MemFS['lstat']> {
    this.lookups++;
    return super.lstat(path);
  }
}

describe('MemFS: a plain path is opened in one walk', () => {
  it('asks no per-component question for d/g, and walks generally through a symlink', () => {
    const vfs = new CountingMemFS({ 'd/g': 'x' });
    vfs.symlink('d', '/lnk');
    const g = guestOn(vfs);
    vfs.lookups = 0; // the mount's lstat of the root
    g.imp.fd_close(g.openOk('d/g', { base: RDONLY }));
    expect(vfs.lookups).toBe(0);
    g.imp.fd_close(g.openOk('lnk/g', { base: RDONLY }));
    expect(vfs.lookups).toBeGreaterThan(0);
  });
});

/** MemFS with the one-walk open turned off: every open takes the resolver's general walk. */
class GeneralMemFS extends MemFS {
  constructor(seed: ConstructorParameters<typeof MemFS>[0]) {
    super(seed);
    (this as { walksBeneath: boolean }).walksBeneath = false;
  }
}

/** MemFS counting the opens its one walk answered itself. */
class OneWalkMemFS extends MemFS {
  answered = 0;
  override openFile(path: string, flags: VfsOpenFlags): VfsOpened {
    const got = super.openFile(path, flags);
    if (got !== undefined) this.answered++;
    return got;
  }
}

describe('MemFS: the one walk and the general walk agree (property)', () => {
  // Issue 14 part 6 made the resolver's test of a plain path a char-code pass: it must say what the
  // regular expression it replaced said, or paths would take the wrong walk.
  it('isPlain says what the regular expression it replaced said', () => {
    const NOT_PLAIN = /(^|\/)\.{0,2}(\/|$)|[^/]{86}/;
    const piece = fc.oneof(
      fc.constantFrom('', '.', '..', '...', '/', '//', 'a', '.a', 'a.', '..a', 'é', 'x'.repeat(85), 'x'.repeat(86), 'é'.repeat(86)),
      fc.string({ unit: fc.constantFrom('a', '.', '/', 'é'), maxLength: 100 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
      const path = parts.join('');
      expect(isPlain(path), JSON.stringify(path)).toBe(!NOT_PLAIN.test(path));
    }), { numRuns: 5000 });
  });

  const seed = { f: 'hello', 'd/g': 'x', 'd/e/h': 'deep', 'sub/inner': 'inner', empty: '', 'emptydir/': null };
  const links: [string, string][] = [['d', '/lnkdir'], ['f', '/lnkf'], ['../outside', '/lnkout'], ['nothing', '/dangling'], ['loop2', '/loop1'], ['loop1', '/loop2'], ['../f', '/d/up']];
  // Mostly plain names, so that most paths are the one walk's to answer; the rest sends them to the general walk.
  const name = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('f', 'd', 'g', 'e', 'h', 'up', 'sub', 'inner', 'empty', 'emptydir', 'lnkdir', 'lnkf', 'lnkout', 'dangling', 'loop1', 'new', 'new2', 'n'.repeat(85)) },
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '', 'n'.repeat(86), 'é'.repeat(128)) },
  );
  const path = fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 5 })).map(([p, slash]) => p.join('/') + (slash === 0 ? '/' : ''));
  const op = fc.record({
    path,
    oflags: fc.integer({ min: 0, max: 15 }),
    dirflags: fc.constantFrom(0, FOLLOW),
    base: fc.constantFrom(ALL, RDONLY, BigInt(Rights.FD_READ), BigInt(Rights.FD_WRITE), BigInt(Rights.FD_READ | Rights.FD_FILESTAT_GET)),
    fdflags: fc.constantFrom(0, FDFLAG.APPEND),
  });

  it('path_open gives the same errno, descriptor and file either way, and leaves the same tree', () => {
    let answered = 0;
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
      const fast = new OneWalkMemFS(seed);
      const general = new GeneralMemFS(seed);
      for (const [target, at] of links) {
        fast.symlink(target, at);
        general.symlink(target, at);
      }
      const gs = [guestOn(fast), guestOn(general)];
      for (const o of ops) {
        const [a, b] = gs.map((g) => {
          const r = g.open(o.path, o);
          if (r.errno !== Errno.SUCCESS) return { errno: r.errno };
          const fdstat = g.fdstat(r.fd);
          // Times (the trees are made a few ms apart) and dev (one per tree) differ; the rest must not.
          const st = g.imp.fd_filestat_get(r.fd, STAT) === Errno.SUCCESS ? { ...g.fstat(r.fd), dev: 0n, atim: 0n, mtim: 0n, ctim: 0n, raw: undefined } : undefined;
          const text = g.read(r.fd);
          const wrote = g.write(r.fd, 'W').errno;
          g.imp.fd_close(r.fd);
          return { errno: r.errno, fdstat, st, text, wrote };
        });
        expect(a, JSON.stringify({ ...o, base: String(o.base) })).toEqual(b);
      }
      expect(fast.toJSON()).toEqual(general.toJSON());
      answered += fast.answered;
    }), { numRuns: 600 });
    // The property held over opens the one walk answered, not only over ones it left to the general walk.
    expect(answered).toBeGreaterThan(200);
  });
});

/** The fs calls `run` makes, by name, counted by wrapping node:fs's own functions (ESM bindings synced). */
function fsCalls(run: () => void): string[] {
  const names = ['lstatSync', 'statSync', 'openSync', 'fstatSync', 'closeSync', 'readlinkSync'] as const;
  const calls: string[] = [];
  const saved = names.map((n) => fs[n]);
  const target = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  names.forEach((n, i) => {
    const original = saved[i] as (...a: unknown[]) => unknown;
    target[n] = (...a: unknown[]) => {
      calls.push(n.replace('Sync', ''));
      return original(...a);
    };
  });
  syncBuiltinESMExports();
  try {
    run();
  } finally {
    names.forEach((n, i) => (target[n] = saved[i] as (...a: unknown[]) => unknown));
    syncBuiltinESMExports();
  }
  return calls;
}

describe.skipIf(process.platform !== 'linux')('host directory: what an open costs', () => {
  it('open+fstat+close of a name in the preopen is open, fstat, fstat, close; one directory down adds its lstat', () => {
    const { vfs } = hostWorld();
    const g = guestOn(vfs);
    const len = { f: g.put(0x2000, 'f'), 'd/g': g.put(0x2100, 'd/g') };
    const once = (path: 'f' | 'd/g'): void => {
      if (g.imp.path_open(3, 0, path === 'f' ? 0x2000 : 0x2100, len[path], 0, RDONLY, 0n, 0, 0x2200) !== 0) throw new Error(`open ${path}`);
      const fd = g.h.u32(0x2200);
      g.imp.fd_filestat_get(fd, 0x2300);
      g.imp.fd_close(fd);
    };
    // Warm: the held directory descriptor of d is opened on first use.
    once('d/g');
    // The open's own fstat tells what was opened; the guest's fd_filestat_get is a fresh fstat.
    expect(fsCalls(() => once('f'))).toEqual(['open', 'fstat', 'fstat', 'close']);
    expect(fsCalls(() => once('d/g'))).toEqual(['lstat', 'open', 'fstat', 'fstat', 'close']);
  });

  it('two directories down: an lstat of each directory on the way, then the open through the held one', () => {
    const { vfs, root } = hostWorld();
    mkdirSync(join(root, 'd', 'e'));
    writeFileSync(join(root, 'd', 'e', 'h'), 'deep');
    const g = guestOn(vfs);
    const len = g.put(0x2000, 'd/e/h');
    const once = (): void => {
      if (g.imp.path_open(3, 0, 0x2000, len, 0, RDONLY, 0n, 0, 0x2200) !== 0) throw new Error('open d/e/h');
      const fd = g.h.u32(0x2200);
      g.imp.fd_filestat_get(fd, 0x2300);
      g.imp.fd_close(fd);
    };
    once();
    // The path is checked as normal once (its directories are its prefixes), but each directory is still asked.
    expect(fsCalls(once)).toEqual(['lstat', 'lstat', 'open', 'fstat', 'fstat', 'close']);
    // A directory on the way swapped for another: the held descriptor of the old one is not used.
    fs.renameSync(join(root, 'd', 'e'), join(root, 'old-e'));
    mkdirSync(join(root, 'd', 'e'));
    writeFileSync(join(root, 'd', 'e', 'h'), 'new!');
    const fd = g.openOk('d/e/h', { base: RDONLY });
    expect(g.read(fd).text).toBe('new!');
  });

  it('fd_filestat_get right after an open sees a write made through another descriptor', () => {
    const g = guestOn(hostWorld().vfs);
    const len = g.put(0x2000, 'f');
    g.put(0x2100, 'more!!');
    const v = g.h.view();
    v.setUint32(0x2200, 0x2100, true); // one iovec: the 6 bytes at 0x2100
    v.setUint32(0x2204, 6, true);
    for (let i = 0; i < 20; i++) {
      g.imp.path_open(3, 0, 0x2000, len, 0, ALL, 0n, 0, 0x2300);
      const writer = g.h.u32(0x2300);
      g.imp.path_open(3, 0, 0x2000, len, 0, RDONLY, 0n, 0, 0x2300);
      const reader = g.h.u32(0x2300);
      g.imp.fd_pwrite(writer, 0x2200, 1, 5n + BigInt(6 * i), 0x2400);
      g.imp.fd_filestat_get(reader, 0x2500);
      expect(g.h.u64(0x2500 + 32), `round ${i}`).toBe(11n + BigInt(6 * i));
      g.imp.fd_close(writer);
      g.imp.fd_close(reader);
    }
    for (let i = 0; i < 20; i++) {
      g.imp.path_open(3, 0, 0x2000, len, 0, ALL, 0n, 0, 0x2300);
      const writer = g.h.u32(0x2300);
      g.imp.fd_seek(writer, 0n, 2, 0x2400); // to the end
      g.imp.path_open(3, 0, 0x2000, len, 0, RDONLY, 0n, 0, 0x2300);
      const reader = g.h.u32(0x2300);
      g.imp.fd_write(writer, 0x2200, 1, 0x2400);
      g.imp.fd_filestat_get(reader, 0x2500);
      expect(g.h.u64(0x2500 + 32), `fd_write round ${i}`).toBe(131n + BigInt(6 * i));
      g.imp.fd_close(writer);
      g.imp.fd_close(reader);
    }
  });

  it('and a change another process made right after the open, with no wait', () => {
    const { vfs, root } = hostWorld();
    const g = guestOn(vfs);
    const fd = g.openOk('f', { base: RDONLY });
    appendFileSync(join(root, 'f'), ' world');
    expect(g.fstat(fd).size).toBe(11n);
  });

  it('a FIFO at the final name is refused at once (ENOTSUP), opened for reading, writing or O_CREAT, and left closed', () => {
    const { vfs, root } = hostWorld();
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Had an open blocked, this opens the other end after 3 s so the test fails on time instead of hanging.
    const unblock = spawn(process.execPath, ['-e', `setTimeout(() => { const fs = require('fs'); const r = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); fs.closeSync(fs.openSync(${JSON.stringify(fifo)}, 'w')); fs.closeSync(r); }, 3000)`], { stdio: 'ignore' });
    try {
      const g = guestOn(vfs);
      const fds = readdirSync('/proc/self/fd').length;
      const t0 = performance.now();
      expect(g.openErr('fifo', { base: RDONLY })).toBe(Errno.NOTSUP);
      expect(g.openErr('fifo')).toBe(Errno.NOTSUP);
      expect(g.openErr('fifo', { oflags: O.CREAT })).toBe(Errno.NOTSUP);
      expect(g.openErr('fifo', { oflags: O.TRUNC })).toBe(Errno.NOTSUP);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(readdirSync('/proc/self/fd').length).toBe(fds);
    } finally {
      unblock.kill();
    }
  });

  // The swapper: f is the file, then gone, then a symlink to ../outside/x, then gone, then the file again.
  const SWAPPER = `
const { renameSync } = require('node:fs');
const [root, ms] = process.argv.slice(1);
const f = root + '/f', tmp = root + '/f.tmp', lnk = root + '/lnk';
const end = Date.now() + Number(ms);
let n = 0;
while (Date.now() < end) {
  renameSync(f, tmp); renameSync(lnk, f); renameSync(f, lnk); renameSync(tmp, f);
  n++;
}
process.stdout.write(String(n));
`;

  it('a host process swapping the final name for a symlink out of the preopen never lets the guest read outside (2 s)', async () => {
    const { vfs, root } = hostWorld();
    symlinkSync('../outside/x', join(root, 'lnk'));
    mkdirSync(join(root, 'sub', 'deeper'));
    const g = guestOn(vfs);
    const child = spawn(process.execPath, ['-e', SWAPPER, root, '2000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let swaps = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (swaps += s));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    const seen = { inside: 0, outside: 0, failed: 0 };
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      for (const dirflags of [0, FOLLOW]) {
        const r = g.open('f', { base: RDONLY, dirflags });
        if (r.errno !== Errno.SUCCESS) {
          seen.failed++;
          continue;
        }
        const text = g.read(r.fd).text;
        g.imp.fd_close(r.fd);
        if (text === 'OUTSIDE') seen.outside++;
        else seen.inside++;
      }
    }
    expect(await exited).toBe(0);
    expect(Number(swaps)).toBeGreaterThan(10);
    expect(seen.inside).toBeGreaterThan(0);
    expect(seen.outside, JSON.stringify(seen)).toBe(0);
  });

  it('descriptors other than the guest\'s: none left open by refused opens', () => {
    const g = guestOn(hostWorld().vfs);
    const fds = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 50; i++) {
      expect(g.openErr('d')).toBe(Errno.ISDIR);
      expect(g.openErr('lnkdir', { oflags: O.DIRECTORY, dirflags: 0, base: RDONLY })).toBe(Errno.LOOP);
      g.imp.fd_close(g.openOk('d', { base: ALL_BUT_WRITE }));
    }
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
  });
});
