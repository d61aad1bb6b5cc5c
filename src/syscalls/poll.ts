import { Errno } from '../abi/errno.js';
import { EventType, Rights, SubClockFlags } from '../abi/constants.js';
import { EVENT_SIZE, EventOff, SUBSCRIPTION_PREVIEW1, SUBSCRIPTION_UNSTABLE, SubscriptionOff, type SubscriptionLayout } from '../abi/layout.js';
import type { HostContext } from './context.js';
import { readClock } from './clock.js';

interface Ready {
  userdata: bigint;
  type: EventType;
  error: Errno;
  nbytes: bigint;
}

function writeEvent(ctx: HostContext, at: number, e: Ready): void {
  const mem = ctx.mem;
  mem.zero(at, EVENT_SIZE);
  mem.setU64(at + EventOff.USERDATA, e.userdata);
  mem.setU16(at + EventOff.ERROR, e.error);
  mem.setU8(at + EventOff.TYPE, e.type);
  mem.setU64(at + EventOff.NBYTES, e.nbytes);
}

/** An fd subscription is decided at once: files and stdio never block in this host (abi-cheatsheet rule 19). */
function fdEvent(ctx: HostContext, fd: number, type: EventType, userdata: bigint): Ready {
  const d = ctx.fds.peek(fd);
  let error = Errno.SUCCESS;
  let nbytes = 0n;
  if (d === undefined || d.kind === 'dir') error = Errno.BADF;
  else if ((d.rightsBase & Rights.POLL_FD_READWRITE) === 0) error = Errno.NOTCAPABLE;
  else if (d.kind === 'file' && type === EventType.FD_READ) {
    const left = d.file.stat().size - BigInt(d.position);
    nbytes = left > 0n ? left : 0n;
  }
  return { userdata, type, error, nbytes };
}

/**
 * Waits for the first of the subscriptions. Clock subscriptions sleep for real
 * through the platform (Atomics.wait where allowed), never by spinning in here.
 * Per-subscription failures go in the event's error field, not the return value.
 */
function pollWith(
  sub: SubscriptionLayout, ctx: HostContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number,
): Errno {
  const n = nsubs >>> 0;
  if (n === 0) return Errno.INVAL;
  const mem = ctx.mem;
  mem.check(inPtr, n * sub.size);
  mem.check(outPtr, n * EVENT_SIZE);
  mem.check(neventsOut, 4);

  const ready: Ready[] = [];
  const clocks: { userdata: bigint; wait: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    const at = (inPtr >>> 0) + i * sub.size;
    const userdata = mem.u64(at + SubscriptionOff.USERDATA);
    const tag = mem.u8At(at + SubscriptionOff.TAG);
    if (tag === EventType.CLOCK) {
      const id = mem.u32(at + sub.clockId);
      const timeout = mem.u64(at + sub.clockTimeout);
      const flags = mem.u16(at + sub.clockFlags);
      const now = readClock(ctx, id);
      if (now === undefined) {
        ready.push({ userdata, type: EventType.CLOCK, error: Errno.INVAL, nbytes: 0n });
        continue;
      }
      const wait = flags & SubClockFlags.ABSTIME ? timeout - now : timeout;
      clocks.push({ userdata, wait: wait > 0n ? wait : 0n });
    } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
      ready.push(fdEvent(ctx, mem.u32(at + sub.fd), tag, userdata));
    } else {
      ready.push({ userdata, type: tag as EventType, error: Errno.INVAL, nbytes: 0n });
    }
  }

  if (ready.length === 0 && clocks.length > 0) {
    let first = clocks[0].wait;
    for (const c of clocks) if (c.wait < first) first = c.wait;
    if (first > 0n) ctx.platform.sleep(Number(first));
    for (const c of clocks) {
      if (c.wait <= first) ready.push({ userdata: c.userdata, type: EventType.CLOCK, error: Errno.SUCCESS, nbytes: 0n });
    }
  }

  for (let i = 0; i < ready.length; i++) writeEvent(ctx, (outPtr >>> 0) + i * EVENT_SIZE, ready[i]);
  mem.setU32(neventsOut, ready.length);
  return Errno.SUCCESS;
}

export function poll_oneoff(ctx: HostContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  return pollWith(SUBSCRIPTION_PREVIEW1, ctx, inPtr, outPtr, nsubs, neventsOut);
}

/** wasi_unstable's poll_oneoff: the same, over its 56-byte subscriptions. */
export function poll_oneoff_unstable(ctx: HostContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  return pollWith(SUBSCRIPTION_UNSTABLE, ctx, inPtr, outPtr, nsubs, neventsOut);
}
