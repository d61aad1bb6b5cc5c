import type { SyscallInfo } from '../binder.js';

/**
 * Whether the guest passed what the spec's signature says (a module may
 * declare an import otherwise). The porter's layers read arguments as
 * pointers and flags only when they are; otherwise the call goes straight
 * on, and the host's errno boundary answers it (src/binder.ts).
 */
export function wellTyped(call: SyscallInfo, args: readonly unknown[]): boolean {
  const params = call.params;
  if (args.length !== params.length) return false;
  for (let i = 0; i < params.length; i++) {
    if (typeof args[i] !== (params[i][1] === 'i64' ? 'bigint' : 'number')) return false;
  }
  return true;
}
