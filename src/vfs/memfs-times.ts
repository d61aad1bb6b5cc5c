import type { Node } from '@jsonjoy.com/fs-core/lib/Node.js';
import type { VfsTime } from './types.js';

/**
 * Nanosecond timestamps for the MemFS backend (memfs.ts).
 *
 * memfs's nodes keep `Date`s (milliseconds), and memfs stamps "now" with
 * `new Date()`, so two changes in one millisecond look equal. WASI reports and
 * sets times in nanoseconds, so the host keeps what a node cannot hold in a
 * side table per tree (`TimeTable`), and reads the node's own milliseconds
 * wherever the table has nothing newer.
 */

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
    // The node's clock was read before a stamp we have handed out since: the
    // last digits keep this one as late in its millisecond as it can be.
    return 999_999;
  }
  return clockSub;
}

/** One time field: the ns we report while the node still holds `ms` for it. */
export class NsTime {
  ms = NaN;
  sub = 0;
  /** An exact requested value (setTimes); null means `ms` and `sub` make the value. */
  exact: bigint | null = null;

  /** A requested value, with the ms the node holds after storing it. */
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
 * What a node cannot hold: nanosecond times. Every field is only believed
 * while the node's own millisecond value for it is the one we saw (a Volume
 * the embedder shares may change the node behind us).
 */
export class Recorded {
  readonly a = new NsTime();
  readonly m = new NsTime();
  readonly c = new NsTime();

  /** The node's mtime `mMs` and ctime `cMs` were stamped "now": record them at ns precision. */
  modified(mMs: number, cMs: number): void {
    const sub = subFor(mMs);
    this.m.setStamp(mMs, sub);
    this.c.setStamp(cMs, cMs === mMs ? sub : subFor(cMs));
  }

  /**
   * After a write or truncate of `node`, begun at `Date.now()` `t0`. The new
   * ms stamp may equal the recorded one (a setTimes in the same millisecond),
   * and the entry would hide the write: record mtime = ctime = now at ns
   * precision. If the clock did not tick across the call, the stamp is `t0`;
   * otherwise read the node's (rare).
   */
  modifiedSince(t0: number, node: Node): void {
    let mMs = Date.now();
    let cMs = mMs;
    if (mMs !== t0) {
      mMs = node.mtime.getTime();
      cMs = node.ctime.getTime();
    }
    this.modified(mMs, cMs);
  }
}

// The last millisecond value converted, and its ns: a stat's three times are mostly one value, and
// files made together share it. Two BigInt allocations and a BigInt multiply per field were a tenth of
// an open+fstat+close (BENCHMARKS.md, issue 14 part 6). A pure function's memo: nothing it returns
// can be stale.
let lastMs = 0;
let lastNs = 0n;

/** The ns to report for one field: the recorded value while the node still holds `heldMs`, else its own. */
export function timeOf(field: NsTime | undefined, heldMs: number): bigint {
  if (field?.ms === heldMs) return field.value();
  if (heldMs !== lastMs) {
    lastNs = BigInt(heldMs) * 1_000_000n;
    lastMs = heldMs;
  }
  return lastNs;
}

/** The ns to store for one field of a setTimes call. */
function wanted(t: VfsTime, current: bigint, now: bigint): bigint {
  return t === undefined ? current : t === 'now' ? now : t;
}

function nowNs(): bigint {
  const ms = Date.now();
  return BigInt(ms) * 1_000_000n + BigInt(subFor(ms));
}

/** The side table of one tree: a `Recorded` per node that has times it cannot hold. */
export class TimeTable {
  // Keyed by the node itself: memfs reuses a freed ino, a node is never reused.
  // Made on first use: most trees never have times set, and a WeakMap costs the GC.
  #byNode: WeakMap<Node, Recorded> | undefined;

  /**
   * A live entry for this node, or undefined. Drops an entry whose every
   * field the node has since moved on from, so that the node's writes go
   * back to the fast path.
   */
  live(node: Node): Recorded | undefined {
    const byNode = this.#byNode;
    if (byNode === undefined) return undefined;
    const r = byNode.get(node);
    if (r === undefined) return undefined;
    if (r.a.ms !== node.atime.getTime() && r.m.ms !== node.mtime.getTime() && r.c.ms !== node.ctime.getTime()) {
      byNode.delete(node);
      return undefined;
    }
    return r;
  }

  /**
   * The entry of `node`, if it has one. Without one, the node's own
   * millisecond stamps are all there is to read and are right (two writes in
   * one millisecond share an mtime, as on a host filesystem's coarse clock),
   * so the common write costs no clock reads at all.
   */
  forNode(node: Node): Recorded | undefined {
    return this.#byNode?.get(node);
  }

  /** O_TRUNC stamped mtime and ctime of `node`: record them so that a setTimes in the same millisecond does not hide it. */
  truncated(node: Node): void {
    this.live(node)?.modified(node.mtime.getTime(), node.ctime.getTime());
  }

  /** Sets the times of `node`, recording the ns values its Dates round to milliseconds. */
  setTimes(node: Node, atim: VfsTime, mtim: VfsTime): void {
    const r0 = this.live(node);
    const now = atim === 'now' || mtim === 'now' ? nowNs() : 0n;
    const a = wanted(atim, timeOf(r0?.a, node.atime.getTime()), now);
    const m = wanted(mtim, timeOf(r0?.m, node.mtime.getTime()), now);
    node.atime = new Date(nsToMs(a));
    // memfs's mtime setter moves ctime to its own "now", as utimes does.
    node.mtime = new Date(nsToMs(m));
    let r = r0;
    if (r === undefined) {
      r = new Recorded();
      (this.#byNode ??= new WeakMap()).set(node, r);
    }
    r.a.setExact(a, node.atime.getTime());
    r.m.setExact(m, node.mtime.getTime());
    const cMs = node.ctime.getTime();
    r.c.setStamp(cMs, subFor(cMs));
  }
}
