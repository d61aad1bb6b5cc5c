import { Errno, WasiError } from './abi/errno.js';
import type { Location, Mount } from './fd-table.js';
import type { VfsKind, VfsStat } from './vfs/types.js';

/**
 * What a path that would leave the sandbox gets: an absolute path, `..` above
 * the starting directory, an absolute symlink target. Current wasmtime says
 * EPERM (cap-std's escape error); the official test suite accepts EPERM or
 * ENOTCAPABLE, and EPERM is what a C program's strerror explains best.
 */
export const ESCAPE_ERRNO = Errno.PERM;

/** POSIX's SYMLOOP_MAX is at least 8; Linux allows 40 hops, and so do we. */
const MAX_SYMLINK_HOPS = 40;
/** Linux PATH_MAX; longer guest paths get ENAMETOOLONG before any lookup. */
const MAX_PATH_BYTES = 4096;
/** NAME_MAX, in UTF-8 bytes; enforced here so every backend agrees with a POSIX host. */
const MAX_NAME_BYTES = 255;
const utf8 = new TextEncoder();

function checkNameLength(name: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so only long names need encoding.
  if (name.length * 3 > MAX_NAME_BYTES && utf8.encode(name).byteLength > MAX_NAME_BYTES) {
    throw new WasiError(Errno.NAMETOOLONG);
  }
}

/** What a guest path named, relative to a directory descriptor. */
export interface Resolved {
  /** The directory that holds the final component. */
  readonly parent: Location;
  /** The final component, or '' when the path named the start directory itself ("." or "a/.."). */
  readonly name: string;
  /** Where the final component lives (equal to `parent` when `name` is ''). */
  readonly location: Location;
  /** What the final component is (after following it, if followed); undefined if it does not exist. */
  readonly kind: VfsKind | undefined;
  /** Its full lstat, only when asked for with `wantStat` (and it exists). */
  readonly stat: VfsStat | undefined;
  /** The path ended in '/': POSIX then requires a directory (or something that becomes one). */
  readonly trailingSlash: boolean;
  /** The path ended in "/." after the final name ("a/."): a lookup inside it, which rmdir and rename refuse. */
  readonly trailingDot: boolean;
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

  /** The location of `name` inside `dir`, crossing into a nested mount when one sits there. */
  child(dir: Location, name: string): Location {
    const guestPath = joinPath(dir.guestPath, name);
    if (this.mounts.size > 1) {
      const m = this.mounts.get(guestPath);
      if (m !== undefined) return { mount: m, path: m.root, guestPath };
    }
    return { mount: dir.mount, path: joinPath(dir.path, name), guestPath };
  }

  /** Mounts whose guest path sits directly inside `dir`, for listing them in fd_readdir. */
  mountsIn(dir: Location): Mount[] {
    if (this.mounts.size < 2) return [];
    const out: Mount[] = [];
    const prefix = dir.guestPath === '/' ? '/' : dir.guestPath + '/';
    for (const [gp, m] of this.mounts) {
      if (gp.length > prefix.length && gp.startsWith(prefix) && !gp.slice(prefix.length).includes('/')) out.push(m);
    }
    return out;
  }

  /**
   * Resolves `path` from `start`. `followFinal` is lookupflags.symlink_follow,
   * which only ever concerns the last component; a trailing slash also forces
   * it, and makes anything but a directory ENOTDIR. With `keepFinal` (calls
   * that make, remove or move the final entry itself: mkdir, rmdir, unlink,
   * rename, the new name of link and symlink) a bare trailing slash does
   * neither, and the call judges the entry as it is, as Linux does:
   * rmdir("link/") is ENOTDIR, never the removal of the link's target, and
   * mkdir("file/") is EEXIST. A trailing "/." is a lookup inside the name and
   * is never kept.
   */
  resolve(start: Location, path: string, followFinal: boolean, keepFinal = false, wantStat = false): Resolved {
    if (path.length === 0) throw new WasiError(Errno.NOENT);
    if (path.length > MAX_PATH_BYTES) throw new WasiError(Errno.NAMETOOLONG);
    if (path.includes('\0')) throw new WasiError(Errno.INVAL);
    if (path.charCodeAt(0) === 47 /* '/' */) throw new WasiError(ESCAPE_ERRNO);

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
      checkNameLength(name);
      const isLast = !hasMore(pending);
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
        if (isLast) return { parent: top, name, location: loc, kind, stat, trailingSlash, trailingDot };
        throw new WasiError(Errno.NOENT);
      }
      if (kind === 'symlink' && (!isLast || followFinal || mustBeDir)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new WasiError(Errno.LOOP);
        const target = loc.mount.vfs.readlink(loc.path);
        if (target.length === 0) throw new WasiError(Errno.NOENT);
        if (target.charCodeAt(0) === 47) throw new WasiError(ESCAPE_ERRNO);
        const parts = target.split('/');
        for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i]);
        continue;
      }
      if (isLast) {
        if (mustBeDir && kind !== 'directory') throw new WasiError(Errno.NOTDIR);
        return { parent: top, name, location: loc, kind, stat, trailingSlash, trailingDot };
      }
      if (kind !== 'directory') throw new WasiError(Errno.NOTDIR);
      stack.push(loc);
    }

    // The path named a directory already on the stack ("." or "a/..").
    const here = stack[stack.length - 1];
    const parent = stack.length > 1 ? stack[stack.length - 2] : here;
    const stat = wantStat ? here.mount.vfs.lstat(here.path) : undefined;
    return { parent, name: '', location: here, kind: 'directory', stat, trailingSlash: true, trailingDot: false };
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
