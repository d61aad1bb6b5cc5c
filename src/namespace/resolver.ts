import { Errno, WasiError } from '../abi/errno.js';
import type { DirDescriptor } from '../fd-table.js';
import type { VfsFile, VfsKind, VfsOpenFlags, VfsStat } from '../vfs/types.js';
import type { Location, Mount, NodeId } from './types.js';

/**
 * What a path that would leave the sandbox gets: an absolute path, `..` above
 * the starting directory, an absolute symlink target. Current wasmtime says
 * EPERM (cap-std's escape error); the official test suite accepts EPERM or
 * ENOTCAPABLE, and EPERM is what a C program's strerror explains best.
 */
export const ESCAPE_ERRNO = Errno.PERM;

/** POSIX's SYMLOOP_MAX is at least 8; Linux allows 40 hops, and so do we. */
const MAX_SYMLINK_HOPS = 40;
/**
 * Linux PATH_MAX. Longer guest paths get ENAMETOOLONG before any lookup, and
 * so do symlink targets (at creation, and when a backend holds a longer one)
 * and the location a walk reaches: with at most MAX_SYMLINK_HOPS targets of
 * this size, one resolution looks at a bounded number of components whatever
 * the guest stored.
 */
export const MAX_PATH_BYTES = 4096;
/** NAME_MAX, in UTF-8 bytes; enforced here so every backend agrees with a POSIX host. */
const MAX_NAME_BYTES = 255;
const utf8 = new TextEncoder();
/**
 * Whether `path` is plain: no empty, "." or ".." component, and no name that
 * may be longer than MAX_NAME_BYTES (a UTF-16 unit is at most 3 UTF-8 bytes,
 * so 86 units may be). One pass over the char codes: the regular expression
 * it replaces was the largest single cost of an open (BENCHMARKS.md, issue 14
 * part 6).
 */
export function isPlain(path: string): boolean {
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path.charCodeAt(i) !== 47 /* '/' */) continue;
    const n = i - start;
    // 46 is '.': "." and ".." are the names under 3 units that begin and end with one.
    if (n === 0 || n > 85 || (n < 3 && path.charCodeAt(start) === 46 && path.charCodeAt(i - 1) === 46)) return false;
    start = i + 1;
  }
  return true;
}

/** Whether `name` is past NAME_MAX. A UTF-16 unit is at most 3 UTF-8 bytes, so only long names need encoding. */
export function nameTooLong(name: string): boolean {
  return name.length * 3 > MAX_NAME_BYTES && utf8.encode(name).byteLength > MAX_NAME_BYTES;
}

/**
 * `keepFinal` for the names rename moves and link and open(O_CREAT) make: a
 * last name past NAME_MAX comes back not looked up (kind undefined), for the
 * call to refuse where Linux looks it up (nameTooLong), after both paths are
 * walked: rename("missing", long) is ENOENT, rename(".", long) EBUSY,
 * rename(long, "missing/x") ENOENT, open("long/", O_CREAT) EISDIR, as in
 * Linux and wasmtime.
 */
export const NEW_NAME = 2;

/** What a guest path named, relative to a directory descriptor. */
export interface Resolved {
  /** The final component, or '' when the path named the start directory itself ("." or "a/.."). */
  readonly name: string;
  /** Where the final component lives (the start directory, or the one ".." reached, when `name` is ''). */
  readonly location: Location;
  /** What the final component is (after following it, if followed); undefined if it does not exist. */
  readonly kind: VfsKind | undefined;
  /** Its full lstat, only when asked for with `wantStat` (and it exists). */
  readonly stat: VfsStat | undefined;
  /** The path ended in '/': POSIX then requires a directory (or something that becomes one). */
  readonly trailingSlash: boolean;
  /** The path ended in "/." after the final name ("a/."): a lookup inside it, which rmdir and rename refuse. */
  readonly trailingDot: boolean;
  /** The regular file the lookup opened (Vfs.openFile), when asked to open and it could; `kind` is then 'file'. */
  readonly file?: VfsFile;
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** The kind of node at `loc`, by the backend's cheap query where it has one. */
function kindAt(loc: Location): VfsKind | undefined {
  const vfs = loc.mount.vfs;
  if (vfs.kind !== undefined) return vfs.kind(loc.path);
  return lstatOrUndefined(loc)?.kind;
}

/**
 * The identity the directory of `d` (at `loc`) must still have, or undefined
 * when nothing needs checking. At a mount root it is the mount's rootId, set
 * only when another mount can reach the root: every descriptor there (the
 * preopen, one opened on ".") reached it through that check, and a preopen
 * has no identity of its own (Namespace.mount). Anywhere else it is the
 * directory's own, taken when it was opened.
 */
function idToCheck(loc: Location, d: DirDescriptor): NodeId | undefined {
  return loc.path === loc.mount.root ? loc.mount.rootId : d.id;
}

/** Whether `st` is the directory `id` names. */
function isDir(st: VfsStat | undefined, id: NodeId): boolean {
  return st?.kind === 'directory' && st.ino === id.ino && st.dev === id.dev;
}

/** lstat, or undefined when the path no longer leads anywhere (a component gone, not a directory, a loop). */
function lstatIfThere(loc: Location): VfsStat | undefined {
  try {
    return loc.mount.vfs.lstat(loc.path);
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'string') return undefined;
    throw err;
  }
}

function lstatOrUndefined(loc: Location): VfsStat | undefined {
  try {
    return loc.mount.vfs.lstat(loc.path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The only place that turns (directory, guest path) into a backend location.
 *
 * Walks component by component with lstat, so no symlink is ever handed to a
 * backend to follow by itself. `..` pops a stack of visited directories and
 * can never pop the starting directory, so neither paths nor symlink targets
 * (relative ones; absolute ones are refused) can leave it. Nested mounts are
 * crossed when a component names another mount's guest path.
 */
export class Resolver {
  constructor(private readonly mounts: ReadonlyMap<string, Mount>) {}

  /**
   * Where a directory descriptor's directory is, checked before each use.
   *
   * Backends are reached by path, and the path that led to a directory can
   * be changed under an open descriptor: renamed away and replaced by a
   * symlink pointing out ("../outside"), by the guest itself through another
   * descriptor. Renames this host performs move descriptors along
   * (FdTable.moved), so the path is re-checked here by identity: one lstat
   * of the whole path must find the very directory (dev, ino) the descriptor
   * was opened on. Every name below it is then walked by `resolve` itself. A
   * directory that is gone, or no longer at its path, is ENOENT (as openat in
   * a removed directory is). Skipped for a mount root that nothing the guest
   * can reach leads to: no guest call can change what its path names.
   */
  enter(d: DirDescriptor): Location {
    if (d.removed) throw new WasiError(Errno.NOENT);
    const loc = d.location;
    const id = idToCheck(loc, d);
    if (id !== undefined && !isDir(lstatIfThere(loc), id)) throw new WasiError(Errno.NOENT);
    return loc;
  }

  /** `enter`, for callers that need the directory's lstat too: one lstat serves both. */
  enterStat(d: DirDescriptor): VfsStat {
    if (d.removed) throw new WasiError(Errno.NOENT);
    const loc = d.location;
    const id = idToCheck(loc, d);
    if (id === undefined) return loc.mount.vfs.lstat(loc.path);
    const st = lstatIfThere(loc);
    if (st === undefined || !isDir(st, id)) throw new WasiError(Errno.NOENT);
    return st;
  }

  /** The location of `name` inside `dir`, crossing into a nested mount when one sits there. */
  child(dir: Location, name: string): Location {
    const guestPath = joinPath(dir.guestPath, name);
    if (this.mounts.size > 1) {
      const m = this.mounts.get(guestPath);
      if (m !== undefined) {
        const root = { mount: m, path: m.root, guestPath };
        // An overlapping mount's root could have been replaced through the other mount (see enter).
        if (m.rootId !== undefined && !isDir(lstatIfThere(root), m.rootId)) throw new WasiError(Errno.NOENT);
        return root;
      }
    }
    const path = joinPath(dir.path, name);
    if (path.length > MAX_PATH_BYTES) throw new WasiError(Errno.NAMETOOLONG);
    return { mount: dir.mount, path, guestPath };
  }

  /**
   * `resolve`'s one walk for a backend that walks beneath itself: `path`
   * from `start` when it is plain (names only: no empty, "." or ".."
   * component) and no other mount lies below `start`, so no component can
   * be `..` or a crossing into another mount, and the backend checks each
   * directory on the way as the walk below would. What it finds is
   * final unless it is a symlink (which the walk follows or not) or it
   * cannot tell: the walk then starts over, and judges in its own order.
   */
  #openPlain(start: Location, path: string, open: VfsOpenFlags): Resolved | undefined {
    const location = { mount: start.mount, path: joinPath(start.path, path), guestPath: joinPath(start.guestPath, path) };
    if (!isPlain(path) || location.path.length > MAX_PATH_BYTES || this.mountsIn(start, true).length > 0) return undefined;
    const got = start.mount.vfs.openFile?.(location.path, open);
    if (!got || got === 'symlink') return undefined;
    const file = typeof got === 'object' ? got : undefined;
    return {
      name: path.slice(path.lastIndexOf('/') + 1), location,
      kind: file !== undefined ? 'file' : got === 'none' ? undefined : got as VfsKind, stat: undefined, trailingSlash: false, trailingDot: false, file,
    };
  }

  /** Mounts whose guest path sits directly inside `dir` (anywhere below it, with `below`), for listing them in fd_readdir. */
  mountsIn(dir: Location, below = false): Mount[] {
    if (this.mounts.size < 2) return [];
    const out: Mount[] = [];
    const prefix = dir.guestPath === '/' ? '/' : dir.guestPath + '/';
    for (const [gp, m] of this.mounts) {
      if (gp.length > prefix.length && gp.startsWith(prefix) && (below || !gp.slice(prefix.length).includes('/'))) out.push(m);
    }
    return out;
  }

  /**
   * Resolves `path` from `start`. `followFinal` is lookupflags.symlink_follow,
   * which only ever concerns the last component; a trailing slash also forces
   * it, and makes anything but a directory ENOTDIR. With `keepFinal` (calls
   * that make, remove or move the final entry itself: mkdir, rmdir, unlink,
   * rename, the new name of link and symlink, path_open with O_CREAT) a bare
   * trailing slash does neither, and the call judges the entry as it is, as Linux does:
   * rmdir("link/") is ENOTDIR, never the removal of the link's target, and
   * mkdir("file/") is EEXIST. A trailing "/." is a lookup inside the name and
   * is never kept. `NEW_NAME` is keepFinal that also leaves a too-long last
   * name to the call.
   *
   * With `open` (path_open of a file), a backend that walks beneath itself
   * (Vfs.walksBeneath) is given a plain path whole, to open in one walk: a
   * regular file (or a new one, with `open.create`) comes back as `file`.
   */
  resolve(dir: DirDescriptor, path: string, followFinal: boolean, keepFinal: boolean | typeof NEW_NAME = false, wantStat = false, open?: VfsOpenFlags): Resolved {
    if (path.length === 0) throw new WasiError(Errno.NOENT);
    if (path.length > MAX_PATH_BYTES) throw new WasiError(Errno.NAMETOOLONG);
    if (path.includes('\0')) throw new WasiError(Errno.INVAL);
    if (path.charCodeAt(0) === 47 /* '/' */) throw new WasiError(ESCAPE_ERRNO);
    const start = this.enter(dir);
    if (open && start.mount.vfs.walksBeneath) {
      const r = this.#openPlain(start, path, open);
      if (r !== undefined) return r;
    }

    // Components still to walk, last first, so a symlink's target can be pushed on top.
    const pending = path.split('/').reverse();
    const stack: Location[] = [start];
    let hops = 0;

    for (;;) {
      const name = nextComponent(pending);
      if (name === undefined) break;
      const top = stack[stack.length - 1];
      if (name === '..') {
        if (stack.length === 1) throw new WasiError(ESCAPE_ERRNO);
        stack.pop();
        continue;
      }
      const isLast = !hasMore(pending);
      if (nameTooLong(name)) {
        // "long/." looks inside the name: judged now, as any directory on the way.
        if (isLast && keepFinal === NEW_NAME && !pending.includes('.')) {
          return { name, location: this.child(top, name), kind: undefined, stat: undefined, trailingSlash: pending.length > 0, trailingDot: false };
        }
        throw new WasiError(Errno.NAMETOOLONG);
      }
      // "a/" and "a/." name a directory: the final component must be one, reached through symlinks
      // (only '' and '.' are left in `pending` once isLast).
      const trailingSlash = isLast && pending.length > 0;
      const trailingDot = trailingSlash && pending.includes('.');
      const mustBeDir = trailingSlash && (!keepFinal || trailingDot);
      const loc = this.child(top, name);
      // Walking needs only the kind; a full stat is fetched for the final component when asked for.
      const stat = isLast && wantStat ? lstatOrUndefined(loc) : undefined;
      const kind = isLast && wantStat ? stat?.kind : kindAt(loc);
      if (kind === undefined) {
        // "missing/." looks inside the name, which is not there: ENOENT for every call, mkdir and open(O_CREAT) included (Linux).
        if (isLast && !trailingDot) return { name, location: loc, kind, stat, trailingSlash, trailingDot };
        throw new WasiError(Errno.NOENT);
      }
      // With keepFinal, "link/" is judged as the link itself: open("link/", O_CREAT) is EISDIR before
      // the link is read (Linux), never an escape through its target.
      const follow = isLast && followFinal && !(keepFinal && trailingSlash && !trailingDot);
      if (kind === 'symlink' && (!isLast || follow || mustBeDir)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new WasiError(Errno.LOOP);
        const target = loc.mount.vfs.readlink(loc.path);
        if (target.length === 0) throw new WasiError(Errno.NOENT);
        // A target the backend holds from elsewhere (a seeded Volume, a host program) may be longer than any
        // the guest can make; UTF-16 units never outnumber UTF-8 bytes.
        if (target.length >= MAX_PATH_BYTES && utf8.encode(target).byteLength >= MAX_PATH_BYTES) {
          throw new WasiError(Errno.NAMETOOLONG);
        }
        if (target.charCodeAt(0) === 47) throw new WasiError(ESCAPE_ERRNO);
        const parts = target.split('/');
        for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
        continue;
      }
      if (isLast) {
        if (mustBeDir && kind !== 'directory') throw new WasiError(Errno.NOTDIR);
        return { name, location: loc, kind, stat, trailingSlash, trailingDot };
      }
      if (kind !== 'directory') throw new WasiError(Errno.NOTDIR);
      stack.push(loc);
    }

    // The path named a directory already on the stack ("." or "a/..").
    const here = stack[stack.length - 1];
    const stat = wantStat ? here.mount.vfs.lstat(here.path) : undefined;
    return { name: '', location: here, kind: 'directory', stat, trailingSlash: true, trailingDot: false };
  }
}

/** Pops the next meaningful component; empty and "." components name the current directory. */
function nextComponent(pending: string[]): string | undefined {
  while (pending.length > 0) {
    const c = pending.pop() as string;
    if (c !== '' && c !== '.') return c;
  }
  return undefined;
}

/** Whether a component other than '' or '.' is still pending. */
function hasMore(pending: string[]): boolean {
  for (let i = pending.length - 1; i >= 0; i--) {
    const c = pending[i];
    if (c !== '' && c !== '.') return true;
  }
  return false;
}
