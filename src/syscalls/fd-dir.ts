import { Errno } from '../abi/errno.js';
import { FileType, PreopenType, Rights } from '../abi/constants.js';
import { filetypeOf } from '../abi/encode.js';
import { DIRENT_SIZE, DirentOff, PRESTAT_SIZE } from '../abi/layout.js';
import { encodeUtf8 } from '../memory.js';
import type { DirDescriptor, ListingEntry, Location } from '../fd-table.js';
import type { HostContext } from './context.js';

const DOT = encodeUtf8('.');
const DOTDOT = encodeUtf8('..');

/** The directory above `loc` inside its mount, or `loc` itself at a mount root. */
function parentOf(loc: Location): Location {
  if (loc.path === loc.mount.root) return loc;
  const cut = loc.path.lastIndexOf('/');
  const gcut = loc.guestPath.lastIndexOf('/');
  return {
    mount: loc.mount,
    path: cut <= 0 ? '/' : loc.path.slice(0, cut),
    guestPath: gcut <= 0 ? '/' : loc.guestPath.slice(0, gcut),
  };
}

/** How many directory listings a mount keeps for reuse. */
const CACHED_LISTINGS = 32;

/**
 * A snapshot of the directory: ".", "..", then the backend's entries, with
 * nested mounts shown as the directories they are. Cookies index into it.
 *
 * A listing is reused, inode numbers included, while the directory's ino,
 * mtime and ctime and the mount's generation (bumped by every change this
 * host makes to names) are all unchanged: any entry added, removed or renamed
 * there since changes one of them. So a program listing a directory again
 * pays one stat, not one per entry.
 */
function snapshot(ctx: HostContext, d: DirDescriptor): ListingEntry[] {
  const here = ctx.resolver.enter(d);
  const mount = here.mount;
  const st = mount.vfs.lstat(here.path);
  const cached = mount.listings.get(here.path);
  if (cached !== undefined && cached.generation === mount.generation && cached.ino === st.ino &&
      cached.mtimNs === st.mtimNs && cached.ctimNs === st.ctimNs) {
    return cached.entries;
  }
  const list: ListingEntry[] = [
    { name: DOT, rawName: '.', filetype: FileType.DIRECTORY, ino: st.ino },
    { name: DOTDOT, rawName: '..', filetype: FileType.DIRECTORY, ino: undefined },
  ];
  const mounted = ctx.resolver.mountsIn(here);
  const hidden = new Set(mounted.map((m) => m.guestPath.slice(m.guestPath.lastIndexOf('/') + 1)));
  for (const e of mount.vfs.readdir(here.path)) {
    if (hidden.has(e.name)) continue;
    list.push({ name: encodeUtf8(e.name), rawName: e.name, filetype: filetypeOf(e.kind), ino: e.ino });
  }
  for (const name of hidden) list.push({ name: encodeUtf8(name), rawName: name, filetype: FileType.DIRECTORY, ino: undefined });
  if (mount.listings.size >= CACHED_LISTINGS) mount.listings.delete(mount.listings.keys().next().value as string);
  mount.listings.set(here.path, { ino: st.ino, mtimNs: st.mtimNs, ctimNs: st.ctimNs, generation: mount.generation, entries: list });
  return list;
}

function inoOf(ctx: HostContext, here: Location, e: ListingEntry): bigint {
  if (e.ino === undefined) {
    const loc = e.rawName === '..' ? parentOf(here) : ctx.resolver.child(here, e.rawName);
    try {
      e.ino = loc.mount.vfs.lstat(loc.path).ino;
    } catch {
      // Removed since the snapshot: the entry keeps a placeholder rather than failing the listing.
      e.ino = 0n;
    }
  }
  return e.ino;
}

/**
 * Fills the buffer with dirents from `cookie` on. When an entry does not fit,
 * as many of its bytes as fit are written, so bufused == buf_len means "more
 * to come" and anything shorter means the end (abi-cheatsheet rule 1).
 */
export function fd_readdir(
  ctx: HostContext, fd: number, buf: number, bufLen: number, cookie: bigint, bufusedOut: number,
): Errno {
  const d = ctx.fds.getDir(fd, Rights.FD_READDIR);
  const len = bufLen >>> 0;
  const mem = ctx.mem;
  mem.check(buf, len);
  mem.check(bufusedOut, 4);
  const start = BigInt.asUintN(64, cookie);
  if (start === 0n || d.listing === undefined) d.listing = snapshot(ctx, d);
  const list = d.listing;
  let used = 0;
  const base = buf >>> 0;
  for (let i = start > BigInt(list.length) ? list.length : Number(start); i < list.length && used < len; i++) {
    const e = list[i];
    const size = DIRENT_SIZE + e.name.byteLength;
    const room = len - used;
    // A whole entry is written in place; a partial one goes through scratch and is cut to fit.
    const out = size <= room ? mem.bytes(base + used, size) : ctx.scratch(size).subarray(0, size);
    const v = new DataView(out.buffer, out.byteOffset, DIRENT_SIZE);
    v.setBigUint64(DirentOff.NEXT, BigInt(i + 1), true);
    v.setBigUint64(DirentOff.INO, inoOf(ctx, d.location, e), true);
    v.setUint32(DirentOff.NAMLEN, e.name.byteLength, true);
    v.setUint32(DirentOff.TYPE, e.filetype, true);
    out.set(e.name, DIRENT_SIZE);
    if (size > room) mem.write(base + used, out.subarray(0, room));
    used += Math.min(size, room);
  }
  mem.setU32(bufusedOut, used);
  return Errno.SUCCESS;
}

function preopenOf(ctx: HostContext, fd: number): DirDescriptor | Errno {
  const d = ctx.fds.peek(fd);
  // libc scans fds from 3 and stops at exactly EBADF (abi-cheatsheet rule 5).
  if (d === undefined || d.kind !== 'dir' || d.preopenName === undefined) return Errno.BADF;
  return d;
}

export function fd_prestat_get(ctx: HostContext, fd: number, out: number): Errno {
  const d = preopenOf(ctx, fd);
  if (typeof d === 'number') return d;
  ctx.mem.check(out, PRESTAT_SIZE);
  ctx.mem.setU32(out, PreopenType.DIR);
  ctx.mem.setU32(out + 4, encodeUtf8(d.preopenName as string).byteLength);
  return Errno.SUCCESS;
}

/** Writes the name without a NUL; a buffer too small is ENAMETOOLONG, as wasmtime. */
export function fd_prestat_dir_name(ctx: HostContext, fd: number, path: number, pathLen: number): Errno {
  const d = preopenOf(ctx, fd);
  if (typeof d === 'number') return d;
  const name = encodeUtf8(d.preopenName as string);
  if (pathLen >>> 0 < name.byteLength) return Errno.NAMETOOLONG;
  ctx.mem.write(path, name);
  return Errno.SUCCESS;
}
