/**
 * The backend interface. Backends are dumb: they store and fetch by path.
 * Everything WASI-specific (sandboxing, symlink walking, rights, errno choice)
 * lives above them, so a new backend is one small file.
 *
 * Paths handed to a backend are always absolute within the backend ("/",
 * "/a/b"), already normalised by the resolver: no ".", "..", empty
 * components, or trailing slash, and no symlink in any component but the
 * last. Methods are synchronous because WASI preview1 calls are.
 *
 * Failures are thrown as errors carrying a POSIX `code` string ("ENOENT",
 * "EEXIST", ...), as Node's fs and memfs do; `src/errors.ts` maps them.
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
  stat(): VfsStat;
  truncate(size: number): void;
  setTimes(atim: VfsTime, mtim: VfsTime): void;
  sync(): void;
  datasync(): void;
  close(): void;
}

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
  lstat(path: string): VfsStat;
  /**
   * Optional, for speed: what lstat would say the node is, or undefined if
   * nothing is there (no error). The resolver asks this of every component.
   */
  kind?(path: string): VfsKind | undefined;
  open(path: string, flags: VfsOpenFlags): VfsFile;
  /** Entries without "." and "..", in a stable order. */
  readdir(path: string): VfsDirEntry[];
  mkdir(path: string): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(from: string, to: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  link(existing: string, path: string): void;
  /** Sets times on the node at path; follows a final symlink only when `follow`. */
  setTimes(path: string, atim: VfsTime, mtim: VfsTime, follow: boolean): void;
}
