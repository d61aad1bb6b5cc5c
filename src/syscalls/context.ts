import { restoreStackTraces, stackTracesOff } from '../abi/errno.js';
import type { GuestMemory, Iovecs, StringList } from '../memory.js';
import type { FdTable } from '../fd-table.js';
import type { Resolver } from '../path.js';
import type { Platform } from '../platform.js';
import type { WriteBehind } from '../write-behind.js';

/** Everything a syscall function may touch: guest memory, descriptors, the resolver, the platform. */
export interface HostContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  readonly resolver: Resolver;
  readonly platform: Platform;
  readonly args: StringList;
  readonly env: StringList;
  readonly writeBehind: WriteBehind;
  /** The reused copy of a call's iovecs (fd-io.ts). */
  readonly iovecs: Iovecs;
  /** A reusable buffer for copying between guest memory and hosts that cannot take a shared view. */
  scratch(size: number): Uint8Array;
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
