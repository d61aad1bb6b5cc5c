import { restoreStackTraces, stackTracesOff } from '../abi/errno.js';
import type { GuestMemory, Iovecs, StringList } from '../memory.js';
import type { FdTable } from '../fd-table.js';
import type { Namespace } from '../namespace/namespace.js';
import type { Platform } from '../platform/types.js';
import type { WriteBatch } from '../write-batch.js';

/**
 * The two error idioms, and no others:
 *
 * 1. A syscall function (the `fn` of a SyscallDef) returns an `Errno`: it
 *    returns early with the errno its own checks choose (`return Errno.EXIST`).
 * 2. Anything below it (guest memory, the fd table, the namespace, a helper,
 *    a backend) throws: a `WasiError` carrying an errno, or a backend's error
 *    carrying a POSIX `code` (src/errors.ts maps it). The errno boundary in
 *    src/binder.ts turns both into the import's result; any other exception
 *    is a host bug and traps.
 *
 * Helpers never return "a value or an errno": they return the value or throw.
 */

/** Everything a syscall function may touch: guest memory, descriptors, the namespace, the platform. */
export interface HostContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  /** The one door to paths and backends (src/namespace/namespace.ts). */
  readonly ns: Namespace;
  readonly platform: Platform;
  readonly args: StringList;
  readonly env: StringList;
  readonly writeBehind: WriteBatch;
  /** The reused copy of a call's iovecs (fd-io.ts), and the reused buffer of its copies (Iovecs.scratch). */
  readonly iovecs: Iovecs;
}

/** Thrown by proc_exit to unwind out of the guest; the one exception allowed to leave an import. */
export class WASIExit extends Error {
  readonly code: number;
  constructor(code: number) {
    // Control flow, not a failure: its stack would never be read.
    const limit = stackTracesOff();
    super(`WASI program exited with code ${code}`);
    restoreStackTraces(limit);
    this.code = code;
    this.name = 'WASIExit';
  }
}
