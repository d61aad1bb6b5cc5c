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

export function random_get(ctx: HostContext, buf: number, bufLen: number): Errno {
  const len = bufLen >>> 0;
  let at = buf >>> 0;
  const end = at + len;
  ctx.mem.check(at, len);
  // A large request is filled in place in one platform call, saving the copy
  // from the pool (Node's randomFillSync has no 64 KiB limit: one 1 MiB call
  // is ~18% faster than sixteen); shared memory cannot be (getRandomValues
  // refuses shared views).
  if (len > 4096 && !ctx.mem.shared) ctx.platform.randomFill(ctx.mem.u8.subarray(at, end));
  else for (let n; at < end; at += n) {
    n = Math.min(POOL_SIZE, end - at);
    if (POOL_SIZE - poolUsed < n) {
      ctx.platform.randomFill(pool);
      poolUsed = 0;
    }
    ctx.mem.write(at, pool.subarray(poolUsed, (poolUsed += n)));
  }
  return Errno.SUCCESS;
}
