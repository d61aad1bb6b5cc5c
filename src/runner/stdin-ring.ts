/**
 * The runner's stdin: a byte ring in a SharedArrayBuffer between the thread
 * that owns the input (the embedder's: it writes) and the Worker that runs the
 * guest (it reads, blocking in Atomics.wait). This is the bridgeStream of
 * docs/async-seam.md for one source, stdin.
 *
 * Cells (Int32): HEAD and TAIL count bytes written and read (mod 2^32, so
 * used = HEAD - TAIL); SEQ changes on every write, end and kill and is the
 * one word a reader waits on, so no wake-up is lost between its check and
 * its wait; STATE holds EOF and KILLED; WANT is set by a writer with bytes
 * still queued, asking the reader to say when it made room; HALT changes only
 * on kill, for sleeps that must not wake on input.
 */
const HEAD = 0;
const TAIL = 1;
const SEQ = 2;
const STATE = 3;
const WANT = 4;
const HALT = 5;
const CELLS = 8;

const EOF = 1;
const KILLED = 2;

/**
 * Bytes the ring holds: a longer write waits in the writer's queue for room.
 * A power of two, so positions counted mod 2^32 stay consistent mod the size.
 */
export const RING_BYTES = 64 * 1024;

export function createStdinBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(CELLS * 4 + RING_BYTES);
}

function views(sab: SharedArrayBuffer): [Int32Array, Uint8Array] {
  return [new Int32Array(sab, 0, CELLS), new Uint8Array(sab, CELLS * 4)];
}

/** The owner's end: write, end, kill. Never blocks. */
export class StdinWriter {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private readonly queue: Uint8Array[] = [];
  private ending = false;

  constructor(sab: SharedArrayBuffer) {
    [this.ctrl, this.data] = views(sab);
  }

  /** Queues `bytes` (copied) for the guest; what fits in the ring goes at once. */
  write(bytes: Uint8Array): void {
    if (this.ending) throw new TypeError('stdin.write() after stdin.end()');
    if (bytes.byteLength === 0) return;
    this.queue.push(bytes.slice());
    this.pump();
  }

  /** End of input once every queued byte is read: the guest's next read returns 0. */
  end(): void {
    this.ending = true;
    this.pump();
  }

  /** Wakes a reader or sleeper for good: every later read returns 0 at once. */
  kill(): void {
    Atomics.or(this.ctrl, STATE, KILLED);
    Atomics.add(this.ctrl, HALT, 1);
    this.bump();
    Atomics.notify(this.ctrl, HALT);
  }

  /** Moves queued bytes into the ring as room allows; the reader's 'drain' message calls it again. */
  pump(): void {
    const c = this.ctrl;
    const cap = this.data.byteLength;
    let moved = false;
    while (this.queue.length > 0) {
      const head = Atomics.load(c, HEAD);
      const free = cap - ((head - Atomics.load(c, TAIL)) | 0);
      if (free === 0) break;
      const chunk = this.queue[0];
      const n = Math.min(free, chunk.byteLength);
      const at = (head >>> 0) % cap;
      const first = Math.min(n, cap - at);
      this.data.set(chunk.subarray(0, first), at);
      if (n > first) this.data.set(chunk.subarray(first, n), 0);
      Atomics.store(c, HEAD, (head + n) | 0);
      moved = true;
      if (n === chunk.byteLength) this.queue.shift();
      else this.queue[0] = chunk.subarray(n);
    }
    Atomics.store(c, WANT, this.queue.length > 0 ? 1 : 0);
    if (this.ending && this.queue.length === 0 && (Atomics.load(c, STATE) & EOF) === 0) {
      Atomics.or(c, STATE, EOF);
      moved = true;
    }
    if (moved) this.bump();
  }

  private bump(): void {
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
  }
}

/** The Worker's end: reads block in Atomics.wait until input, end of input or kill. */
export class StdinReader {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;

  /** `onRoom` is called after a read made room while the writer has bytes queued. */
  constructor(sab: SharedArrayBuffer, private readonly onRoom: () => void) {
    [this.ctrl, this.data] = views(sab);
  }

  /** Bytes a read returns at once: > 0 buffered, 0 at end of input (or killed), -1 if a read would wait. */
  available(): number {
    const c = this.ctrl;
    const used = (Atomics.load(c, HEAD) - Atomics.load(c, TAIL)) | 0;
    if (used > 0) return used;
    return Atomics.load(c, STATE) !== 0 ? 0 : -1;
  }

  /** Blocks until available() is not -1 or `timeoutMs` has passed (Infinity: no limit). */
  waitAvailable(timeoutMs: number): void {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const seq = Atomics.load(this.ctrl, SEQ);
      if (this.available() !== -1) return;
      const left = end - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.ctrl, SEQ, seq, left);
    }
  }

  /** Fills `into` from the ring, waiting for at least one byte; 0 at end of input. */
  read(into: Uint8Array): number {
    if (into.byteLength === 0) return 0;
    this.waitAvailable(Infinity);
    const c = this.ctrl;
    const cap = this.data.byteLength;
    const tail = Atomics.load(c, TAIL);
    const used = (Atomics.load(c, HEAD) - tail) | 0;
    const n = Math.min(used, into.byteLength);
    if (n <= 0) return 0;
    const at = (tail >>> 0) % cap;
    const first = Math.min(n, cap - at);
    into.set(this.data.subarray(at, at + first));
    if (n > first) into.set(this.data.subarray(0, n - first), first);
    Atomics.store(c, TAIL, (tail + n) | 0);
    if (Atomics.compareExchange(c, WANT, 1, 0) === 1) this.onRoom();
    return n;
  }

  /** Sleeps `ns` unless killed first (input does not cut a sleep short). */
  sleep(ns: number): void {
    const end = performance.now() + ns / 1e6;
    const halt = Atomics.load(this.ctrl, HALT);
    for (let left = ns / 1e6; left > 0; left = end - performance.now()) {
      if (Atomics.wait(this.ctrl, HALT, halt, left) === 'not-equal') return;
    }
  }

  get killed(): boolean {
    return (Atomics.load(this.ctrl, STATE) & KILLED) !== 0;
  }
}
