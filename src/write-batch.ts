import { Errno } from './abi/errno.js';
import type { FileDescriptor } from './fd-table.js';

/**
 * What fd_write batches small writes through (HostContext.writeBehind): the
 * full entry's WriteBehind (src/write-behind.ts) when the embedder asks for
 * it, otherwise a batch that takes nothing, so the core carries no buffer.
 */
export interface WriteBatch {
  /** On only while a command runs under start() or startThreaded(). */
  enabled: boolean;
  /** The descriptor whose bytes are held, or null. */
  readonly owner: FileDescriptor | null;
  /** Whether a write of `total` bytes to `d` is batched (rather than sent down now). */
  accepts(d: FileDescriptor, total: number): boolean;
  /** Room for `total` more bytes continuing `d`'s held run: where they go in `held`. */
  reserve(d: FileDescriptor, total: number): number;
  /** The buffer reserve() makes room in (its offset, not a view of it: no view is made per write). */
  readonly held: Uint8Array;
  /** Hands the held bytes to the backend. Never throws: a failure is kept for the owner to report. */
  flush(): void;
}

/**
 * The batch of a host without write-behind: it never accepts, so it never holds or reserves. One for
 * every such host: `enabled`, which start() and the end of a run set, is read by nothing here.
 */
export function noWriteBehind(): WriteBatch {
  return NO_BATCH;
}

class NoBatch implements WriteBatch {
  enabled = false;
  readonly owner = null;
  accepts(): boolean {
    return false;
  }
  // Never called (accepts() never says yes): a call would be a host bug, and a TypeError that traps.
  declare reserve: never;
  declare held: never;
  flush(): void {}
}

const NO_BATCH = new NoBatch();

/** The error a batched write met, reported once by the next write, sync or close of its descriptor. */
export function takeDeferred(d: FileDescriptor): Errno {
  const e = d.deferredErrno;
  d.deferredErrno = Errno.SUCCESS;
  return e;
}
