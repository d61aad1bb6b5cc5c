import { Errno } from '../abi/errno.js';
import type { GuestMemory, StringList } from '../memory.js';
import type { HostContext } from './context.js';

// Sizes count UTF-8 bytes including each NUL (spec/abi-cheatsheet.md rule 8), so the
// buffers libc allocates from them always hold what the getters write.

/** Both out-pointers are checked before either is written, so a bad second one leaves the first alone. */
function sizesGet(mem: GuestMemory, list: StringList, countOut: number, bufSizeOut: number): Errno {
  mem.check(countOut, 4);
  mem.check(bufSizeOut, 4);
  mem.setU32(countOut, list.count);
  mem.setU32(bufSizeOut, list.bufSize);
  return Errno.SUCCESS;
}

export function args_sizes_get(ctx: HostContext, argcOut: number, bufSizeOut: number): Errno {
  return sizesGet(ctx.mem, ctx.args, argcOut, bufSizeOut);
}

export function args_get(ctx: HostContext, argv: number, argvBuf: number): Errno {
  ctx.args.writeTo(ctx.mem, argv, argvBuf);
  return Errno.SUCCESS;
}

export function environ_sizes_get(ctx: HostContext, countOut: number, bufSizeOut: number): Errno {
  return sizesGet(ctx.mem, ctx.env, countOut, bufSizeOut);
}

export function environ_get(ctx: HostContext, environ: number, environBuf: number): Errno {
  ctx.env.writeTo(ctx.mem, environ, environBuf);
  return Errno.SUCCESS;
}
