import { Errno } from '../abi/errno.js';
import { WASIExit, type HostContext } from './context.js';

/** Never returns: unwinds the guest with WASIExit, which start() turns into an exit code. */
export function proc_exit(_ctx: HostContext, rval: number): never {
  throw new WASIExit(rval >>> 0);
}

/**
 * Signals have no meaning for a sandboxed guest and current wasi-libc no
 * longer imports this: NOTSUP, wasmtime's answer. A signal number past the
 * witx enum is EINVAL (wasmtime traps there).
 */
export function proc_raise(_ctx: HostContext, sig: number): Errno {
  return sig >>> 0 > 30 ? Errno.INVAL : Errno.NOTSUP;
}

export function sched_yield(_ctx: HostContext): Errno {
  return Errno.SUCCESS;
}
