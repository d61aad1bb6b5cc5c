/**
 * Thrown through a syscall when an AsyncVfs answer is not there yet
 * (src/vfs/journal.ts); only the JSPI import (src/jspi.ts) catches it. Its
 * own module so the catch-alls below syscalls can let it through without
 * the journal being part of every bundle.
 */
export class Suspend {
  constructor(readonly promise: Promise<void>) {}
}
