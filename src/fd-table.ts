import { Errno, WasiError } from './abi/errno.js';
import { FdFlags, FileType, Rights } from './abi/constants.js';
import type { ListingEntry, Location, Mount, NodeId } from './namespace/types.js';
import type { HostStream } from './platform/types.js';
import type { VfsFile } from './vfs/types.js';

abstract class DescriptorBase {
  constructor(
    public rightsBase: number,
    public rightsInheriting: number,
    public fdflags: number,
  ) {}
  abstract readonly filetype: FileType;
  /** The open mode, apart from rights: reading a write-only fd is EBADF as in POSIX, not ENOTCAPABLE. */
  abstract readonly readable: boolean;
  abstract readonly writable: boolean;
}

export class StreamDescriptor extends DescriptorBase {
  readonly kind = 'stream' as const;
  constructor(readonly stream: HostStream, rightsBase: number, fdflags = 0) {
    super(rightsBase, 0, fdflags);
  }
  get filetype(): FileType {
    return this.stream.filetype;
  }
  get readable(): boolean {
    return this.stream.read !== undefined;
  }
  get writable(): boolean {
    return this.stream.write !== undefined;
  }
}

export class FileDescriptor extends DescriptorBase {
  readonly kind = 'file' as const;
  /** The fd offset lives here, not in the backend: backends take explicit positions. */
  position = 0;
  /** A failed write-behind flush, reported by the next write, sync or close (src/write-behind.ts). */
  deferredErrno = 0;
  constructor(
    readonly file: VfsFile,
    readonly mount: Mount,
    readonly readable: boolean,
    readonly writable: boolean,
    rightsBase: number,
    rightsInheriting: number,
    fdflags: number,
  ) {
    super(rightsBase, rightsInheriting, fdflags);
  }
  get filetype(): FileType {
    return FileType.REGULAR_FILE;
  }
  /** Small writes may be batched: the backend allows it and no flag asks for each write to land at once. */
  get writeBehind(): boolean {
    return this.mount.vfs.writeBehind === true && (this.fdflags & (FdFlags.APPEND | FdFlags.DSYNC | FdFlags.SYNC)) === 0;
  }
}

/**
 * A directory descriptor denotes the directory it was opened on, not a path
 * (design.md). The backends are reached by path, so the descriptor keeps the
 * directory's identity and where it is now: renames this host performs move
 * `location` along (FdTable.moved), a removal by this host ends it
 * (FdTable.removed), and the resolver checks the identity before each use
 * (Resolver.enter), so a name replaced behind the host's back (a symlink
 * where the directory was) never leads the descriptor anywhere else.
 */
export class DirDescriptor extends DescriptorBase {
  readonly kind = 'dir' as const;
  /**
   * The listing fd_readdir serves cookies from. Taken at cookie 0 and kept
   * while the guest resumes with later cookies, so a listing is stable
   * across calls (spec/abi-cheatsheet.md rule 2).
   */
  listing: ListingEntry[] | undefined;
  readonly readable = false;
  readonly writable = false;
  /** Set when this host removed the directory (rmdir, or a rename onto it): the descriptor reaches nothing. */
  removed = false;
  constructor(
    /** Where the directory is now; moved along by FdTable.moved. */
    public location: Location,
    /** The directory's identity when opened. */
    readonly id: NodeId,
    /** The guest path reported by fd_prestat_dir_name, for preopens only. */
    readonly preopenName: string | undefined,
    rightsBase: number,
    rightsInheriting: number,
  ) {
    super(rightsBase, rightsInheriting, 0);
  }
  get filetype(): FileType {
    return FileType.DIRECTORY;
  }
}

export type Descriptor = StreamDescriptor | FileDescriptor | DirDescriptor;

/**
 * The guest's descriptors. Lookups check rights (ENOTCAPABLE) in the same
 * step as the number (EBADF), so no syscall can forget to. New descriptors
 * take the lowest free number, as POSIX and uvwasi do.
 */
export class FdTable {
  // Room for stdio and one preopen from the start: an empty array grown to four makes a backing store of 17.
  private slots: (Descriptor | undefined)[] = new Array(4);
  private lowestFree = 0;
  private open = 0;

  constructor(readonly maxOpen: number) {}

  /** One past the highest number that may be open: every open descriptor is below it. */
  get end(): number {
    return this.slots.length;
  }

  /**
   * With `onStream`, a stream (stdio) answers that errno before the rights
   * check: what Linux says of a pipe for a call it cannot take (ESPIPE,
   * EINVAL), where stdio holds none of the call's rights and ENOTCAPABLE
   * would mean nothing to POSIX code.
   */
  get(fd: number, rights: number, onStream?: Errno): Descriptor {
    const d = this.slots[fd >>> 0];
    if (d === undefined) throw new WasiError(Errno.BADF);
    if (onStream !== undefined && d.kind === 'stream') throw new WasiError(onStream);
    if ((d.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return d;
  }

  /**
   * Like get() for byte-stream operations. A directory is EBADF for them, as
   * in wasmtime, and so is reading or writing against the open mode (POSIX);
   * only a right the guest does not hold is ENOTCAPABLE. With `onStream`
   * (as in get()) only a file comes back.
   */
  getFile(fd: number, rights: number): FileDescriptor | StreamDescriptor;
  getFile(fd: number, rights: number, onStream: Errno): FileDescriptor;
  getFile(fd: number, rights: number, onStream?: Errno): FileDescriptor | StreamDescriptor {
    const d = this.slots[fd >>> 0];
    if (d === undefined || d.kind === 'dir') throw new WasiError(Errno.BADF);
    if ((rights & Rights.FD_WRITE && !d.writable) || (rights & Rights.FD_READ && !d.readable)) {
      throw new WasiError(Errno.BADF);
    }
    if (onStream !== undefined && d.kind === 'stream') throw new WasiError(onStream);
    if ((d.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return d;
  }

  getDir(fd: number, rights: number): DirDescriptor {
    const d = this.slots[fd >>> 0];
    if (d === undefined) throw new WasiError(Errno.BADF);
    if (d.kind !== 'dir') throw new WasiError(Errno.NOTDIR);
    if ((d.rightsBase & rights) !== rights) throw new WasiError(Errno.NOTCAPABLE);
    return d;
  }

  /** The descriptor or undefined, without any check: for prestat and fdstat. */
  peek(fd: number): Descriptor | undefined {
    return this.slots[fd >>> 0];
  }

  insert(d: Descriptor): number {
    if (this.open >= this.maxOpen) throw new WasiError(Errno.MFILE);
    let fd = this.lowestFree;
    while (this.slots[fd] !== undefined) fd++;
    this.slots[fd] = d;
    this.lowestFree = fd + 1;
    this.open++;
    return fd;
  }

  /** Places `d` at number `fd` (used for stdio and preopens at setup). */
  set(fd: number, d: Descriptor): void {
    if (this.slots[fd] === undefined) this.open++;
    this.slots[fd] = d;
  }

  /** Removes the descriptor and returns it; the caller releases what it holds. */
  remove(fd: number): Descriptor {
    const i = fd >>> 0;
    const d = this.slots[i];
    if (d === undefined) throw new WasiError(Errno.BADF);
    this.slots[i] = undefined;
    this.open--;
    if (i < this.lowestFree) this.lowestFree = i;
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === undefined) this.slots.pop();
    return d;
  }

  /** Moves `from` onto `to`; both must be open (docs/reference-behaviour.md, fd_renumber). Returns the replaced one. */
  renumber(from: number, to: number): Descriptor | undefined {
    const f = from >>> 0;
    const t = to >>> 0;
    const d = this.slots[f];
    if (d === undefined || this.slots[t] === undefined) throw new WasiError(Errno.BADF);
    if (f === t) return undefined;
    const replaced = this.slots[t];
    this.slots[t] = d;
    this.slots[f] = undefined;
    this.open--;
    if (f < this.lowestFree) this.lowestFree = f;
    return replaced;
  }

  /**
   * After this host renamed `from` to `to` (one mount): directory descriptors
   * on `from` or below it reach the same directories under `to`, as an open
   * directory does in POSIX.
   */
  moved(from: Location, to: Location): void {
    const prefix = from.path + '/';
    for (const d of this.slots) {
      if (d?.kind !== 'dir') continue;
      const at = d.location;
      if (at.mount !== from.mount || (at.path !== from.path && !at.path.startsWith(prefix))) continue;
      const rest = at.path.slice(from.path.length);
      d.location = { mount: at.mount, path: to.path + rest, guestPath: to.guestPath + rest };
    }
  }

  /** After this host removed the directory at `loc`: descriptors on it reach nothing from now on. */
  removed(loc: Location): void {
    for (const d of this.slots) {
      if (d?.kind === 'dir' && d.location.mount === loc.mount && d.location.path === loc.path) {
        d.removed = true;
      }
    }
  }
}
