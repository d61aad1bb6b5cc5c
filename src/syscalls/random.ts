import { Errno } from '../abi/errno.js';
import type { HostContext } from './context.js';

/**
 * crypto.getRandomValues fills at most 65,536 bytes a call and refuses
 * shared views, so bytes come from a host-side pool. Small requests (libc
 * seeds arc4random 256 bytes at a time) take slices of it, so one crypto call
 * serves hundreds of them; each pooled byte is handed out once only.
 * Large requests of unshared memory skip the pool.
 */
const POOL_SIZE = 65536;
const pool = new Uint8Array(POOL_SIZE);
let poolUsed = POOL_SIZE;

function take(ctx: HostContext, n: number): Uint8Array {
  if (POOL_SIZE - poolUsed < n) {
    ctx.platform.randomFill(pool);
    poolUsed = 0;
  }
  const out = pool.subarray(poolUsed, poolUsed + n);
  poolUsed += n;
  return out;
}

export function random_get(ctx: HostContext, buf: number, bufLen: number): Errno {
  const len = bufLen >>> 0;
  const at = buf >>> 0;
  ctx.mem.check(at, len);
  for (let done = 0; done < len; ) {
    const n = Math.min(POOL_SIZE, len - done);
    // A large chunk is filled in place, saving the copy from the pool; shared
    // memory cannot be (getRandomValues refuses shared views).
    if (n > 4096 && !ctx.mem.shared) ctx.platform.randomFill(ctx.mem.u8.subarray(at + done, at + done + n));
    else ctx.mem.write(at + done, take(ctx, n));
    done += n;
  }
  return Errno.SUCCESS;
}
