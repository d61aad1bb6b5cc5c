import { Errno } from '../abi/errno.js';
import type { HostContext } from './context.js';

/** crypto.getRandomValues refuses more than 65,536 bytes, and shared views, so fill in chunks via scratch. */
const CHUNK = 65536;

export function random_get(ctx: HostContext, buf: number, bufLen: number): Errno {
  const len = bufLen >>> 0;
  ctx.mem.check(buf, len);
  const scratch = ctx.scratch(Math.min(len, CHUNK));
  for (let done = 0; done < len; done += CHUNK) {
    const n = Math.min(CHUNK, len - done);
    const chunk = n === scratch.byteLength ? scratch : scratch.subarray(0, n);
    ctx.platform.randomFill(chunk);
    ctx.mem.write((buf >>> 0) + done, chunk);
  }
  return Errno.SUCCESS;
}
