import { Suspend } from '../vfs/suspend.js';
import { Errno, WasiError } from '../abi/errno.js';
import { FileType } from '../abi/constants.js';
import { DirDescriptor, type FdTable } from '../fd-table.js';
import type { Vfs, VfsFile, VfsOpenFlags, VfsStat, VfsTime } from '../vfs/types.js';
import { Resolver, type NEW_NAME, type Resolved } from './resolver.js';
import { filetypeOf, makeMount, parentOf, type ListingEntry, type Location, type Mount, type NodeId } from './types.js';

const utf8 = new TextEncoder();
const DOT = utf8.encode('.');
const DOTDOT = utf8.encode('..');
/** How many directory listings a mount keeps for reuse. */
const CACHED_LISTINGS = 32;

/**
 * The one door to the guest's namespace: mounts, the resolver and the
 * listing cache, and the only caller of a backend's path methods. Syscalls
 * resolve a guest path here, judge what it names (errno rules live in
 * src/syscalls/path.ts), then ask this module to act; it keeps what must
 * follow every change in one place: listing generations, and directory
 * descriptors moved along by renames and ended by removals
 * (src/fd-table.ts DirDescriptor).
 *
 * Opened files are reached through their own VfsFile afterwards.
 */
export class Namespace {
  readonly #mounts = new Map<string, Mount>();
  readonly #resolver = new Resolver(this.#mounts);

  constructor(private readonly fds: FdTable) {}

  /**
   * Mounts the backend vfs at the guest path guestPath and returns the preopen's descriptor (all
   * rights). Preopens whose backends share a store and whose roots nest can
   * change the names leading to each other's roots: such roots are checked by
   * identity before each use (Resolver.enter, against Mount.rootId); others cost nothing.
   * `isDirectory`: the caller knows the backend's root to be a directory
   * (src/context-builder.ts), so nothing asks again; otherwise the backend's
   * cheap `kind` asks where it has one (an lstat makes a whole stat).
   */
  mount(guestPath: string, vfs: Vfs, rightsBase: number, rightsInheriting: number, isDirectory: boolean): DirDescriptor {
    const mount = makeMount(vfs, '/', guestPath);
    // Only with mounts to ask: for…of over an empty Map's values still makes an iterator and its result.
    if (this.#mounts.size > 0) for (const other of this.#mounts.values()) {
      if (mayOverlap(other.vfs, vfs)) {
        other.rootId ??= idOf(other.vfs.lstat(other.root));
        mount.rootId ??= idOf(vfs.lstat(mount.root));
      }
    }
    if (!isDirectory) {
      // A missing root (undefined) is left to lstat, whose error says so.
      const kind = vfs.kind?.(mount.root) ?? vfs.lstat(mount.root).kind;
      if (kind !== 'directory') throw new TypeError(`preopens['${guestPath}']: the backend's root is a ${kind}, not a directory`);
    }
    this.#mounts.set(guestPath, mount);
    const root = { mount, path: mount.root, guestPath };
    // No identity of its own: a mount root is checked against the mount's rootId, set above when another
    // mount may reach it (Resolver.enter), so a root nothing can replace costs no lstat here. Were the
    // preopen ever anywhere but the root, NO_ID would match no directory: ENOENT, never a pass.
    return new DirDescriptor(root, NO_ID, guestPath, rightsBase, rightsInheriting);
  }

  /** Resolves a guest path from a directory descriptor (see Resolver.resolve for the flags). */
  resolve(dir: DirDescriptor, path: string, followFinal: boolean, keepFinal: boolean | typeof NEW_NAME = false, wantStat = false, open?: VfsOpenFlags): Resolved {
    return this.#resolver.resolve(dir, path, followFinal, keepFinal, wantStat, open);
  }

  /** Where a directory descriptor's directory is now, checked (Resolver.enter). */
  enter(d: DirDescriptor): Location {
    return this.#resolver.enter(d);
  }

  /** The lstat of a directory descriptor's directory, checked as `enter` checks it. */
  statDir(d: DirDescriptor): VfsStat {
    return this.#resolver.enterStat(d);
  }

  isMountRoot(loc: Location): boolean {
    return loc.path === loc.mount.root;
  }

  isEmptyDir(loc: Location): boolean {
    return loc.mount.vfs.readdir(loc.path).length === 0;
  }

  lstat(loc: Location): VfsStat {
    return loc.mount.vfs.lstat(loc.path);
  }

  /** Opens the regular file `r` names (creating it as `flags` say), or takes the one the lookup opened. */
  open(r: Resolved, flags: VfsOpenFlags): VfsFile {
    const loc = r.location;
    // A new name invalidates cached listings. Whether `create` made one is not known when the lookup
    // opened the file (Vfs.openFile): any open with `create` counts as one.
    if (flags.create) loc.mount.generation++;
    return r.file ?? loc.mount.vfs.open(loc.path, flags);
  }

  /** A descriptor on the directory `r` names. */
  openDir(r: Resolved, rightsBase: number, rightsInheriting: number): DirDescriptor {
    return new DirDescriptor(r.location, idOf(this.lstat(r.location)), undefined, rightsBase, rightsInheriting);
  }

  mkdir(loc: Location): void {
    loc.mount.generation++;
    loc.mount.vfs.mkdir(loc.path);
  }

  rmdir(loc: Location): void {
    loc.mount.generation++;
    loc.mount.vfs.rmdir(loc.path);
    this.fds.removed(loc);
  }

  unlink(loc: Location): void {
    loc.mount.generation++;
    loc.mount.vfs.unlink(loc.path);
  }

  /** Renames within one mount; `replacesDir` when `to` held a directory, which the rename ends. */
  rename(from: Location, to: Location, isDir: boolean, replacesDir: boolean): void {
    from.mount.generation++;
    from.mount.vfs.rename(from.path, to.path);
    // Open directories keep denoting what they were opened on (src/fd-table.ts DirDescriptor).
    if (replacesDir) this.fds.removed(to);
    if (isDir) this.fds.moved(from, to);
  }

  link(existing: Location, to: Location): void {
    to.mount.generation++;
    to.mount.vfs.link(existing.path, to.path);
  }

  symlink(target: string, at: Location): void {
    at.mount.generation++;
    at.mount.vfs.symlink(target, at.path);
  }

  readlink(loc: Location): string {
    return loc.mount.vfs.readlink(loc.path);
  }

  /** Sets times on what `loc` names, following a final symlink only when `follow`. */
  setTimes(loc: Location, atim: VfsTime, mtim: VfsTime, follow: boolean): void {
    loc.mount.vfs.setTimes(loc.path, atim, mtim, follow);
  }

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
  listing(d: DirDescriptor): ListingEntry[] {
    const st = this.statDir(d);
    const here = d.location;
    const mount = here.mount;
    const listings = (mount.listings ??= new Map());
    const cached = listings.get(here.path);
    if (cached?.generation === mount.generation && cached.ino === st.ino &&
        cached.mtimNs === st.mtimNs && cached.ctimNs === st.ctimNs) {
      return cached.entries;
    }
    const list: ListingEntry[] = [
      { name: DOT, rawName: '.', filetype: FileType.DIRECTORY, ino: st.ino },
      { name: DOTDOT, rawName: '..', filetype: FileType.DIRECTORY, ino: undefined },
    ];
    const mounted = this.#resolver.mountsIn(here);
    const hidden = new Set(mounted.map((m) => m.guestPath.slice(m.guestPath.lastIndexOf('/') + 1)));
    for (const e of mount.vfs.readdir(here.path)) {
      if (hidden.has(e.name)) continue;
      list.push({ name: utf8.encode(e.name), rawName: e.name, filetype: filetypeOf(e.kind), ino: e.ino });
    }
    for (const name of hidden) list.push({ name: utf8.encode(name), rawName: name, filetype: FileType.DIRECTORY, ino: undefined });
    if (listings.size >= CACHED_LISTINGS) listings.delete(listings.keys().next().value as string);
    listings.set(here.path, { ino: st.ino, mtimNs: st.mtimNs, ctimNs: st.ctimNs, generation: mount.generation, entries: list });
    return list;
  }

  /** The inode number of a listing entry of `d`'s directory, looked up once when the backend's listing lacked it. */
  inoOf(d: DirDescriptor, e: ListingEntry): bigint {
    if (e.ino === undefined) {
      const here = d.location;
      const loc = e.rawName === '..' ? parentOf(here) : this.#resolver.child(here, e.rawName);
      try {
        e.ino = loc.mount.vfs.lstat(loc.path).ino;
      } catch (err) {
        if (err instanceof Suspend) throw err;
        // Removed since the snapshot: the entry keeps a placeholder rather than failing the listing.
        e.ino = 0n;
      }
    }
    return e.ino;
  }
}

/** The identity of no directory: no stat has an undefined dev or ino. */
const NO_ID = {} as NodeId;

function idOf(st: VfsStat): { dev: bigint; ino: bigint } {
  if (st.kind !== 'directory') throw new WasiError(Errno.NOTDIR);
  return { dev: st.dev, ino: st.ino };
}

/**
 * Whether a guest could change, through one of two mounts, the names that
 * lead to the other's root. A backend that answers `overlaps` is believed.
 * Two that cannot say, of one kind, may front one store (two bridge clients
 * of one AsyncVfs, two journaled views of one, an embedder's wrappers), so
 * they are taken to overlap: their roots are then checked by identity.
 */
function mayOverlap(a: Vfs, b: Vfs): boolean {
  if (a === b) return true;
  if (a.overlaps !== undefined || b.overlaps !== undefined) return a.overlaps?.(b) === true || b.overlaps?.(a) === true;
  return Object.getPrototypeOf(a) === Object.getPrototypeOf(b);
}
