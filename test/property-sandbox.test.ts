// Property tests for the one resolver (src/namespace/resolver.ts) and the path syscalls on
// top of it: random path strings made of "..", ".", "/", "//", a few names
// and symlinks (made beforehand with random targets: relative, absolute,
// chained, "..", loops) go through the real imports. Every call must return
// an errno (never throw) and must touch nothing outside the preopen.
// Runs also open directory descriptors and "swap" directories under them:
// rename the directory (or a parent) away and put a symlink pointing out
// where it was, then keep using the old descriptors (issue 9's stale
// descriptor escape, which this test found on the code before the fix).
//
// Run sizes (the file takes about 6 s on a 2-core machine; a run is a fresh
// sandbox, its symlinks, then 1-24 calls):
//   MemFS on a Volume subtree: 1000 runs
//   NodeFS on a temp directory: 400 runs
// Set FC_RUNS_SCALE=10 (e.g.) in the environment to multiply them for a soak
// (10x passed: 10,000 + 4,000 runs).
//
// "Inside" is checked four ways:
//   1. A wrapper around the backend asserts its contract on every call: each
//      path is normalised (no "", ".", ".." components) and no directory
//      component is a symlink, and nothing is asked to follow a final
//      symlink. With the backend confined to its root, that alone keeps
//      every access inside.
//   2. For MemFS, the Volume itself is wrapped and records every path memfs
//      is asked about: all must lie in the mounted subtrees.
//   3. Everything outside (a canary file, an "outside" tree, the parent
//      directory itself) is snapshotted (existence, kind, ino, nlink, size,
//      mtime, ctime, symlink targets; atime where the filesystem keeps it)
//      after every call, and its contents at the end of a run; it must not change.
//   4. The ino of every descriptor opened, every path_filestat_get and every
//      fd_readdir entry must not be one of the outside inodes.
import { closeSync, constants, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Volume } from 'memfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { MemFS } from '../src/vfs/memfs.js';
import { NodeFS } from '../src/vfs/node.js';
import type { Vfs, VfsDirEntry, VfsFile, VfsOpenFlags, VfsStat, VfsTime } from '../src/vfs/types.js';
import { makeHarness, type Harness } from './harness.js';

const SCALE = Number(process.env.FC_RUNS_SCALE ?? '1') || 1;
const MEMFS_RUNS = 1000 * SCALE;
const NODEFS_RUNS = 400 * SCALE;
/** Generous: a loaded machine can be several times slower, and soaks scale the runs. */
const TIMEOUT = 120_000 * SCALE;

// ---------------------------------------------------------------------------
// The backend contract, checked on every call (types.ts: "Paths handed to a
// backend are always absolute ..., already normalised ...: no '.', '..',
// empty components, or trailing slash, and no symlink in any component but
// the last").

class CheckedVfs implements Vfs {
  readonly name: string;
  constructor(private readonly inner: Vfs, private readonly violations: string[]) {
    this.name = inner.name;
  }

  /** Checks `path`; `final` is what the call does with the last component. */
  private check(op: string, path: string, final: 'nofollow' | 'follow-dir' | 'no-symlink' = 'nofollow'): void {
    if (typeof path !== 'string' || !(path === '/' || /^(\/[^/\0]+)+$/.test(path))) {
      this.violations.push(`${op}: not a normalised backend path ${JSON.stringify(path)}`);
      return;
    }
    const parts = path === '/' ? [] : path.slice(1).split('/');
    if (parts.some((p) => p === '.' || p === '..')) {
      this.violations.push(`${op}: dot component in ${JSON.stringify(path)}`);
      return;
    }
    let prefix = '';
    for (let i = 0; i < parts.length - 1; i++) {
      prefix += '/' + parts[i];
      let kind: string;
      try {
        kind = this.inner.lstat(prefix).kind;
      } catch {
        return; // a missing parent: the backend fails with ENOENT, nothing is reached
      }
      if (kind !== 'directory') {
        if (kind === 'symlink') this.violations.push(`${op}: symlink ${prefix} as a directory component of ${path}`);
        return;
      }
    }
    if (final === 'nofollow') return;
    try {
      const kind = this.inner.lstat(path).kind;
      if (kind === 'symlink') this.violations.push(`${op}: asked to follow the final symlink ${path}`);
      if (final === 'follow-dir' && kind !== 'directory') this.violations.push(`${op}: ${path} is a ${kind}, not a directory`);
    } catch {
      // missing: nothing to follow
    }
  }

  lstat(path: string): VfsStat {
    this.check('lstat', path);
    return this.inner.lstat(path);
  }
  open(path: string, flags: VfsOpenFlags): VfsFile {
    this.check('open', path, flags.noFollow ? 'nofollow' : 'no-symlink');
    return this.inner.open(path, flags);
  }
  readdir(path: string): VfsDirEntry[] {
    this.check('readdir', path, 'follow-dir');
    return this.inner.readdir(path);
  }
  mkdir(path: string): void {
    this.check('mkdir', path);
    this.inner.mkdir(path);
  }
  rmdir(path: string): void {
    this.check('rmdir', path);
    this.inner.rmdir(path);
  }
  unlink(path: string): void {
    this.check('unlink', path);
    this.inner.unlink(path);
  }
  rename(from: string, to: string): void {
    this.check('rename(from)', from);
    this.check('rename(to)', to);
    this.inner.rename(from, to);
  }
  symlink(target: string, path: string): void {
    this.check('symlink', path);
    this.inner.symlink(target, path);
  }
  readlink(path: string): string {
    this.check('readlink', path);
    return this.inner.readlink(path);
  }
  link(existing: string, path: string): void {
    this.check('link(existing)', existing);
    this.check('link(new)', path);
    this.inner.link(existing, path);
  }
  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    this.check('setTimes', path, follow ? 'no-symlink' : 'nofollow');
    this.inner.setTimes(path, atim, mtim, follow);
  }
}

// ---------------------------------------------------------------------------
// Generators.

/** Names in the sandbox, names of things outside it, and the dot components. */
const EXISTING_NAMES = ['a', 'd', 'e', 'f', 'm'];
const LINK_NAMES = ['l0', 'l1', 'l2', 'l3', 'up', 'up2', 'esc', 'abs', 'loop', 'chain'];
const NEW_NAMES = ['g', 'n', 'x'];
const OUTSIDE_NAMES = ['canary.txt', 'outside', 'secret.txt', 'sandbox', 'inner'];

const component = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('..', '.', '') },
  { weight: 6, arbitrary: fc.constantFrom(...EXISTING_NAMES) },
  { weight: 4, arbitrary: fc.constantFrom(...LINK_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...NEW_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...OUTSIDE_NAMES) },
);
// Mostly short paths, which name things that exist; some long ones that wander.
const relPath = fc.oneof(
  { weight: 3, arbitrary: fc.array(component, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(component, { minLength: 1, maxLength: 8 }) },
).map((cs) => cs.join('/'));
/** Guest paths: mostly relative, some absolute, some with a trailing slash. */
const guestPath = fc.oneof(
  { weight: 8, arbitrary: relPath },
  { weight: 1, arbitrary: relPath.map((p) => '/' + p) },
  { weight: 1, arbitrary: relPath.map((p) => p + '/') },
);

/** A symlink target; ABS:x stands for the absolute host/Volume path of x, filled in per backend. */
const linkTarget = fc.oneof(
  { weight: 6, arbitrary: guestPath },
  { weight: 1, arbitrary: fc.constantFrom('..', '../..', '../canary.txt', '../../canary.txt', '../outside/secret.txt', '.', './', 'l0', 'l1', 'l2', 'l3') },
  { weight: 1, arbitrary: fc.constantFrom('ABS:canary.txt', 'ABS:outside', 'ABS:outside/secret.txt', 'ABS:', '/', '/canary.txt', '/etc/passwd') },
);
/** Where a generated symlink goes: names used by the paths above, at several depths. */
const linkAt = fc.constantFrom('l0', 'l1', 'l2', 'l3', 'd/l0', 'd/l1', 'd/e/l2', 'd/e/l3', 'g');
const initialLinks = fc.array(fc.tuple(linkAt, linkTarget), { maxLength: 6 });

const dirflags = fc.constantFrom(0, 1);
const ALL_RIGHTS = 0x3fffffffn;
const READ_RIGHTS = 0x2n | 0x4n | 0x20n | 0x200000n | 0x4000n | 0x2000n | 0x40000n;

type Op =
  | { op: 'open'; dir: number; path: string; dirflags: number; oflags: number; rights: bigint; fdflags: number }
  | { op: 'filestat'; dir: number; path: string; dirflags: number }
  | { op: 'set_times'; dir: number; path: string; dirflags: number }
  | { op: 'mkdir' | 'unlink' | 'rmdir' | 'readlink'; dir: number; path: string }
  | { op: 'rename'; dir: number; path: string; dir2: number; path2: string }
  | { op: 'link'; dir: number; path: string; dirflags: number; dir2: number; path2: string }
  | { op: 'symlink'; target: string; dir: number; path: string }
  | { op: 'readdir'; dir: number }
  | { op: 'swap'; dir: number; path: string; away: string; target: string }
  | { op: 'close'; fd: number };

const dirIndex = fc.nat(7);
/** Directories that descriptors are often open on (or below), and escapes to put in their place. */
const swapPath = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('d', 'e', 'd/d', 'd/e', 'e/d', 'e/e') },
  { weight: 1, arbitrary: guestPath },
);
const swapAway = fc.constantFrom('x', 'n', 'g', 'd/x', 'e/n', 'moved');
const escapeTarget = fc.constantFrom(
  '..', '../..', '../../..', '../../../..', '../outside', '../../outside', '../../../outside', '../canary.txt',
  'ABS:outside', 'ABS:', '.', 'l0',
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    // A directory descriptor on a directory that swaps may then replace (issue 9: stale descriptors).
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('open' as const), dir: dirIndex, path: swapPath, dirflags, oflags: fc.constant(2),
      rights: fc.constantFrom(ALL_RIGHTS & ~0x40n, READ_RIGHTS), fdflags: fc.constant(0),
    }),
  },
  {
    // Rename a directory away and put a symlink pointing out where it was, then keep using old descriptors.
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('swap' as const), dir: dirIndex, path: swapPath, away: swapAway, target: escapeTarget }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('open' as const), dir: dirIndex, path: guestPath, dirflags,
      oflags: fc.oneof(fc.constant(0), fc.nat(15)),
      rights: fc.constantFrom(ALL_RIGHTS, READ_RIGHTS, 0x40n | 0x200000n),
      fdflags: fc.constantFrom(0, 1),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('filestat' as const), dir: dirIndex, path: guestPath, dirflags }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set_times' as const), dir: dirIndex, path: guestPath, dirflags }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('mkdir' as const, 'unlink' as const, 'rmdir' as const, 'readlink' as const), dir: dirIndex, path: guestPath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rename' as const), dir: dirIndex, path: guestPath, dir2: dirIndex, path2: guestPath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('link' as const), dir: dirIndex, path: guestPath, dirflags, dir2: dirIndex, path2: guestPath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('symlink' as const), target: linkTarget, dir: dirIndex, path: guestPath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('readdir' as const), dir: dirIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), fd: fc.nat(7) }) },
);
const scenario = fc.record({ links: initialLinks, ops: fc.array(opArb, { minLength: 1, maxLength: 24 }) });

// ---------------------------------------------------------------------------
// Driving the imports.

const PATH = 0x100;
const PATH2 = 0x600;
const OUT = 0xb00;
const STAT = 0xc00;
const IOV = 0xd00;
const DATA = 0xe00;
const BUF = 0x2000;
const BUF_LEN = 0x4000;

/** What a backend variant provides to the driver. */
interface World {
  h: Harness;
  /** Descriptors of the preopens (the outer one first). */
  preopens: number[];
  violations: string[];
  outsideInos: Set<bigint>;
  /** A string describing everything outside, cheap enough to take after every call. */
  snapshot(): string;
  /** The bytes of every file outside, taken at the start and end of a run. */
  contents(): string;
  /** The absolute host or Volume path of something next to the sandbox, for ABS: targets. */
  abs(rel: string): string;
}

const enc = new TextEncoder();

function put(h: Harness, at: number, s: string): number {
  const b = enc.encode(s);
  new Uint8Array(h.memory.buffer).set(b, at);
  return b.byteLength;
}

function expectErrno(e: unknown, what: string): number {
  expect(typeof e, what).toBe('number');
  expect(Number.isInteger(e) && (e as number) >= 0 && (e as number) <= 76, `${what} returned ${String(e)}`).toBe(true);
  return e as number;
}

function readdirInos(h: Harness, fd: number): bigint[] | number {
  const inos: bigint[] = [];
  let cookie = 0n;
  for (let round = 0; round < 64; round++) {
    const e = expectErrno(h.imp.fd_readdir(fd, BUF, BUF_LEN, cookie, OUT), 'fd_readdir');
    if (e !== Errno.SUCCESS) return e;
    const used = h.u32(OUT);
    const v = h.view();
    let at = 0;
    while (at + 24 <= used) {
      const namlen = v.getUint32(BUF + at + 16, true);
      if (at + 24 + namlen > used) break;
      cookie = v.getBigUint64(BUF + at, true);
      inos.push(v.getBigUint64(BUF + at + 8, true));
      at += 24 + namlen;
    }
    if (used < BUF_LEN) break;
  }
  return inos;
}

function resolveTarget(w: World, t: string): string {
  return t.startsWith('ABS:') ? w.abs(t.slice(4)) : t;
}

/** Runs one scenario's calls, checking after each; returns a log for failure messages. */
function drive(w: World, ops: readonly Op[]): void {
  const { h } = w;
  const dirs = [...w.preopens];
  const opened: number[] = [];
  const log: string[] = [];
  const pick = (i: number): number => dirs[i % dirs.length];
  const before = w.contents();
  let snap = w.snapshot();

  const checkIno = (ino: bigint, what: string): void => {
    expect(w.outsideInos.has(ino), `${what}: ino ${ino} is outside the sandbox\n${log.join('\n')}`).toBe(false);
  };

  for (const o of ops) {
    log.push(JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    let e: number;
    switch (o.op) {
      case 'open': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_open(pick(o.dir), o.dirflags, PATH, len, o.oflags, o.rights, o.rights, o.fdflags, OUT), 'path_open');
        if (e !== Errno.SUCCESS) break;
        const fd = h.u32(OUT);
        opened.push(fd);
        expect(h.imp.fd_filestat_get(fd, STAT), 'fd_filestat_get of an opened fd').toBe(Errno.SUCCESS);
        checkIno(h.u64(STAT + 8), `path_open(${o.path})`);
        if (h.bytes(STAT + 16, 1)[0] === 3) {
          dirs.push(fd);
          const inos = readdirInos(h, fd);
          if (typeof inos !== 'number') for (const ino of inos) checkIno(ino, `fd_readdir of ${o.path}`);
        } else {
          h.putIovecs(IOV, [[DATA, 3]]);
          put(h, DATA, 'w!\n');
          expectErrno(h.imp.fd_write(fd, IOV, 1, OUT), 'fd_write');
          h.putIovecs(IOV, [[DATA, 64]]);
          expectErrno(h.imp.fd_pread(fd, IOV, 1, 0n, OUT), 'fd_pread');
        }
        break;
      }
      case 'filestat': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_filestat_get(pick(o.dir), o.dirflags, PATH, len, STAT), 'path_filestat_get');
        if (e === Errno.SUCCESS) checkIno(h.u64(STAT + 8), `path_filestat_get(${o.path})`);
        break;
      }
      case 'set_times': {
        const len = put(h, PATH, o.path);
        // ATIM | MTIM_NOW: an outside file's old times would visibly move.
        e = expectErrno(h.imp.path_filestat_set_times(pick(o.dir), o.dirflags, PATH, len, 5_000_000_000n, 0n, 1 | 8), 'path_filestat_set_times');
        break;
      }
      case 'mkdir': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_create_directory(pick(o.dir), PATH, len), 'path_create_directory');
        break;
      }
      case 'unlink': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_unlink_file(pick(o.dir), PATH, len), 'path_unlink_file');
        break;
      }
      case 'rmdir': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_remove_directory(pick(o.dir), PATH, len), 'path_remove_directory');
        break;
      }
      case 'readlink': {
        const len = put(h, PATH, o.path);
        e = expectErrno(h.imp.path_readlink(pick(o.dir), PATH, len, BUF, 256, OUT), 'path_readlink');
        break;
      }
      case 'rename': {
        const len = put(h, PATH, o.path);
        const len2 = put(h, PATH2, o.path2);
        e = expectErrno(h.imp.path_rename(pick(o.dir), PATH, len, pick(o.dir2), PATH2, len2), 'path_rename');
        break;
      }
      case 'link': {
        const len = put(h, PATH, o.path);
        const len2 = put(h, PATH2, o.path2);
        e = expectErrno(h.imp.path_link(pick(o.dir), o.dirflags, PATH, len, pick(o.dir2), PATH2, len2), 'path_link');
        break;
      }
      case 'symlink': {
        const len = put(h, PATH, resolveTarget(w, o.target));
        const len2 = put(h, PATH2, o.path);
        e = expectErrno(h.imp.path_symlink(PATH, len, pick(o.dir), PATH2, len2), 'path_symlink');
        break;
      }
      case 'swap': {
        const len = put(h, PATH, o.path);
        const len2 = put(h, PATH2, o.away);
        e = expectErrno(h.imp.path_rename(pick(o.dir), PATH, len, pick(o.dir), PATH2, len2), 'path_rename (swap)');
        const tlen = put(h, PATH, resolveTarget(w, o.target));
        const plen = put(h, PATH2, o.path);
        expectErrno(h.imp.path_symlink(PATH, tlen, pick(o.dir), PATH2, plen), 'path_symlink (swap)');
        break;
      }
      case 'readdir': {
        const inos = readdirInos(h, pick(o.dir));
        e = typeof inos === 'number' ? inos : Errno.SUCCESS;
        if (typeof inos !== 'number') for (const ino of inos) checkIno(ino, 'fd_readdir');
        break;
      }
      case 'close': {
        if (opened.length === 0) continue;
        const fd = opened.splice(o.fd % opened.length, 1)[0];
        e = expectErrno(h.imp.fd_close(fd), 'fd_close');
        const at = dirs.indexOf(fd);
        if (at >= w.preopens.length) dirs.splice(at, 1);
        break;
      }
    }
    log[log.length - 1] += ` -> ${e}`;
    expect(w.violations, `backend contract broken\n${log.join('\n')}`).toEqual([]);
    const now = w.snapshot();
    expect(now, `something outside the sandbox changed\n${log.join('\n')}`).toBe(snap);
    snap = now;
  }
  for (const fd of opened) h.imp.fd_close(fd);
  expect(w.contents(), `contents outside the sandbox changed\n${log.join('\n')}`).toBe(before);
}

// ---------------------------------------------------------------------------
// (a) MemFS, mounted at a subtree of a Volume that also holds an outside tree.

/** A directory link of memfs's tree, as MemFS walks it (`vol._core`). */
interface TreeDir {
  steps: string[];
  children: Map<string, TreeDir | undefined>;
}

/**
 * Wraps the entry map of every directory of the Volume's tree so that each
 * name MemFS looks up or lists is recorded when it is outside `allowed` and
 * not on the way to it (MemFS walks the tree itself, not the Volume's methods).
 */
function recordTree(vol: Volume, allowed: readonly string[], violations: string[]): <T>(unrecorded: () => T) => T {
  let on = true;
  const within = (p: string): boolean => allowed.some((a) => p === a || p.startsWith(a + '/'));
  // A name on the way to a mounted subtree may be looked up (MemFS walks to its root from the Volume's).
  const inside = (p: string): boolean => within(p) || allowed.some((a) => a.startsWith(p + '/'));
  const pathOf = (dir: TreeDir): string => dir.steps.filter((c) => c !== '').map((c) => '/' + c).join('');
  const wrap = (dir: TreeDir): void => {
    const map = dir.children;
    for (const [name, child] of map) if (name !== '.' && name !== '..' && child !== undefined && child.children.has('.')) wrap(child);
    dir.children = new Proxy(map, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const at = pathOf(dir);
          if (!on) {
            // the test's own look at the Volume
          } else if (key === 'get' || key === 'has') {
            const name = String(args[0]);
            if (name !== '.' && name !== '..' && !inside(`${at}/${name}`)) violations.push(`${at}/${name}: looked up, outside the mounted subtrees`);
          } else if (!within(at)) {
            violations.push(`${at || '/'}: ${String(key)} of its entries, outside the mounted subtrees`);
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  };
  wrap((vol as unknown as { _core: { root: TreeDir } })._core.root);
  return (unrecorded) => {
    on = false;
    try {
      return unrecorded();
    } finally {
      on = true;
    }
  };
}

/**
 * Every node of the Volume outside `skip`: its metadata, or with `contents`
 * its bytes. memfs updates a directory's atime on every walk, so only files'
 * atimes are compared; reading a file for its contents puts its times back.
 */
function volumeSnapshot(vol: Volume, skip: readonly string[], contents: boolean): string {
  const out: string[] = [];
  const visit = (p: string): void => {
    const st = vol.lstatSync(p);
    if (contents) {
      if (st.isFile()) {
        out.push(`${p}: ${String(vol.readFileSync(p, 'utf8'))}`);
        vol.utimesSync(p, st.atime, st.mtime);
      }
    } else {
      let line = `${p} ino=${st.ino} mode=${st.mode.toString(8)} nlink=${st.nlink} size=${st.size} m=${st.mtimeMs} c=${st.ctimeMs}`;
      if (st.isFile()) line += ` a=${st.atimeMs}`;
      if (st.isSymbolicLink()) line += ` -> ${String(vol.readlinkSync(p))}`;
      out.push(line);
    }
    if (st.isDirectory()) {
      for (const name of (vol.readdirSync(p) as string[]).map(String).sort()) {
        const child = p === '/' ? '/' + name : p + '/' + name;
        if (!skip.includes(child)) visit(child);
      }
    }
  };
  visit('/');
  return out.join('\n');
}

function volumeInos(vol: Volume, skip: readonly string[]): Set<bigint> {
  const inos = new Set<bigint>();
  const visit = (p: string): void => {
    const st = vol.lstatSync(p);
    inos.add(BigInt(st.ino));
    if (st.isDirectory()) {
      for (const name of (vol.readdirSync(p) as string[]).map(String)) {
        const child = p === '/' ? '/' + name : p + '/' + name;
        if (!skip.includes(child)) visit(child);
      }
    }
  };
  visit('/');
  return inos;
}

/** Directories d and e two levels deep, files a and f in each: random names often exist. */
const SANDBOX_DIRS = ['d', 'e', 'd/d', 'd/e', 'e/d', 'e/e'];
const SANDBOX_FILES = ['', ...SANDBOX_DIRS].flatMap((dir) => ['a', 'f'].map((n) => (dir === '' ? n : dir + '/' + n)));

/** The symlinks every run starts with, besides the generated ones. */
const FIXED_LINKS: [string, string][] = [
  ['up', '..'], ['esc', '../canary.txt'], ['abs', 'ABS:canary.txt'], ['loop', 'loop'], ['d/up2', '../..'],
  ['d/e/chain', '../../l0'],
];

function memWorld(links: readonly [string, string][]): World {
  const violations: string[] = [];
  const raw = Volume.fromJSON({
    '/canary.txt': 'canary\n',
    '/outside/secret.txt': 'secret\n',
    '/outside/sub/deep.txt': 'deep\n',
    '/inner/a': 'nested mount\n',
    '/inner/d/f': 'nested mount\n',
  });
  raw.mkdirSync('/sandbox');
  for (const d of SANDBOX_DIRS) raw.mkdirSync('/sandbox/' + d, { recursive: true });
  for (const f of SANDBOX_FILES) raw.writeFileSync('/sandbox/' + f, f + '\n');
  // A symlink outside pointing in, and old fixed times so any read or write shows.
  raw.symlinkSync('/sandbox/f', '/outside/into-sandbox');
  for (const p of ['/canary.txt', '/outside/secret.txt', '/outside/sub/deep.txt']) raw.utimesSync(p, 1000, 1000);
  const abs = (rel: string): string => '/' + rel;
  for (const [at, target] of [...FIXED_LINKS, ...links]) {
    try {
      raw.symlinkSync(target.startsWith('ABS:') ? abs(target.slice(4)) : target, '/sandbox/' + at);
    } catch {
      // the name is taken, or its directory is missing
    }
  }
  const mounted = ['/sandbox', '/inner'];
  const vol = raw;
  const unrecorded = recordTree(raw, mounted, violations);
  const outer = new CheckedVfs(new MemFS(vol, { root: '/sandbox' }), violations);
  // A nested preopen, reached from the outer one as "m", from another subtree of the same Volume.
  const inner = new CheckedVfs(new MemFS(vol, { root: '/inner' }), violations);
  const h = makeHarness({ preopens: { '/sandbox': outer, '/sandbox/m': inner } });
  return {
    h, preopens: [3, 4], violations, abs,
    outsideInos: unrecorded(() => volumeInos(raw, mounted)),
    snapshot: () => unrecorded(() => volumeSnapshot(raw, mounted, false)),
    contents: () => unrecorded(() => volumeSnapshot(raw, mounted, true)),
  };
}

describe('resolver sandbox (property), MemFS on a Volume subtree', () => {
  it(`never reaches outside the mounted subtrees (${MEMFS_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenario, ({ links, ops }) => {
        drive(memWorld(links), ops);
      }),
      { numRuns: MEMFS_RUNS },
    );
  }, TIMEOUT);
});

/** A file's bytes without moving its atime (O_NOATIME, Linux; elsewhere a plain read). */
function readNoAtime(p: string): string {
  const fd = openSync(p, constants.O_RDONLY | (constants.O_NOATIME ?? 0));
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------
// (b) NodeFS rooted at tmp/sandbox, with tmp/canary.txt and tmp/outside/ next to it.

describe('resolver sandbox (property), NodeFS on a temp directory', () => {
  let base: string;
  let sandbox: string;
  /** Whether this filesystem updates atime on a read of a file whose atime is old (relatime does). */
  let atimeWorks = false;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'wasi-host-sandbox-'));
    sandbox = join(base, 'sandbox');
    writeFileSync(join(base, 'canary.txt'), 'canary\n');
    mkdirSync(join(base, 'outside', 'sub'), { recursive: true });
    writeFileSync(join(base, 'outside', 'secret.txt'), 'secret\n');
    writeFileSync(join(base, 'outside', 'sub', 'deep.txt'), 'deep\n');
    symlinkSync(join(base, 'sandbox', 'f'), join(base, 'outside', 'into-sandbox'));
    for (const p of ['canary.txt', 'outside/secret.txt', 'outside/sub/deep.txt']) utimesSync(join(base, p), 1000, 1000);
    // Calibrate: read one file with an old atime and see whether the kernel records it.
    const probe = join(base, 'outside', 'probe');
    writeFileSync(probe, 'p');
    utimesSync(probe, 1000, 1000);
    const fd = openSync(probe, 'r');
    readSync(fd, Buffer.alloc(1), 0, 1, 0);
    closeSync(fd);
    atimeWorks = statSync(probe).atimeMs !== 1_000_000;
    rmSync(probe);
    utimesSync(join(base, 'outside'), 1000, 1000);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  /** Metadata of everything outside the sandbox, or with `contents` the bytes of its files (read with O_NOATIME). */
  function hostSnapshot(contents: boolean): string {
    const out: string[] = [];
    const visit = (p: string, rel: string): void => {
      const st = lstatSync(p, { bigint: true });
      if (contents) {
        if (st.isFile()) out.push(`${rel}: ${readNoAtime(p)}`);
      } else {
        let line = `${rel} ino=${st.ino} mode=${st.mode.toString(8)} nlink=${st.nlink} size=${st.size} m=${st.mtimeNs} c=${st.ctimeNs}`;
        if (atimeWorks && st.isFile()) line += ` a=${st.atimeNs}`;
        if (st.isSymbolicLink()) line += ` -> ${readlinkSync(p)}`;
        out.push(line);
      }
      if (st.isDirectory()) {
        for (const name of readdirSync(p).sort()) {
          if (p === base && name === 'sandbox') continue;
          visit(join(p, name), rel + '/' + name);
        }
      }
    };
    visit(base, '');
    return out.join('\n');
  }

  function nodeWorld(links: readonly [string, string][]): World {
    rmSync(sandbox, { recursive: true, force: true });
    for (const d of SANDBOX_DIRS) mkdirSync(join(sandbox, d), { recursive: true });
    for (const f of SANDBOX_FILES) writeFileSync(join(sandbox, f), f + '\n');
    const abs = (rel: string): string => join(base, rel);
    for (const [at, target] of [...FIXED_LINKS, ...links]) {
      try {
        symlinkSync(target.startsWith('ABS:') ? abs(target.slice(4)) : target, join(sandbox, at));
      } catch {
        // the name is taken, or its directory is missing
      }
    }
    const violations: string[] = [];
    const h = makeHarness({ preopens: { '/sandbox': new CheckedVfs(new NodeFS(sandbox), violations) } });
    const inos = new Set<bigint>();
    const visit = (p: string): void => {
      const st = lstatSync(p, { bigint: true });
      inos.add(st.ino);
      if (st.isDirectory()) for (const name of readdirSync(p)) if (!(p === base && name === 'sandbox')) visit(join(p, name));
    };
    visit(base);
    return {
      h, preopens: [3], violations, abs, outsideInos: inos,
      snapshot: () => hostSnapshot(false),
      contents: () => hostSnapshot(true),
    };
  }

  it(`never reaches outside the sandbox directory (${NODEFS_RUNS} runs)`, () => {
    // The parent's own line (the first) changes as the sandbox is recreated; each run checks it against its own start.
    const below = (): string => hostSnapshot(false).split('\n').slice(1).join('\n') + hostSnapshot(true);
    const atStart = below();
    fc.assert(
      fc.property(scenario, ({ links, ops }) => {
        drive(nodeWorld(links), ops);
      }),
      { numRuns: NODEFS_RUNS },
    );
    // Between runs too, everything below the parent stayed as it was.
    expect(below()).toBe(atStart);
  }, TIMEOUT);
});
