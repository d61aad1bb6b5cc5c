/**
 * The backend interface. Backends are dumb: they store and fetch by path.
 * Everything WASI-specific (sandboxing, symlink walking, rights, errno choice)
 * lives above them, so a new backend is one small file.
 *
 * Paths handed to a backend are always absolute within the backend ("/",
 * "/a/b"), already normalised by the resolver: no ".", "..", empty
 * components, or trailing slash, and no symlink in any component but the
 * last (but for `openFile` on a backend that sets `walksBeneath`: see
 * there). One exception: before a directory descriptor is used, the resolver
 * lstats its whole path once to check it still names the same directory
 * (src/namespace/resolver.ts Resolver.enter); if something behind the host's back put a
 * symlink on that path, that lstat walks through it, and its answer is only
 * compared, never used. Methods are synchronous because WASI preview1 calls are.
 *
 * Failures are thrown as errors carrying a POSIX `code` string ("ENOENT",
 * "EEXIST", ...), as Node's fs and memfs do; `src/errors.ts` maps them.
 * Each method below lists the codes it may throw and what each means; the
 * host has already ruled out most of them (it resolves and judges paths
 * first), so they reach the guest only when the store changed underneath or
 * refuses (EACCES, EROFS, ENOSPC, EIO, ENAMETOOLONG past the host's own
 * limits: any method may throw these). An error with no `code` is a bug in
 * the backend: the guest traps with it as the cause (src/wasi.ts
 * `onHostError`). test/vfs-contract.test.ts asserts these for both backends.
 */

/** What a backend knows about a node. Times are nanoseconds since the epoch. */
export interface VfsStat {
  dev: bigint;
  ino: bigint;
  kind: VfsKind;
  nlink: bigint;
  size: bigint;
  atimNs: bigint;
  mtimNs: bigint;
  ctimNs: bigint;
}

export type VfsKind = 'file' | 'directory' | 'symlink' | 'char' | 'block' | 'socket' | 'fifo' | 'unknown';

export interface VfsDirEntry {
  name: string;
  kind: VfsKind;
  /** Inode number if cheaply known; the host stats the entry otherwise. */
  ino?: bigint;
}

export interface VfsOpenFlags {
  read: boolean;
  write: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  /** Refuse to open a symlink in the last component (the resolver checked, this closes the race). */
  noFollow: boolean;
}

/** A time to set: a value in ns, 'now', or undefined to leave it unchanged. */
export type VfsTime = bigint | 'now' | undefined;

/** An open regular file. Positions are always explicit; the host keeps the fd offset. */
export interface VfsFile {
  read(into: Uint8Array, position: number): number;
  write(from: Uint8Array, position: number): number;
  /**
   * Optional, for speed: write(source.subarray(offset, offset + length),
   * position) without the view. fd_write's one-iovec path passes guest memory
   * here, so a million small writes make no object each (src/syscalls/fd-io.ts).
   */
  writeRange?(source: Uint8Array, offset: number, length: number, position: number): number;
  stat(): VfsStat;
  truncate(size: number): void;
  setTimes(atim: VfsTime, mtim: VfsTime): void;
  sync(): void;
  datasync(): void;
  close(): void;
}

/** What `Vfs.openFile` found: the file opened, the kind of something else there, 'none', or undefined (cannot tell). */
export type VfsOpened = VfsFile | VfsKind | 'none' | undefined;

export interface Vfs {
  /** Short name used in traces and messages ("memfs", "node"). */
  readonly name: string;
  /**
   * Each write is costly (a system call), so when the embedder asks for
   * write-behind (WASIOptions.writeBehind) the host may hold small
   * consecutive writes and hand them down together; they are always handed
   * down before any other call is served (src/write-behind.ts).
   */
  readonly writeBehind?: boolean;
  /** ENOENT: nothing at `path` (or a parent is missing); ENOTDIR: a parent is not a directory. */
  lstat(path: string): VfsStat;
  /**
   * Optional, for speed: what lstat would say the node is, or undefined if
   * nothing is there (no error). The resolver asks this of every component,
   * and mounting a preopen asks it of the root (lstat when it is undefined).
   */
  kind?(path: string): VfsKind | undefined;
  /**
   * ENOENT: missing and not `create`, or a parent missing; EEXIST: `create`
   * and `exclusive` and something is there; EISDIR: a directory opened for
   * writing; ELOOP: a final symlink with `noFollow`; ENOTDIR: a parent is
   * not a directory.
   */
  open(path: string, flags: VfsOpenFlags): VfsFile;
  /**
   * Optional, with `walksBeneath`: path_open of a plain path in one walk,
   * in place of `kind` per component and then `open`. Opens `path` as `open`
   * with `noFollow` would, but only a regular file, or a new one when
   * `flags.create` and nothing is there. Otherwise it opens, creates and
   * truncates nothing and says what it found: the kind of what is there,
   * 'none' when nothing is, or undefined when it cannot tell cheaply or the
   * path does not lead through directories alone (the resolver then walks
   * it as without this method). It never throws for what it finds; a
   * failure of the open or creation itself (ENOSPC, EACCES) it may throw as
   * `open` does, or answer undefined and leave it to the walk and `open`.
   */
  openFile?(path: string, flags: VfsOpenFlags): VfsOpened;
  /**
   * Set when the resolver may give `openFile` a plain path (names only: no
   * ".", ".." or empty component) whose directories it has not walked: the
   * backend looks each name up in the directory it reached, follows no
   * symlink in any component, checks each directory as the resolver's walk
   * would, and answers undefined unless the path leads through directories
   * alone (src/namespace/resolver.ts).
   */
  readonly walksBeneath?: boolean;
  /** Entries without "." and "..", in a stable order. ENOENT: missing; ENOTDIR: not a directory. */
  readdir(path: string): VfsDirEntry[];
  /** EEXIST: something is there (a dangling symlink too); ENOENT: the parent is missing. */
  mkdir(path: string): void;
  /** ENOENT: missing; ENOTDIR: not a directory; ENOTEMPTY: has entries. */
  rmdir(path: string): void;
  /** ENOENT: missing; EISDIR or EPERM: a directory (Linux says one, macOS the other). */
  unlink(path: string): void;
  /**
   * Moves `from` (a symlink itself, never its target) to `to`, replacing
   * what `to` holds the POSIX way. ENOENT: `from` missing or `to`'s parent
   * missing; ENOTEMPTY (or EEXIST): `to` is a non-empty directory; EISDIR: a
   * non-directory onto a directory; ENOTDIR: a directory onto a
   * non-directory; EINVAL: a directory into itself.
   */
  rename(from: string, to: string): void;
  /** Stores `target` as given. EEXIST: something is at `path`; ENOENT: the parent is missing. */
  symlink(target: string, path: string): void;
  /** ENOENT: missing; EINVAL: not a symlink. */
  readlink(path: string): string;
  /**
   * EEXIST: something is at `path`; ENOENT: `existing` or `path`'s parent is missing. The host
   * never asks to link a directory (it answers EPERM itself; memfs would do it).
   */
  link(existing: string, path: string): void;
  /**
   * Optional: whether this backend and `other` serve one store (one host
   * filesystem, one memfs Volume) with roots that nest, so that either can
   * rename or replace the names leading to the other's root. Preopens on
   * such backends get their roots checked before each use (src/namespace/resolver.ts).
   * Without it, two backends of one class are taken to overlap (src/namespace/namespace.ts,
   * mayOverlap): answer false to spare them the check when they cannot.
   */
  overlaps?(other: Vfs): boolean;
  /** Sets times on the node at path; follows a final symlink only when `follow`. ENOENT: missing. */
  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void;
}
