/**
 * The guest's namespace as data: mounts (a backend at a guest path), the
 * locations a walk reaches in them, and directory listings. The code that
 * acts on them is src/namespace/namespace.ts, the only caller of a backend's
 * path methods.
 */
import { FileType } from '../abi/constants.js';
import type { Vfs, VfsKind } from '../vfs/types.js';

/** A mounted backend (vfs), rooted at backend path `root`, visible to the guest at its guest path. */
export interface Mount {
  readonly vfs: Vfs;
  readonly root: string;
  readonly guestPath: string;
  /** Bumped by every change this host makes to the mount's names (create, remove, rename, link). */
  generation: number;
  /** Recent directory listings, reused while still valid (Namespace.listing); made at the first listing. */
  listings: Map<string, CachedListing> | undefined;
  /**
   * The root directory's identity, set when another mount's backend can change the names that
   * lead to this root (overlapping preopens, `Vfs.overlaps`): the resolver then checks the root
   * is still that directory before each use (src/namespace/resolver.ts). Undefined when nothing the guest can
   * reach leads to it.
   */
  rootId: NodeId | undefined;
}

/** What makes a directory itself, whatever its name: POSIX's (st_dev, st_ino). */
export interface NodeId {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** A listing with what it was taken against: the directory's identity and times, and the mount's generation. */
export interface CachedListing {
  readonly ino: bigint;
  readonly mtimNs: bigint;
  readonly ctimNs: bigint;
  readonly generation: number;
  readonly entries: ListingEntry[];
}

/** A mount of the backend vfs at guest path guestPath, rooted at backend path `root`. */
export function makeMount(vfs: Vfs, root: string, guestPath: string): Mount {
  return { vfs, root, guestPath, generation: 0, listings: undefined, rootId: undefined };
}

/** A directory in the guest's namespace: which mount, where in the backend, and its guest path. */
export interface Location {
  readonly mount: Mount;
  readonly path: string;
  readonly guestPath: string;
}

/** One entry of a directory snapshot, with its name already encoded for dirents. */
export interface ListingEntry {
  /** The name as the guest sees it, encoded once. */
  readonly name: Uint8Array;
  readonly rawName: string;
  readonly filetype: FileType;
  /** Filled in from lstat, on first use, when the backend's listing did not carry it. */
  ino: bigint | undefined;
}


/** The WASI filetype of what a backend calls `kind`. */
export function filetypeOf(kind: VfsKind): FileType {
  switch (kind) {
    case 'file': return FileType.REGULAR_FILE;
    case 'directory': return FileType.DIRECTORY;
    case 'symlink': return FileType.SYMBOLIC_LINK;
    case 'char': return FileType.CHARACTER_DEVICE;
    case 'block': return FileType.BLOCK_DEVICE;
    // wasi-libc maps DT_FIFO and sockets onto socket_stream; preview1 has no FIFO type.
    case 'socket': case 'fifo': return FileType.SOCKET_STREAM;
    default: return FileType.UNKNOWN;
  }
}

/** The directory above `loc` inside its mount, or `loc` itself at a mount root. */
export function parentOf(loc: Location): Location {
  if (loc.path === loc.mount.root) return loc;
  const cut = loc.path.lastIndexOf('/');
  const gcut = loc.guestPath.lastIndexOf('/');
  return {
    mount: loc.mount,
    path: cut <= 0 ? '/' : loc.path.slice(0, cut),
    guestPath: gcut <= 0 ? '/' : loc.guestPath.slice(0, gcut),
  };
}
