/** Constants of wasi_snapshot_preview1 (typenames.witx). */

export const enum FileType {
  UNKNOWN = 0, BLOCK_DEVICE = 1, CHARACTER_DEVICE = 2, DIRECTORY = 3,
  REGULAR_FILE = 4, SOCKET_DGRAM = 5, SOCKET_STREAM = 6, SYMBOLIC_LINK = 7,
}

export const enum ClockId { REALTIME = 0, MONOTONIC = 1, PROCESS_CPUTIME_ID = 2, THREAD_CPUTIME_ID = 3 }

export const enum Whence { SET = 0, CUR = 1, END = 2 }

export const enum Advice { NORMAL = 0, SEQUENTIAL = 1, RANDOM = 2, WILLNEED = 3, DONTNEED = 4, NOREUSE = 5 }

export const enum FdFlags { APPEND = 1, DSYNC = 2, NONBLOCK = 4, RSYNC = 8, SYNC = 16 }
export const FDFLAGS_ALL = 0x1f;

export const enum OFlags { CREAT = 1, DIRECTORY = 2, EXCL = 4, TRUNC = 8 }
export const OFLAGS_ALL = 0xf;

export const enum LookupFlags { SYMLINK_FOLLOW = 1 }

export const enum FstFlags { ATIM = 1, ATIM_NOW = 2, MTIM = 4, MTIM_NOW = 8 }
export const FSTFLAGS_ALL = 0xf;

export const enum EventType { CLOCK = 0, FD_READ = 1, FD_WRITE = 2 }
export const enum EventRwFlags { FD_READWRITE_HANGUP = 1 }
export const enum SubClockFlags { ABSTIME = 1 }

export const enum PreopenType { DIR = 0 }

export const enum SdFlags { RD = 1, WR = 2 }
export const enum RiFlags { RECV_PEEK = 1, RECV_WAITALL = 2 }

/**
 * `rights` bits. The ABI carries them as u64, but every defined right is in
 * bits 0-29, so the host keeps them as plain numbers (no BigInt on hot paths)
 * and converts at the boundary (`rightsFromAbi`, `rightsToAbi`).
 */
export const enum Rights {
  FD_DATASYNC = 0x1,
  FD_READ = 0x2,
  FD_SEEK = 0x4,
  FD_FDSTAT_SET_FLAGS = 0x8,
  FD_SYNC = 0x10,
  FD_TELL = 0x20,
  FD_WRITE = 0x40,
  FD_ADVISE = 0x80,
  FD_ALLOCATE = 0x100,
  PATH_CREATE_DIRECTORY = 0x200,
  PATH_CREATE_FILE = 0x400,
  PATH_LINK_SOURCE = 0x800,
  PATH_LINK_TARGET = 0x1000,
  PATH_OPEN = 0x2000,
  FD_READDIR = 0x4000,
  PATH_READLINK = 0x8000,
  PATH_RENAME_SOURCE = 0x10000,
  PATH_RENAME_TARGET = 0x20000,
  PATH_FILESTAT_GET = 0x40000,
  PATH_FILESTAT_SET_SIZE = 0x80000,
  PATH_FILESTAT_SET_TIMES = 0x100000,
  FD_FILESTAT_GET = 0x200000,
  FD_FILESTAT_SET_SIZE = 0x400000,
  FD_FILESTAT_SET_TIMES = 0x800000,
  PATH_SYMLINK = 0x1000000,
  PATH_REMOVE_DIRECTORY = 0x2000000,
  PATH_UNLINK_FILE = 0x4000000,
  POLL_FD_READWRITE = 0x8000000,
  SOCK_SHUTDOWN = 0x10000000,
  SOCK_ACCEPT = 0x20000000,
}

/** Every right defined by preview1 (bits 0-29); guests may send higher bits, which are ignored. */
export const RIGHTS_ALL = 0x3fffffff;

/**
 * Drops bits above 29, which guests may send (wasi-libc passes ~0 & inheriting). The low 30 bits
 * at once: the same value as the u64 masked, with one BigInt made instead of two (path_open asks twice).
 */
export function rightsFromAbi(v: bigint): number {
  return Number(BigInt.asUintN(30, v));
}
export function rightsToAbi(v: number): bigint {
  return BigInt(v >>> 0);
}

/** Rights that make sense on a regular file. */
export const RIGHTS_FILE_BASE =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS |
  Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES |
  Rights.POLL_FD_READWRITE;

/** Rights that make sense on a directory (what wasmtime reports for a directory fd). */
export const RIGHTS_DIR_BASE =
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE |
  Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE |
  Rights.PATH_LINK_TARGET | Rights.PATH_OPEN | Rights.FD_READDIR | Rights.PATH_READLINK |
  Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET | Rights.PATH_FILESTAT_GET |
  Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY |
  Rights.PATH_UNLINK_FILE | Rights.FD_DATASYNC;

/** What a directory passes on to what is opened through it. */
export const RIGHTS_DIR_INHERITING = RIGHTS_DIR_BASE | RIGHTS_FILE_BASE;

/**
 * Rights of stdio: no seek/tell, so libc's isatty() follows the filetype alone
 * (spec/abi-cheatsheet.md rule 7); stdin reads, stdout and stderr write, as in wasmtime.
 */
const RIGHTS_STREAM_COMMON = Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;
export const RIGHTS_STDIN_BASE = RIGHTS_STREAM_COMMON | Rights.FD_READ;
export const RIGHTS_STDOUT_BASE = RIGHTS_STREAM_COMMON | Rights.FD_WRITE;
