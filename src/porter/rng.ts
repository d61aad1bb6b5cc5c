/**
 * A small seeded generator (mulberry32): the same seed gives the same
 * sequence in Node and in browsers, which is all fault plans and
 * deterministic runs need. Not for secrets.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32 bits, as an unsigned integer. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A number in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  fill(into: Uint8Array): void {
    for (let i = 0; i < into.byteLength; i += 4) {
      let v = this.next();
      for (let j = i; j < i + 4 && j < into.byteLength; j++, v >>>= 8) into[j] = v & 0xff;
    }
  }
}

/** A seed option checked the way every porter option is: an integer from 0 to 2^32-1. */
export function checkSeed(seed: unknown, option: string): number {
  if (seed === undefined) return 1;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`${option} must be an integer from 0 to 4294967295, got ${String(seed)}`);
  }
  return seed;
}
