import { Errno } from './abi/errno.js';
import { errnoOf } from './errors.js';
import type { Interceptor } from './binder.js';
import type { FileDescriptor } from './fd-table.js';
import type { WASIOptions } from './options.js';
import type { WriteBatch } from './write-batch.js';

/** Bytes held at most when the embedder does not say (`writeBehind: true`). */
export const WRITE_BEHIND_DEFAULT_BYTES = 64 * 1024;
/** The most an embedder may ask to be held: beyond this a batch saves nothing more. */
export const WRITE_BEHIND_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Write-behind for small consecutive writes to one file, the way a kernel's
 * page cache turns many write(2)s into few disk writes. Off unless the
 * embedder asks for it (the `writeBehind` option; README, "Write-behind"):
 * held bytes live in this process's memory, so unlike a page cache they die
 * with it (kill -9, worker.terminate()) and no other reader sees them until
 * they are handed down. Only backends that allow it (Vfs.writeBehind: a host
 * directory, where each write is a system call) and only while a command runs
 * under start().
 *
 * The rule that keeps it unobservable to the guest: the held bytes belong to
 * one descriptor and are handed down before anything else happens — any
 * other import, a write to another descriptor, exit, a trap, or the end of
 * the run. Data written to the file therefore reaches it before the guest can
 * look (read, stat, seek, another fd), and the order of output across
 * descriptors is kept. A failure at that point cannot change the count the
 * guest was already given, so it is reported, as with a page cache, by the
 * next write, fsync or close of that descriptor.
 */
export class WriteBehind implements WriteBatch {
  enabled = false;
  /** Writes of at least this many bytes go straight to the backend; smaller ones may be batched up to it. */
  constructor(readonly capacity: number = WRITE_BEHIND_DEFAULT_BYTES) {}
  /** The descriptor whose bytes are held, or null. */
  owner: FileDescriptor | null = null;
  private buf: Uint8Array | undefined;
  private len = 0;
  /** File offset of the first held byte. */
  private at = 0;

  /** Whether a write of `total` bytes to `d` is batched (rather than sent down now). */
  accepts(d: FileDescriptor, total: number): boolean {
    return this.enabled && total < this.capacity && d.writeBehind;
  }

  /** Room for `total` more bytes continuing `d`'s held run, flushed first when there is none: their offset in `held`. */
  reserve(d: FileDescriptor, total: number): number {
    if (this.owner !== d || this.len + total > this.capacity || this.at + this.len !== d.position) this.flush();
    if (this.owner === null) {
      this.owner = d;
      this.at = d.position;
    }
    const at = this.len;
    this.len += total;
    return at;
  }

  get held(): Uint8Array {
    return (this.buf ??= new Uint8Array(this.capacity));
  }

  /** Hands the held bytes to the backend. Never throws: a failure is kept for the owner to report. */
  flush(): void {
    const d = this.owner;
    if (d === null) return;
    this.owner = null;
    // held, not buf: a run is only ever started by fd_write, which reads held first, but flush
    // should not depend on that order.
    const buf = this.held;
    const len = this.len;
    this.len = 0;
    try {
      for (let off = 0; off < len; ) {
        const n = d.file.write(buf.subarray(off, len), this.at + off);
        if (n <= 0) {
          d.deferredErrno = Errno.IO;
          return;
        }
        off += n;
      }
    } catch (err) {
      d.deferredErrno = errnoOf(err);
    }
  }
}


/**
 * The layer that keeps write-behind unobservable: held bytes are handed down
 * before any import but fd_write (which continues the held run or ends it
 * itself). Installed only when the embedder asks for write-behind.
 */
export function flushFirst(wb: WriteBehind): Interceptor {
  return {
    intercept(call, next) {
      if (call.name === 'fd_write') return undefined;
      return (...args) => {
        if (wb.owner !== null) wb.flush();
        return next(...args);
      };
    },
  };
}

/** The write-behind buffer size the option asks for, 0 for none; throws on a bad value. */
export function writeBehindBytes(wb: WASIOptions['writeBehind']): number {
  if (wb === undefined || wb === false) return 0;
  if (wb === true) return WRITE_BEHIND_DEFAULT_BYTES;
  if (typeof wb !== 'object' || wb === null || Array.isArray(wb)) throw new TypeError('writeBehind must be true, false or { bufferSize: bytes }');
  for (const key of Object.keys(wb)) {
    if (key !== 'bufferSize') throw new TypeError(`writeBehind.${key} is not an option (only bufferSize)`);
  }
  const size = wb.bufferSize;
  if (size === undefined) return WRITE_BEHIND_DEFAULT_BYTES;
  if (!Number.isInteger(size) || size < 1 || size > WRITE_BEHIND_MAX_BYTES) {
    throw new RangeError(`writeBehind.bufferSize must be an integer from 1 to ${WRITE_BEHIND_MAX_BYTES} (bytes), got ${String(size)}`);
  }
  return size;
}
