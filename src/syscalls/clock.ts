import { Errno } from '../abi/errno.js';
import { ClockId } from '../abi/constants.js';
import type { HostContext } from './context.js';

export function clock_res_get(ctx: HostContext, id: number, resolutionOut: number): Errno {
  if (id >>> 0 > ClockId.THREAD_CPUTIME_ID) return Errno.INVAL;
  ctx.mem.setU64(resolutionOut, ctx.platform.clockResolutionNs);
  return Errno.SUCCESS;
}

/**
 * `precision` is a hint a host may ignore (spec/abi-cheatsheet.md rule 21). The
 * import is `total` (table.ts): bounds are tested, not thrown, and nothing
 * else here can throw, so it runs without a try/catch around it.
 */
export function clock_time_get(ctx: HostContext, id: number, _precision: bigint, timeOut: number): Errno {
  if (!ctx.mem.fits(timeOut, 8)) return Errno.FAULT;
  switch (id) {
    case ClockId.MONOTONIC: {
      const big = ctx.platform.monotonicBigNs;
      if (big !== undefined) ctx.mem.setU64Checked(timeOut, big());
      else ctx.mem.setU64NumberChecked(timeOut, ctx.platform.monotonicNs());
      return Errno.SUCCESS;
    }
    case ClockId.REALTIME:
      ctx.mem.setU64(timeOut, ctx.platform.realtimeNs());
      return Errno.SUCCESS;
    case ClockId.PROCESS_CPUTIME_ID:
    case ClockId.THREAD_CPUTIME_ID:
      // One guest runs on one JS thread, so its thread time is the process's.
      ctx.mem.setU64(timeOut, ctx.platform.cputimeNs());
      return Errno.SUCCESS;
    default:
      return Errno.INVAL;
  }
}

/** Reads a clock as a bigint, for poll_oneoff deadlines; undefined for an unknown id. */
export function readClock(ctx: HostContext, id: number): bigint | undefined {
  switch (id) {
    case ClockId.MONOTONIC: {
      // The clock clock_time_get gives the guest, so that its absolute deadlines mean the same here.
      const big = ctx.platform.monotonicBigNs;
      return big !== undefined ? big() : BigInt(Math.floor(ctx.platform.monotonicNs()));
    }
    case ClockId.REALTIME: return ctx.platform.realtimeNs();
    case ClockId.PROCESS_CPUTIME_ID:
    case ClockId.THREAD_CPUTIME_ID: return ctx.platform.cputimeNs();
    default: return undefined;
  }
}
