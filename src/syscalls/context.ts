import { restoreStackTraces, stackTracesOff } from '../abi/errno.js';
import type { GuestMemory, StringList } from '../memory.js';
import type { FdTable } from '../fd-table.js';
import type { Namespace } from '../namespace/namespace.js';
import type { Platform } from '../platform/types.js';
import type { WriteBehind } from '../write-behind.js';

/** Everything a syscall function may touch: guest memory, descriptors, the namespace, the platform. */
export interface HostContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  /** The one door to paths and backends (src/namespace/namespace.ts). */
  readonly ns: Namespace;
  readonly platform: Platform;
  readonly args: StringList;
  readonly env: StringList;
  readonly writeBehind: WriteBehind;
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
