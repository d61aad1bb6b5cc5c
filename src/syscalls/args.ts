import { Errno } from '../abi/errno.js';
import type { HostContext } from './context.js';

// Sizes count UTF-8 bytes including each NUL (abi-cheatsheet rule 8), so the
// buffers libc allocates from them always hold what the getters write.

export function args_sizes_get(ctx: HostContext, argcOut: number, bufSizeOut: number): Errno {
  ctx.mem.check(argcOut, 4);
  ctx.mem.check(bufSizeOut, 4);
  ctx.mem.setU32(argcOut, ctx.args.count);
  ctx.mem.setU32(bufSizeOut, ctx.args.bufSize);
  return Errno.SUCCESS;
}

export function args_get(ctx: HostContext, argv: number, argvBuf: number): Errno {
  ctx.args.writeTo(ctx.mem, argv, argvBuf);
  return Errno.SUCCESS;
}

export function environ_sizes_get(ctx: HostContext, countOut: number, bufSizeOut: number): Errno {
  ctx.mem.check(countOut, 4);
  ctx.mem.check(bufSizeOut, 4);
  ctx.mem.setU32(countOut, ctx.env.count);
  ctx.mem.setU32(bufSizeOut, ctx.env.bufSize);
  return Errno.SUCCESS;
}

export function environ_get(ctx: HostContext, environ: number, environBuf: number): Errno {
  ctx.env.writeTo(ctx.mem, environ, environBuf);
  return Errno.SUCCESS;
}
