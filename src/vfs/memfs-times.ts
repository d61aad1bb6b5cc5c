import type { Volume } from 'memfs';
import type { VfsTime } from './types.js';

/**
 * Nanosecond timestamps for the MemFS backend (memfs.ts).
 *
 * memfs keeps milliseconds: utimes with nanoseconds rounds them away, and it
 * stamps "now" with `new Date()`, so two changes in one millisecond look
 * equal. WASI reports and sets times in nanoseconds, so the host keeps what
 * memfs cannot hold in a side table per Volume (`TimeTable`), and reads
 * memfs's own milliseconds wherever the table has nothing newer.
 */

/** The fields of memfs's `Stats<number>` this file reads. */
export interface TimeStats {
  ino: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
}

/** Floor of ns / 1e6, as a Date-compatible number: BigInt division truncates toward zero. */
function nsToMs(ns: bigint): number {
  const q = ns / 1_000_000n;
  return Number(ns < 0n && q * 1_000_000n !== ns ? q - 1n : q);
}

// memfs stamps times with `new Date()`, so two stamps in one millisecond look
// equal. We hand out nanosecond digits from a process-wide counter inside each
// millisecond, so that whatever this process records later reads later.
let clockMs = -Infinity;
let clockSub = 0;
function subFor(ms: number): number {
  if (ms > clockMs) {
    clockMs = ms;
    clockSub = 0;
  } else if (ms === clockMs && clockSub < 999_999) {
    clockSub++;
  } else if (ms < clockMs) {
    // memfs read its clock before a stamp we have handed out since: the last
    // digits keep this one as late in its millisecond as it can be.
    return 999_999;
  }
  return clockSub;
}

/** One time field: the ns we report while memfs still holds `ms` for it. */
export class NsTime {
  ms = NaN;
  sub = 0;
  /** An exact requested value (setTimes); null means `ms` and `sub` make the value. */
  exact: bigint | null = null;

  /** A requested value, with the ms memfs holds after storing it. */
  setExact(ns: bigint, heldMs: number): void {
    this.ms = heldMs;
    this.exact = ns;
  }

  /** "Now", as memfs stamped it: kept as numbers so a write allocates no BigInt. */
  setStamp(heldMs: number, sub: number): void {
    this.ms = heldMs;
    this.sub = sub;
    this.exact = null;
  }

  value(): bigint {
    return this.exact ?? BigInt(this.ms) * 1_000_000n + BigInt(this.sub);
  }
}

/**
 * What memfs cannot hold: nanosecond times. Keyed by ino; memfs reuses a
 * freed ino at once, so each entry also keeps the node's birth time, which a
 * recycled ino almost never shares, and every field is only believed while
 * memfs's own millisecond value for it is the one we saw.
 */
export class Recorded {
  readonly a = new NsTime();
  readonly m = new NsTime();
  readonly c = new NsTime();
  constructor(public bMs: number) {}

  /** memfs stamped mtime `mMs` and ctime `cMs` with its "now": record them at ns precision. */
  modified(mMs: number, cMs: number): void {
    const sub = subFor(mMs);
    this.m.setStamp(mMs, sub);
    this.c.setStamp(cMs, cMs === mMs ? sub : subFor(cMs));
  }

  /**
   * After a write or truncate through memfs fd `fd`, begun at `Date.now()`
   * `t0`. memfs's new ms stamp may equal the recorded one (a setTimes in the
   * same millisecond), and the entry would hide the write: record mtime =
   * ctime = now at ns precision. If the clock did not tick across the call,
   * memfs's stamp is `t0`; otherwise ask memfs (rare).
   */
  modifiedSince(t0: number, vol: Volume, fd: number): void {
    let mMs = Date.now();
    let cMs = mMs;
    if (mMs !== t0) {
      const st = vol.fstatSync(fd);
      mMs = st.mtimeMs;
      cMs = st.ctimeMs;
    }
    this.modified(mMs, cMs);
  }
}

/** The ns to report for one field: the recorded value while memfs still holds `heldMs`, else memfs's own. */
export function timeOf(field: NsTime | undefined, heldMs: number): bigint {
  return field !== undefined && field.ms === heldMs ? field.value() : BigInt(heldMs) * 1_000_000n;
}

/** The ns to store for one field of a setTimes call. */
function wanted(t: VfsTime, current: bigint, now: bigint): bigint {
  return t === undefined ? current : t === 'now' ? now : t;
}

function nowNs(): bigint {
  const ms = Date.now();
  return BigInt(ms) * 1_000_000n + BigInt(subFor(ms));
}

/** The side table of one Volume: a `Recorded` per ino that has times memfs cannot hold. */
export class TimeTable {
  readonly #byIno = new Map<number, Recorded>();

  /**
   * A live entry for this node, or undefined. Drops an entry whose ino was
   * recycled or whose every field memfs has since moved on from, so that the
   * node's writes go back to the fast path.
   */
  live(st: TimeStats): Recorded | undefined {
    const times = this.#byIno;
    if (times.size === 0) return undefined;
    const r = times.get(st.ino);
    if (r === undefined) return undefined;
    if (r.bMs !== st.birthtimeMs || (r.a.ms !== st.atimeMs && r.m.ms !== st.mtimeMs && r.c.ms !== st.ctimeMs)) {
      times.delete(st.ino);
      return undefined;
    }
    return r;
  }

  #record(st: TimeStats): Recorded {
    let r = this.live(st);
    if (r === undefined) {
      r = new Recorded(st.birthtimeMs);
      this.#byIno.set(st.ino, r);
    }
    return r;
  }

  /**
   * The entry of the node `ino` born at `bMs`, if it has one. Without one,
   * memfs's own millisecond stamps are all there is to read and are right
   * (two writes in one millisecond share an mtime, as on a host filesystem's
   * coarse clock), so the common write costs no clock reads at all.
   */
  forNode(ino: number, bMs: number): Recorded | undefined {
    const times = this.#byIno;
    if (times.size === 0) return undefined;
    const r = times.get(ino);
    return r !== undefined && r.bMs === bMs ? r : undefined;
  }

  /**
   * O_TRUNC stamped mtime and ctime of the node `st` describes; record them
   * so that a setTimes in the same millisecond does not hide the truncation.
   */
  truncated(st: TimeStats): void {
    this.live(st)?.modified(st.mtimeMs, st.ctimeMs);
  }

  /**
   * Sets times through `apply` (utimes, lutimes or futimes) and records the ns
   * values memfs rounds to milliseconds. `statNow` stats the same node.
   */
  setTimes(statNow: () => TimeStats, apply: (a: Date, m: Date) => void, atim: VfsTime, mtim: VfsTime): void {
    const before = statNow();
    const r0 = this.live(before);
    const now = atim === 'now' || mtim === 'now' ? nowNs() : 0n;
    const a = wanted(atim, timeOf(r0?.a, before.atimeMs), now);
    const m = wanted(mtim, timeOf(r0?.m, before.mtimeMs), now);
    apply(new Date(nsToMs(a)), new Date(nsToMs(m)));
    const after = statNow();
    const r = this.#record(after);
    r.a.setExact(a, after.atimeMs);
    r.m.setExact(m, after.mtimeMs);
    // memfs moved ctime to its own "now" when it stored mtime.
    r.c.setStamp(after.ctimeMs, subFor(after.ctimeMs));
  }
}
