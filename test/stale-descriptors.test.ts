// A directory descriptor denotes the directory it was opened on (design.md,
// src/fd-table.ts DirDescriptor). The attack of issue 9: a guest opens
// /sandbox/sub, renames sub away, puts a symlink "../outside" where it was,
// then works through the old descriptor. On a host directory and on a MemFS
// serving a Volume subtree, nothing outside may be read, listed, created or
// changed; where POSIX says the descriptor follows its directory, it does.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsFromVolume, Volume } from 'memfs';
import { afterEach, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { FsShapedFS, type FsShaped } from '../src/vfs/fs-shaped.js';
import { MemFS } from '../src/vfs/memfs.js';
import { NodeFS } from '../src/vfs/node.js';
import type { Vfs } from '../src/vfs/types.js';
import { Guest, O, RDONLY, STAT } from './guest.js';
import { makeHarness } from './harness.js';

/**
 * The calls these tests make, through the shared driver (test/guest.ts),
 * each returning the errno (and what was read or listed).
 */
class Calls {
  constructor(readonly g: Guest) {}
  read(dir: number, path: string): { errno: number; text: string } {
    const { errno, fd } = this.g.open(path, { dirfd: dir, base: RDONLY });
    if (errno !== 0) return { errno, text: '' };
    const r = this.g.read(fd);
    this.g.imp.fd_close(fd);
    return r;
  }
  open(dir: number, path: string, oflags = 0): { errno: number; fd: number } {
    return this.g.open(path, { dirfd: dir, oflags, base: RDONLY });
  }
  create(dir: number, path: string): number {
    const { errno, fd } = this.open(dir, path, O.CREAT);
    if (errno === 0) this.g.imp.fd_close(fd);
    return errno;
  }
  rename(dir: number, from: string, to: string): number {
    return this.g.rename(from, to, dir, dir);
  }
  symlink(target: string, dir: number, path: string): number {
    return this.g.symlink(target, path, dir);
  }
  mkdir(dir: number, path: string): number {
    return this.g.mkdir(path, dir);
  }
  rmdir(dir: number, path: string): number {
    return this.g.rmdir(path, dir);
  }
  /** Names fd_readdir lists (without . and ..), or the errno. */
  list(dir: number): string[] | number {
    const r = this.g.readdirOnce(dir, 0x4000, 0n);
    if (r.errno !== 0) return r.errno;
    return r.entries.map((e) => e.name).filter((n) => n !== '.' && n !== '..').sort();
  }
  filestat(dir: number, path: string): number {
    return this.g.statErr(path, true, dir);
  }
  fdFilestat(fd: number): number {
    return this.g.imp.fd_filestat_get(fd, STAT);
  }
}

/**
 * A sandbox with `sub/` (holding `inside.txt`) and `empty/`, next to an
 * outside tree holding secret.txt: one world per backend, with a way to look
 * at (and change) it from outside the guest.
 */
interface World {
  name: string;
  make(extraPreopen?: string): { g: Calls; vfs: Vfs };
  /** Everything outside the sandbox, as a string to compare. */
  outside(): string;
  /** Changes made behind the host's back: rename and symlink, relative to the sandbox. */
  externalRename(from: string, to: string): void;
  externalSymlink(target: string, at: string): void;
  existsInSandbox(rel: string): boolean;
  cleanup(): void;
}

function hostWorld(): World {
  const base = mkdtempSync(join(tmpdir(), 'wasi-host-stale-'));
  const sandbox = join(base, 'sandbox');
  mkdirSync(join(sandbox, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(sandbox, 'empty'));
  writeFileSync(join(sandbox, 'sub', 'inside.txt'), 'inside\n');
  mkdirSync(join(base, 'outside', 'deeper'), { recursive: true });
  writeFileSync(join(base, 'outside', 'secret.txt'), 'secret\n');
  const snapshot = (p: string): string[] => {
    const st = lstatSync(p);
    const line = `${p} ${st.ino} ${st.size} ${st.mtimeMs}`;
    return st.isDirectory() ? [line, ...readdirSync(p).sort().flatMap((n) => snapshot(join(p, n)))] : [line];
  };
  return {
    name: 'host directory',
    make(extra) {
      const vfs = new NodeFS(sandbox);
      const preopens: Record<string, Vfs> = { '/sandbox': vfs };
      if (extra !== undefined) preopens['/extra'] = new NodeFS(join(sandbox, extra));
      return { g: new Calls(new Guest(makeHarness({ preopens }))), vfs };
    },
    outside: () => snapshot(join(base, 'outside')).join('\n') + readFileSync(join(base, 'outside', 'secret.txt'), 'utf8'),
    externalRename: (from, to) => renameSync(join(sandbox, from), join(sandbox, to)),
    externalSymlink: (target, at) => symlinkSync(target, join(sandbox, at)),
    existsInSandbox: (rel) => existsSync(join(sandbox, rel)),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A memfs Volume with the sandbox at /srv/app, mounted by `mount`. */
function volumeWorld(name: string, mount: (vol: InstanceType<typeof Volume>, root: string) => Vfs): () => World {
  return () => volumeWorldOf(name, mount);
}

function volumeWorldOf(name: string, mount: (vol: InstanceType<typeof Volume>, root: string) => Vfs): World {
  const vol = Volume.fromJSON({
    '/srv/app/sub/inside.txt': 'inside\n',
    '/srv/outside/secret.txt': 'secret\n',
    '/etc/passwd': 'root:x:0:0\n',
  });
  vol.mkdirSync('/srv/app/sub/deeper');
  vol.mkdirSync('/srv/app/empty');
  vol.mkdirSync('/srv/outside/deeper');
  const snapshot = (p: string): string[] => {
    const st = vol.lstatSync(p);
    const line = `${p} ${st.ino} ${st.size} ${st.mtimeMs}`;
    return st.isDirectory()
      ? [line, ...(vol.readdirSync(p) as string[]).map(String).sort().flatMap((n) => snapshot(`${p}/${n}`))]
      : [line];
  };
  return {
    name,
    make(extra) {
      const vfs = mount(vol, '/srv/app');
      const preopens: Record<string, Vfs> = { '/sandbox': vfs };
      if (extra !== undefined) preopens['/extra'] = mount(vol, `/srv/app/${extra}`);
      return { g: new Calls(new Guest(makeHarness({ preopens }))), vfs };
    },
    outside: () => snapshot('/srv/outside').join('\n') + snapshot('/etc').join('\n'),
    externalRename: (from, to) => vol.renameSync(`/srv/app/${from}`, `/srv/app/${to}`),
    externalSymlink: (target, at) => vol.symlinkSync(target, `/srv/app/${at}`),
    existsInSandbox: (rel) => vol.existsSync(`/srv/app/${rel}`),
    cleanup: () => {},
  };
}

const memWorld = volumeWorld('MemFS on a Volume subtree', (vol, root) => new MemFS(vol, { root }));
// The Volume through its fs methods: what the `fs` option mounts for any Node-fs-shaped object,
// all preopens on one fs object (the option's way), or each on an object of its own over the
// same store (as each napi-rs worker's fs proxy is), which FsShapedFS cannot tell apart.
const oneFs = new WeakMap<object, FsShaped>();
const fsShapedWorld = volumeWorld('FsShapedFS, preopens on one fs object', (vol, root) => {
  let fs = oneFs.get(vol);
  if (fs === undefined) oneFs.set(vol, (fs = createFsFromVolume(vol) as unknown as FsShaped));
  return new FsShapedFS(fs, root);
});
/**
 * An embedder's backend that cannot say whether it overlaps another (no
 * `overlaps`), as bridge clients and journaled AsyncVfs views cannot: each
 * instance fronts an FsShapedFS (which follows a symlink in its root path,
 * as a host path would) on one fs object of the Volume.
 */
class Fronting {
  readonly name = 'fronting';
  constructor(inner: FsShapedFS) {
    for (const m of Object.getOwnPropertyNames(FsShapedFS.prototype)) {
      const f = (inner as unknown as Record<string, unknown>)[m];
      if (m !== 'constructor' && m !== 'overlaps' && typeof f === 'function') (this as unknown as Record<string, unknown>)[m] = f.bind(inner);
    }
  }
}
const frontingWorld = volumeWorld('two backends without overlaps() over one store', (vol, root) => {
  let fs = oneFs.get(vol);
  if (fs === undefined) oneFs.set(vol, (fs = createFsFromVolume(vol) as unknown as FsShaped));
  return new Fronting(new FsShapedFS(fs, root)) as unknown as Vfs;
});
const fsShapedEachWorld = volumeWorld('FsShapedFS, each preopen on an fs object of its own over one store', (vol, root) => new FsShapedFS(createFsFromVolume(vol) as unknown as FsShaped, root));

const SANDBOX = 3;
const EXTRA = 4;

describe.each([hostWorld, memWorld, fsShapedWorld, fsShapedEachWorld, frontingWorld])('stale directory descriptors: %o', (makeWorld) => {
  let w: World;
  afterEach(() => w.cleanup());

  it("the issue's attack: the descriptor keeps reaching the renamed directory, never the symlink put in its place", () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make();
    const d = g.open(SANDBOX, 'sub', O.DIRECTORY);
    expect(d.errno).toBe(0);
    expect(g.rename(SANDBOX, 'sub', 'sub-old')).toBe(0);
    expect(g.symlink('../outside', SANDBOX, 'sub')).toBe(0);
    for (const target of ['../../..', '../../../..', '../../../../../../..']) expect(g.symlink(target, SANDBOX, `sub-old/up${target.length}`)).toBe(0);
    // Through the path, the symlink still cannot be followed out (the resolver's own rule).
    expect(g.read(SANDBOX, 'sub/secret.txt').errno).toBe(Errno.PERM);
    // Through the descriptor: the directory it was opened on, now named sub-old.
    expect(g.read(d.fd, 'secret.txt').errno).toBe(Errno.NOENT);
    expect(g.read(d.fd, 'inside.txt')).toEqual({ errno: 0, text: 'inside\n' });
    expect(g.read(d.fd, 'etc/passwd').errno).toBe(Errno.NOENT);
    expect(g.list(d.fd)).toEqual(['deeper', 'inside.txt', 'up11', 'up20', 'up8'].sort());
    expect(g.create(d.fd, 'x')).toBe(0);
    expect(w.existsInSandbox('sub-old/x')).toBe(true);
    expect(g.mkdir(d.fd, 'newdir')).toBe(0);
    expect(w.existsInSandbox('sub-old/newdir')).toBe(true);
    expect(w.outside()).toBe(before);
  });

  it('a descriptor below a renamed parent moves with it', () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make();
    const d = g.open(SANDBOX, 'sub/deeper', O.DIRECTORY);
    expect(d.errno).toBe(0);
    expect(g.rename(SANDBOX, 'sub', 'moved')).toBe(0);
    expect(g.symlink('../outside', SANDBOX, 'sub')).toBe(0);
    expect(g.list(d.fd)).toEqual([]);
    expect(g.create(d.fd, 'made-here')).toBe(0);
    expect(w.existsInSandbox('moved/deeper/made-here')).toBe(true);
    expect(g.read(d.fd, '../inside.txt')).toMatchObject({ errno: Errno.PERM });
    expect(w.outside()).toBe(before);
  });

  it('a directory removed by the guest, then made again, is not what the old descriptor reaches', () => {
    w = makeWorld();
    const { g } = w.make();
    const d = g.open(SANDBOX, 'empty', O.DIRECTORY);
    expect(g.rmdir(SANDBOX, 'empty')).toBe(0);
    expect(g.mkdir(SANDBOX, 'empty')).toBe(0);
    expect(g.create(SANDBOX, 'empty/new-file')).toBe(0);
    expect(g.create(d.fd, 'x')).toBe(Errno.NOENT);
    expect(g.list(d.fd)).toBe(Errno.NOENT);
    expect(g.filestat(d.fd, 'new-file')).toBe(Errno.NOENT);
    expect(w.existsInSandbox('empty/x')).toBe(false);
  });

  it('a directory replaced by a rename onto it ends its descriptors', () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make();
    const d = g.open(SANDBOX, 'empty', O.DIRECTORY);
    expect(g.rename(SANDBOX, 'sub', 'empty')).toBe(0);
    expect(g.create(d.fd, 'x')).toBe(Errno.NOENT);
    expect(g.fdFilestat(d.fd)).toBe(Errno.NOENT);
    expect(w.existsInSandbox('empty/x')).toBe(false);
    expect(w.outside()).toBe(before);
  });

  it('a name swapped for a symlink behind the host\'s back leaves the descriptor reaching nothing', () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make();
    const d = g.open(SANDBOX, 'sub', O.DIRECTORY);
    w.externalRename('sub', 'sub-old');
    w.externalSymlink('../outside', 'sub');
    expect(g.read(d.fd, 'secret.txt').errno).toBe(Errno.NOENT);
    expect(g.create(d.fd, 'x')).toBe(Errno.NOENT);
    expect(g.list(d.fd)).toBe(Errno.NOENT);
    expect(g.fdFilestat(d.fd)).toBe(Errno.NOENT);
    expect(w.outside()).toBe(before);
    // Put back, it is the same directory again.
    w.externalRename('sub', 'link-away');
    w.externalRename('sub-old', 'sub');
    expect(g.read(d.fd, 'inside.txt')).toEqual({ errno: 0, text: 'inside\n' });
  });

  it("overlapping preopens: one preopen's root replaced through the other never leads out", () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make('sub');
    expect(g.read(EXTRA, 'inside.txt')).toEqual({ errno: 0, text: 'inside\n' });
    expect(g.rename(SANDBOX, 'sub', 'sub-old')).toBe(0);
    expect(g.symlink('../outside', SANDBOX, 'sub')).toBe(0);
    expect(g.read(EXTRA, 'secret.txt').errno).toBe(Errno.NOENT);
    expect(g.create(EXTRA, 'x')).toBe(Errno.NOENT);
    expect(g.list(EXTRA)).toBe(Errno.NOENT);
    expect(w.outside()).toBe(before);
  });

  // A descriptor at a mount root is checked against the mount's identity, not one of its own
  // (part 7: a preopen holds none): one opened on "." of the overlapping preopen, kept across the swap.
  it('overlapping preopens: a descriptor opened on "." of the replaced root never leads out either', () => {
    w = makeWorld();
    const before = w.outside();
    const { g } = w.make('sub');
    const dot = g.open(EXTRA, '.', O.DIRECTORY);
    expect(dot.errno).toBe(0);
    expect(g.read(dot.fd, 'inside.txt')).toEqual({ errno: 0, text: 'inside\n' });
    expect(g.rename(SANDBOX, 'sub', 'sub-old')).toBe(0);
    expect(g.symlink('../outside', SANDBOX, 'sub')).toBe(0);
    expect(g.read(dot.fd, 'secret.txt').errno).toBe(Errno.NOENT);
    expect(g.create(dot.fd, 'x')).toBe(Errno.NOENT);
    expect(g.list(dot.fd)).toBe(Errno.NOENT);
    expect(g.fdFilestat(dot.fd)).toBe(Errno.NOENT);
    expect(w.outside()).toBe(before);
  });
});

describe('symlink targets and resolved paths are bounded (PATH_MAX)', () => {
  it('path_symlink refuses a target of PATH_MAX bytes or more with ENAMETOOLONG', () => {
    const h = makeHarness({ preopens: { '/': new MemFS() } }, 2);
    // Raw calls: the targets are longer than the shared driver's path slots.
    const symlink = (target: string, name: string): number =>
      h.imp.path_symlink(0x1000, h.putString(0x1000, target), SANDBOX, 0x100, h.putString(0x100, name));
    expect(symlink('a/'.repeat(2047) + 'b', 'ok')).toBe(0); // 4095 bytes
    expect(symlink('a/'.repeat(2048), 'long')).toBe(Errno.NAMETOOLONG); // 4096 bytes
    expect(symlink('é'.repeat(2048), 'long')).toBe(Errno.NAMETOOLONG); // 2048 units, 4096 bytes
  });

  it('40 chained links with 650 KB targets stored in the Volume resolve in bounded time', () => {
    const vol = new Volume();
    vol.mkdirSync('/d');
    const huge = 'x/../'.repeat(130_000);
    for (let i = 0; i < 40; i++) vol.symlinkSync(huge + `l${i + 1}`, `/d/l${i}`);
    const g = new Calls(new Guest(makeHarness({ preopens: { '/': new MemFS(vol, { root: '/d' }) } })));
    const t0 = performance.now();
    expect(g.g.statErr('l0', false, SANDBOX)).toBe(0); // the link itself
    expect(g.read(SANDBOX, 'l0').errno).toBe(Errno.NAMETOOLONG);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a walk whose location passes PATH_MAX is ENAMETOOLONG on every backend (as a host path is)', () => {
    // Short guest paths through ever deeper descriptors: the backend path grows 256 bytes a level.
    const g = new Calls(new Guest(makeHarness({ preopens: { '/': new MemFS() } }, 2)));
    const name = 'n'.repeat(255);
    let dir = SANDBOX;
    let depth = 0;
    for (; depth < 100; depth++) {
      const e = g.mkdir(dir, name);
      if (e !== 0) {
        expect(e).toBe(Errno.NAMETOOLONG);
        break;
      }
      dir = g.open(dir, name, O.DIRECTORY).fd;
    }
    expect(depth).toBe(16); // 16 * 256 = 4096 bytes; the 17th name would pass PATH_MAX
  });
});
