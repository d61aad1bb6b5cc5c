import { Errno, WasiError } from '../abi/errno.js';
import {
  FDFLAGS_ALL, LookupFlags, OFlags, OFLAGS_ALL, Rights, RIGHTS_DIR_BASE, RIGHTS_DIR_INHERITING,
  RIGHTS_FILE_BASE, rightsFromAbi,
} from '../abi/constants.js';
import { writeFilestat } from './encode.js';
import { FileDescriptor } from '../fd-table.js';
import { encodeUtf8 } from '../memory.js';
import { ESCAPE_ERRNO, MAX_PATH_BYTES, nameTooLong, NEW_NAME, type Resolved } from '../namespace/resolver.js';
import type { Location } from '../namespace/types.js';
import type { HostContext } from './context.js';
import { timesArg } from './fd-meta.js';
import type { VfsStat } from '../vfs/types.js';

/**
 * Looks up the directory fd (with `rights`), decodes the guest path and resolves it. `keepFinal`
 * is for calls that make, remove or move the final entry itself (see Resolver.resolve).
 */
function resolveAt(
  ctx: HostContext, fd: number, rights: number, path: number, pathLen: number, follow: boolean,
  keepFinal: boolean | typeof NEW_NAME = false, wantStat = false,
): Resolved {
  const dir = ctx.fds.getDir(fd, rights);
  return ctx.ns.resolve(dir, ctx.mem.string(path, pathLen), follow, keepFinal, wantStat);
}

export function path_open(
  ctx: HostContext, fd: number, dirflags: number, path: number, pathLen: number, oflags: number,
  rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdOut: number,
): Errno {
  if ((oflags & ~OFLAGS_ALL) !== 0 || (fdflags & ~FDFLAGS_ALL) !== 0) return Errno.INVAL;
  const create = (oflags & OFlags.CREAT) !== 0;
  const truncate = (oflags & OFlags.TRUNC) !== 0;
  const wantsDir = (oflags & OFlags.DIRECTORY) !== 0;
  // As wasmtime: O_DIRECTORY never goes with O_CREAT, O_EXCL or O_TRUNC (Linux 6.4+ also refuses O_CREAT).
  if (wantsDir && (oflags & (OFlags.CREAT | OFlags.EXCL | OFlags.TRUNC)) !== 0) return Errno.INVAL;
  let needed = Rights.PATH_OPEN;
  if (create) needed |= Rights.PATH_CREATE_FILE;
  if (truncate) needed |= Rights.PATH_FILESTAT_SET_SIZE;
  const dir = ctx.fds.getDir(fd, needed);
  ctx.mem.check(fdOut, 4);
  // A new descriptor never holds more than its directory may hand down.
  const base = rightsFromAbi(rightsBase) & dir.rightsInheriting;
  const inheriting = rightsFromAbi(rightsInheriting) & dir.rightsInheriting;
  // O_CREAT|O_EXCL never follows a final symlink: a dangling one is EEXIST, not a file created at its target (POSIX open).
  const exclusive = create && (oflags & OFlags.EXCL) !== 0;
  const follow = (dirflags & LookupFlags.SYMLINK_FOLLOW) !== 0 && !exclusive;
  // As in wasmtime, FD_READ and FD_WRITE choose the open mode; other rights only gate calls.
  const writable = (base & Rights.FD_WRITE) !== 0;
  const readable = (base & Rights.FD_READ) !== 0 || !writable;
  const flags = { read: readable, write: writable || truncate, create, exclusive, truncate, noFollow: true };
  // A file may come back opened by the lookup itself (Vfs.openFile): O_DIRECTORY wants none.
  // With O_CREAT a trailing slash is judged below, whatever the name is (keepFinal leaves it to us).
  const r = ctx.ns.resolve(dir, ctx.mem.string(path, pathLen), follow, create && NEW_NAME, false, wantsDir ? undefined : flags);
  // open("name/", O_CREAT) is EISDIR whether the name is missing, a file, a symlink, a directory or
  // past NAME_MAX (Linux, and wasmtime through it): the slash asks for a directory, which O_CREAT
  // cannot make. "." and "d/." are no names to create: they exist, so O_EXCL makes them EEXIST below.
  if (create && r.trailingSlash && r.name !== '' && !r.trailingDot) return Errno.ISDIR;
  if (create && nameTooLong(r.name)) return Errno.NAMETOOLONG;

  const st = r.kind;
  if (st === undefined) {
    if (!create) return Errno.NOENT;
  } else if (r.file === undefined) {
    // (A file the lookup opened is a regular file opened as asked: nothing here would refuse it.)
    if (exclusive) return Errno.EXIST;
    // A final symlink not followed: O_NOFOLLOW's ELOOP, with O_DIRECTORY too. wasmtime checks
    // O_DIRECTORY itself after an O_NOFOLLOW open and so says ELOOP; Linux says ENOTDIR there.
    if (st === 'symlink') return Errno.LOOP;
    if (st === 'directory') {
      // open(dir, O_CREAT) is EISDIR on Linux; wasmtime opens O_CREAT for writing and gets the same.
      if (writable || truncate || create) return Errno.ISDIR;
      const d = ctx.ns.openDir(r, base & RIGHTS_DIR_BASE, inheriting & RIGHTS_DIR_INHERITING);
      ctx.mem.setU32(fdOut, ctx.fds.insert(d));
      return Errno.SUCCESS;
    }
    if (wantsDir) return Errno.NOTDIR;
    if (st !== 'file') return Errno.NOTSUP;
  }

  const loc = r.location;
  const file = ctx.ns.open(r, flags);
  const d = new FileDescriptor(file, loc.mount, readable, writable, base & RIGHTS_FILE_BASE, inheriting & RIGHTS_FILE_BASE, fdflags);
  try {
    ctx.mem.setU32(fdOut, ctx.fds.insert(d));
  } catch (err) {
    file.close();
    throw err;
  }
  return Errno.SUCCESS;
}

export function path_create_directory(ctx: HostContext, fd: number, path: number, pathLen: number): Errno {
  // Anything already there is EEXIST, "file/" and "dangling-link/" included (Linux).
  const r = resolveAt(ctx, fd, Rights.PATH_CREATE_DIRECTORY, path, pathLen, false, true);
  if (r.kind !== undefined) return Errno.EXIST;
  ctx.ns.mkdir(r.location);
  return Errno.SUCCESS;
}

export function path_remove_directory(ctx: HostContext, fd: number, path: number, pathLen: number): Errno {
  const r = resolveAt(ctx, fd, Rights.PATH_REMOVE_DIRECTORY, path, pathLen, false, true);
  // rmdir(".") and rmdir("a/.") are EINVAL in POSIX; a mount root is in use by its preopen.
  if (r.name === '' || r.trailingDot) return Errno.INVAL;
  if (r.kind === undefined) return Errno.NOENT;
  if (r.kind !== 'directory') return Errno.NOTDIR;
  if (ctx.ns.isMountRoot(r.location)) return Errno.BUSY;
  if (!ctx.ns.isEmptyDir(r.location)) return Errno.NOTEMPTY;
  ctx.ns.rmdir(r.location);
  return Errno.SUCCESS;
}

export function path_unlink_file(ctx: HostContext, fd: number, path: number, pathLen: number): Errno {
  const r = resolveAt(ctx, fd, Rights.PATH_UNLINK_FILE, path, pathLen, false, true);
  if (r.name === '') return Errno.ISDIR;
  if (r.kind === undefined) return Errno.NOENT;
  if (r.kind === 'directory') return Errno.ISDIR;
  // "file/" or "link/": the slash asks for a directory, and the link is not followed to find one.
  if (r.trailingSlash) return Errno.NOTDIR;
  ctx.ns.unlink(r.location);
  return Errno.SUCCESS;
}

/** Whether `inner` is `outer` or lies below it in the same mount (a directory cannot move into itself). */
function isWithin(inner: Location, outer: Location): boolean {
  return inner.mount === outer.mount && (inner.path === outer.path || inner.path.startsWith(outer.path + '/'));
}

export function path_rename(
  ctx: HostContext, fd: number, oldPath: number, oldPathLen: number, newFd: number, newPath: number, newPathLen: number,
): Errno {
  // Neither end's final symlink is followed, slash or not: rename("link/", x) is ENOTDIR (Linux),
  // never a move of the link's target.
  const from = resolveAt(ctx, fd, Rights.PATH_RENAME_SOURCE, oldPath, oldPathLen, false, NEW_NAME, true);
  const to = resolveAt(ctx, newFd, Rights.PATH_RENAME_TARGET, newPath, newPathLen, false, NEW_NAME, true);
  // A "." or ".." last component (POSIX EBUSY on Linux), or a mount root, in use by its preopen;
  // Linux judges the names before it looks the source up, so rename("missing", ".") is EBUSY too.
  if (from.name === '' || to.name === '' || from.trailingDot || to.trailingDot) return Errno.BUSY;
  if (ctx.ns.isMountRoot(from.location) || ctx.ns.isMountRoot(to.location)) return Errno.BUSY;
  // Then the two last names looked up, source first (renameat2): a name past NAME_MAX fails there.
  if (nameTooLong(from.name)) return Errno.NAMETOOLONG;
  if (from.stat === undefined) return Errno.NOENT;
  if (nameTooLong(to.name)) return Errno.NAMETOOLONG;
  if (from.location.mount !== to.location.mount) return Errno.XDEV;
  const src = from.stat;
  const dst = to.stat;
  const same = to.location.path === from.location.path;
  // Linux's order (renameat2): slashes on a non-directory, then ancestry, then the two kinds.
  if (src.kind !== 'directory' && (to.trailingSlash || from.trailingSlash)) return Errno.NOTDIR;
  if (src.kind === 'directory' && isWithin(to.location, from.location) && !same) return Errno.INVAL;
  // The new name is a directory holding the source: not empty, whatever the source is.
  if (isWithin(from.location, to.location) && !same) return Errno.NOTEMPTY;
  if (src.kind === 'directory') {
    if (dst !== undefined && dst.kind !== 'directory') return Errno.NOTDIR;
    if (dst !== undefined && !same && !ctx.ns.isEmptyDir(to.location)) return Errno.NOTEMPTY;
  } else if (dst?.kind === 'directory') return Errno.ISDIR;
  // Renaming a name onto itself, or onto another link of the same file, does nothing (POSIX rename).
  if (dst?.dev === src.dev && dst.ino === src.ino) return Errno.SUCCESS;
  ctx.ns.rename(from.location, to.location, src.kind === 'directory', dst?.kind === 'directory');
  return Errno.SUCCESS;
}

/** What path_filestat_get reports, in either ABI's layout (the caller writes it). */
export function statAtPath(ctx: HostContext, fd: number, flags: number, path: number, pathLen: number): VfsStat {
  const r = resolveAt(ctx, fd, Rights.PATH_FILESTAT_GET, path, pathLen, (flags & LookupFlags.SYMLINK_FOLLOW) !== 0, false, true);
  if (r.stat === undefined) throw new WasiError(Errno.NOENT);
  return r.stat;
}

export function path_filestat_get(
  ctx: HostContext, fd: number, flags: number, path: number, pathLen: number, out: number,
): Errno {
  writeFilestat(ctx.mem, out, statAtPath(ctx, fd, flags, path, pathLen));
  return Errno.SUCCESS;
}

export function path_filestat_set_times(
  ctx: HostContext, fd: number, flags: number, path: number, pathLen: number, atim: bigint, mtim: bigint,
  fstFlags: number,
): Errno {
  const [a, m] = timesArg(atim, mtim, fstFlags);
  const r = resolveAt(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES, path, pathLen, (flags & LookupFlags.SYMLINK_FOLLOW) !== 0);
  if (r.kind === undefined) return Errno.NOENT;
  // The resolver already followed the final symlink if asked; what is left is set in place.
  ctx.ns.setTimes(r.location, a, m, false);
  return Errno.SUCCESS;
}

export function path_link(
  ctx: HostContext, oldFd: number, oldFlags: number, oldPath: number, oldPathLen: number, newFd: number,
  newPath: number, newPathLen: number,
): Errno {
  const from = resolveAt(ctx, oldFd, Rights.PATH_LINK_SOURCE, oldPath, oldPathLen, (oldFlags & LookupFlags.SYMLINK_FOLLOW) !== 0);
  // "missing/" is a directory to walk into, so it fails before the new name is looked at (wasmtime;
  // Linux also looks the whole source up first).
  if (from.kind === undefined && from.trailingSlash) return Errno.NOENT;
  const to = resolveAt(ctx, newFd, Rights.PATH_LINK_TARGET, newPath, newPathLen, false, NEW_NAME);
  if (from.kind === undefined) return Errno.NOENT;
  if (nameTooLong(to.name)) return Errno.NAMETOOLONG;
  // Linux's order (linkat): the new name is judged before the source's type, so a directory
  // linked onto an existing name is EEXIST, and EPERM only when the link could otherwise be made.
  if (to.kind !== undefined || to.name === '') return Errno.EXIST;
  if (to.trailingSlash) return Errno.NOENT;
  if (from.location.mount !== to.location.mount) return Errno.XDEV;
  if (from.kind === 'directory') return Errno.PERM;
  ctx.ns.link(from.location, to.location);
  return Errno.SUCCESS;
}

/** Target string first, then the directory (spec/abi-cheatsheet.md rule 24). */
export function path_symlink(
  ctx: HostContext, oldPath: number, oldPathLen: number, fd: number, newPath: number, newPathLen: number,
): Errno {
  const target = ctx.mem.string(oldPath, oldPathLen);
  const dir = ctx.fds.getDir(fd, Rights.PATH_SYMLINK);
  // The target is judged before the new name is looked up (wasmtime refuses an absolute one first).
  if (target.includes('\0')) return Errno.INVAL;
  // Linux: a target must fit in PATH_MAX with its NUL.
  if (encodeUtf8(target).byteLength >= MAX_PATH_BYTES) return Errno.NAMETOOLONG;
  // An absolute target could only ever point out of the sandbox, for the guest (the resolver
  // refuses to follow it) and for host programs that meet the link later: refused, as cap-std does.
  if (target.charCodeAt(0) === 47 /* '/' */) return ESCAPE_ERRNO;
  const to = ctx.ns.resolve(dir, ctx.mem.string(newPath, newPathLen), false, true);
  if (to.name === '') return Errno.EXIST;
  // "file/" is ENOTDIR (wasmtime on Unix); any other existing name, "link/" included, EEXIST.
  if (to.kind !== undefined) return to.trailingSlash && to.kind === 'file' ? Errno.NOTDIR : Errno.EXIST;
  if (target.length === 0 || to.trailingSlash) return Errno.NOENT;
  ctx.ns.symlink(target, to.location);
  return Errno.SUCCESS;
}

/** A buffer shorter than the target gets the first bytes, as readlink(2) does (spec/abi-cheatsheet.md rule 24). */
export function path_readlink(
  ctx: HostContext, fd: number, path: number, pathLen: number, buf: number, bufLen: number, bufusedOut: number,
): Errno {
  const r = resolveAt(ctx, fd, Rights.PATH_READLINK, path, pathLen, false);
  ctx.mem.check(buf, bufLen);
  ctx.mem.check(bufusedOut, 4);
  if (r.kind === undefined) return Errno.NOENT;
  if (r.kind !== 'symlink') return Errno.INVAL;
  const target = encodeUtf8(ctx.ns.readlink(r.location));
  const n = Math.min(target.byteLength, bufLen >>> 0);
  ctx.mem.write(buf, target.subarray(0, n));
  ctx.mem.setU32(bufusedOut, n);
  return Errno.SUCCESS;
}

