import { Suspend } from '../vfs/suspend.js';
import { Errno } from '../abi/errno.js';
import { EventType, Rights, SubClockFlags } from '../abi/constants.js';
import { EVENT_SIZE, EventOff, SUBSCRIPTION_PREVIEW1, SUBSCRIPTION_UNSTABLE, SubscriptionOff, type SubscriptionLayout } from '../abi/layout.js';
import { errnoOf } from '../errors.js';
import type { HostContext } from './context.js';
import type { HostStream } from '../platform/types.js';
import { readClock } from './clock.js';

const TWO_32 = 4294967296;

/**
 * poll_oneoff in one pass over the subscriptions, each read once (another
 * thread may be changing them), with no allocation per subscription: a guest
 * can pass 10^8 of them, and the host's work and memory must not grow with
 * anything but time. u64s are handled as (hi, lo) u32 pairs, so no BigInt
 * either. What the pass keeps is a few numbers:
 *
 * - fd subscriptions and failures are "ready": their events are written at
 *   once from index 0, and from the first one on, clocks no longer matter;
 * - while nothing is ready, the clock events with the least wait so far are
 *   written from index 0; a smaller wait starts them over. After the pass,
 *   the call sleeps that least wait and those are the events (every clock
 *   whose wait has passed by then).
 */
class Pass {
  u8: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  out = 0;
  ready = 0;
  clocks = 0;
  minHi = Infinity;
  minLo = 0;
  /** Each clock is read once per call, so all clock subscriptions see one instant. */
  readonly nowHi = new Float64Array(4);
  readonly nowLo = new Float64Array(4);
  nowRead = 0;
  /** The last fd subscription's answer, reused for the same fd and type. */
  lastFd = -1;
  lastType = -1;
  lastError = 0;
  lastNbytes = 0;
  /** The stream of the last fd answer that came from available(). */
  lastStream: HostStream | undefined = undefined;
  /**
   * The first subscription that waits for input: its stream and userdata.
   * Only one is kept (no per-subscription memory); the only stream that waits
   * is a context's stdin, so later ones are the same stream through another
   * fd, and one event for it is enough: poll_oneoff may report a subset.
   */
  waiting: HostStream | undefined = undefined;
  waitUdLo = 0;
  waitUdHi = 0;

  begin(ctx: HostContext, out: number): void {
    this.u8 = ctx.mem.u8;
    this.view = ctx.mem.view;
    this.out = out;
    this.ready = 0;
    this.clocks = 0;
    this.minHi = Infinity;
    this.minLo = 0;
    this.nowRead = 0;
    this.lastFd = -1;
    this.lastType = -1;
    this.waiting = undefined;
    this.lastStream = undefined;
  }

  event(index: number, udLo: number, udHi: number, error: Errno, type: number, nbytes: number): void {
    const at = this.out + index * EVENT_SIZE;
    const v = this.view;
    this.u8.fill(0, at, at + EVENT_SIZE);
    v.setUint32(at + EventOff.USERDATA, udLo, true);
    v.setUint32(at + EventOff.USERDATA + 4, udHi, true);
    v.setUint16(at + EventOff.ERROR, error, true);
    v.setUint8(at + EventOff.TYPE, type);
    const lo = nbytes % TWO_32;
    v.setUint32(at + EventOff.NBYTES, lo, true);
    v.setUint32(at + EventOff.NBYTES + 4, (nbytes - lo) / TWO_32, true);
  }

  wait(stream: HostStream, udLo: number, udHi: number): void {
    this.waiting = stream;
    this.waitUdLo = udLo;
    this.waitUdHi = udHi;
  }

  readyEvent(udLo: number, udHi: number, error: Errno, type: number, nbytes: number): void {
    this.event(this.ready++, udLo, udHi, error, type, nbytes);
  }

  /** A clock subscription that waits (hi, lo) ns: kept if no wait so far is shorter. */
  clock(udLo: number, udHi: number, hi: number, lo: number): void {
    if (hi < this.minHi || (hi === this.minHi && lo < this.minLo)) {
      this.minHi = hi;
      this.minLo = lo;
      this.clocks = 0;
    }
    if (hi === this.minHi && lo === this.minLo) this.event(this.clocks++, udLo, udHi, Errno.SUCCESS, EventType.CLOCK, 0);
  }

  /** Reads clock `id` (0..3) the first time this call needs it. */
  now(ctx: HostContext, id: number): void {
    if (this.nowRead & (1 << id)) return;
    const t = readClock(ctx, id) as bigint;
    this.nowHi[id] = Number(t >> 32n);
    this.nowLo[id] = Number(t & 0xffffffffn);
    this.nowRead |= 1 << id;
  }
}

// Made at the first poll_oneoff, not at import: most programs never poll, and a fresh
// process paid ~0.1 ms of `import 'wasi-host'` for it (BENCHMARKS.md, "Issue 14, part 8").
let pass: Pass | undefined;

/**
 * An fd subscription is decided at once (files and stdio never block in this
 * host, spec/abi-cheatsheet.md rule 19), except FD_READ on a stream that can wait for
 * input (HostStream.available(), the Worker runner's stdin): with nothing
 * buffered and not at end of input it is not ready, nbytes -1.
 */
function fdAnswer(ctx: HostContext, p: Pass, fd: number, type: EventType): void {
  if (fd === p.lastFd && type === p.lastType) return;
  const d = ctx.fds.peek(fd);
  let error = Errno.SUCCESS;
  let nbytes = 0;
  if (d === undefined || d.kind === 'dir') error = Errno.BADF;
  else if ((d.rightsBase & Rights.POLL_FD_READWRITE) === 0) error = Errno.NOTCAPABLE;
  else if (d.kind === 'stream' && type === EventType.FD_READ && d.stream.available !== undefined) {
    nbytes = d.stream.available();
    p.lastStream = d.stream;
  } else if (d.kind === 'file' && type === EventType.FD_READ) {
    try {
      nbytes = Math.max(0, Number(d.file.stat().size) - d.position);
    } catch (err) {
      if (err instanceof Suspend) throw err;
      // A per-subscription failure belongs in its event, as the spec has it.
      error = errnoOf(err);
    }
  }
  p.lastFd = fd;
  p.lastType = type;
  p.lastError = error;
  p.lastNbytes = nbytes;
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
  const inAt = inPtr >>> 0;
  const outAt = outPtr >>> 0;
  mem.check(inAt, n * sub.size);
  mem.check(outAt, n * EVENT_SIZE);
  mem.check(neventsOut, 4);
  // Event k is written once subscription k is read; starting at or before the subscriptions, it
  // ends before subscription k+1 (32(k+1) <= 48(k+1)). Starting inside them, it could overwrite
  // ones not read yet: such arrays are refused rather than read half-rewritten.
  if (outAt > inAt && outAt < inAt + n * sub.size) return Errno.INVAL;

  const p = (pass ??= new Pass());
  p.begin(ctx, outAt);
  const v = p.view;
  for (let i = 0; i < n; i++) {
    const at = inAt + i * sub.size;
    const udLo = v.getUint32(at + SubscriptionOff.USERDATA, true);
    const udHi = v.getUint32(at + SubscriptionOff.USERDATA + 4, true);
    const tag = v.getUint8(at + SubscriptionOff.TAG);
    if (tag === EventType.CLOCK) {
      const id = v.getUint32(at + sub.clockId, true);
      if (id > 3) {
        p.readyEvent(udLo, udHi, Errno.INVAL, EventType.CLOCK, 0);
        continue;
      }
      if (p.ready > 0) continue;
      let lo = v.getUint32(at + sub.clockTimeout, true);
      let hi = v.getUint32(at + sub.clockTimeout + 4, true);
      if (v.getUint16(at + sub.clockFlags, true) & SubClockFlags.ABSTIME) {
        // An absolute deadline waits (deadline - now), or nothing once it has passed.
        p.now(ctx, id);
        const nowHi = p.nowHi[id];
        const nowLo = p.nowLo[id];
        if (hi < nowHi || (hi === nowHi && lo <= nowLo)) {
          hi = 0;
          lo = 0;
        } else {
          hi -= nowHi;
          lo -= nowLo;
          if (lo < 0) {
            lo += TWO_32;
            hi -= 1;
          }
        }
      }
      p.clock(udLo, udHi, hi, lo);
    } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
      fdAnswer(ctx, p, v.getUint32(at + sub.fd, true), tag);
      if (p.lastError !== Errno.SUCCESS || p.lastNbytes >= 0) p.readyEvent(udLo, udHi, p.lastError, tag, p.lastNbytes);
      else if (p.waiting === undefined) p.wait(p.lastStream!, udLo, udHi);
    } else {
      p.readyEvent(udLo, udHi, Errno.INVAL, tag, 0);
    }
  }

  let nevents = p.ready;
  if (nevents === 0) {
    const wait = p.minHi * TWO_32 + p.minLo;
    const stream = p.waiting;
    if (stream === undefined) {
      if (wait > 0) ctx.platform.sleep(wait);
      nevents = p.clocks;
    } else {
      // Input or the first clock, whichever comes first (no clock: input only).
      if (wait > 0) stream.waitAvailable!(wait / 1e6);
      const nbytes = stream.available!();
      if (nbytes >= 0) {
        p.event(0, p.waitUdLo, p.waitUdHi, Errno.SUCCESS, EventType.FD_READ, nbytes);
        nevents = 1;
      } else nevents = p.clocks;
    }
  }
  mem.setU32(neventsOut, nevents);
  return Errno.SUCCESS;
}

export function poll_oneoff(ctx: HostContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  return pollWith(SUBSCRIPTION_PREVIEW1, ctx, inPtr, outPtr, nsubs, neventsOut);
}

/** wasi_unstable's poll_oneoff: the same, over its 56-byte subscriptions. */
export function poll_oneoff_unstable(ctx: HostContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  return pollWith(SUBSCRIPTION_UNSTABLE, ctx, inPtr, outPtr, nsubs, neventsOut);
}
