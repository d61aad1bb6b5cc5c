/** Sizes and field offsets of preview1 structs (docs.md; checked against wasi-libc's api.h). */
export const IOVEC_SIZE = 8;
export const DIRENT_SIZE = 24;
export const FDSTAT_SIZE = 24;
export const PRESTAT_SIZE = 8;
export const EVENT_SIZE = 32;

export const enum DirentOff { NEXT = 0, INO = 8, NAMLEN = 16, TYPE = 20 }
export const enum FdstatOff { FILETYPE = 0, FLAGS = 2, RIGHTS_BASE = 8, RIGHTS_INHERITING = 16 }
/** The fields every subscription has at the same place; the rest is in a SubscriptionLayout. */
export const enum SubscriptionOff { USERDATA = 0, TAG = 8 }
export const enum EventOff { USERDATA = 0, ERROR = 8, TYPE = 10, NBYTES = 16, FLAGS = 24 }

/*
 * Two records are laid out differently in wasi_unstable (preview 0,
 * `version: 'unstable'`; WASI legacy/preview0 typenames.witx): `filestat.nlink`
 * is a u32 (`linkcount`), so the fields after it move down by 4 and the record
 * is 56 bytes; and `subscription_clock` starts with a u64 `identifier`, moving
 * the clock fields up by 8 (56 bytes). Each has one layout object per version.
 */

/** A filestat's layout: dev at 0, ino at 8 and filetype at 16 in both versions. */
export interface FilestatLayout {
  readonly size: number;
  readonly nlink: number;
  /** nlink is a u64 (preview1) or a u32 (preview 0). */
  readonly nlinkIs64: boolean;
  readonly fileSize: number;
  readonly atim: number;
  readonly mtim: number;
  readonly ctim: number;
}
export const FILESTAT_PREVIEW1: FilestatLayout = {
  size: 64, nlink: 24, nlinkIs64: true, fileSize: 32, atim: 40, mtim: 48, ctim: 56,
};
export const FILESTAT_UNSTABLE: FilestatLayout = {
  size: 56, nlink: 20, nlinkIs64: false, fileSize: 24, atim: 32, mtim: 40, ctim: 48,
};

/** Where poll_oneoff finds a subscription's fields past userdata and tag. */
export interface SubscriptionLayout {
  readonly size: number;
  readonly clockId: number;
  readonly clockTimeout: number;
  readonly clockFlags: number;
  readonly fd: number;
}
export const SUBSCRIPTION_PREVIEW1: SubscriptionLayout = {
  size: 48, clockId: 16, clockTimeout: 24, clockFlags: 40, fd: 16,
};
export const SUBSCRIPTION_UNSTABLE: SubscriptionLayout = {
  size: 56, clockId: 24, clockTimeout: 32, clockFlags: 48, fd: 16,
};
