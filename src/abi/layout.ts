/** Sizes and field offsets of preview1 structs (docs.md; checked against wasi-libc's api.h). */
export const IOVEC_SIZE = 8;
export const DIRENT_SIZE = 24;
export const FDSTAT_SIZE = 24;
export const FILESTAT_SIZE = 64;
export const PRESTAT_SIZE = 8;
export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;

export const enum DirentOff { NEXT = 0, INO = 8, NAMLEN = 16, TYPE = 20 }
export const enum FdstatOff { FILETYPE = 0, FLAGS = 2, RIGHTS_BASE = 8, RIGHTS_INHERITING = 16 }
export const enum FilestatOff { DEV = 0, INO = 8, FILETYPE = 16, NLINK = 24, SIZE = 32, ATIM = 40, MTIM = 48, CTIM = 56 }
export const enum SubscriptionOff {
  USERDATA = 0, TAG = 8,
  CLOCK_ID = 16, CLOCK_TIMEOUT = 24, CLOCK_PRECISION = 32, CLOCK_FLAGS = 40,
  FD = 16,
}
export const enum EventOff { USERDATA = 0, ERROR = 8, TYPE = 10, NBYTES = 16, FLAGS = 24 }

/**
 * wasi_unstable (preview 0, `version: 'unstable'`) differs from preview1 in two
 * layouts (WASI legacy/preview0 typenames.witx): `filestat.nlink` is a u32
 * (`linkcount`), so the record is 56 bytes; and `subscription_clock` starts
 * with a u64 `identifier`, moving the clock fields up by 8 (56 bytes).
 */
export const FILESTAT_UNSTABLE_SIZE = 56;
export const SUBSCRIPTION_UNSTABLE_SIZE = 56;
export const enum FilestatUnstableOff { DEV = 0, INO = 8, FILETYPE = 16, NLINK = 20, SIZE = 24, ATIM = 32, MTIM = 40, CTIM = 48 }

/** Where poll_oneoff finds a subscription's fields: the one layout detail preview 0 and 1 disagree on. */
export interface SubscriptionLayout {
  readonly size: number;
  readonly clockId: number;
  readonly clockTimeout: number;
  readonly clockFlags: number;
  readonly fd: number;
}
export const SUBSCRIPTION_PREVIEW1: SubscriptionLayout = {
  size: SUBSCRIPTION_SIZE, clockId: 16, clockTimeout: 24, clockFlags: 40, fd: 16,
};
export const SUBSCRIPTION_UNSTABLE: SubscriptionLayout = {
  size: SUBSCRIPTION_UNSTABLE_SIZE, clockId: 24, clockTimeout: 32, clockFlags: 48, fd: 16,
};
