import { FileType } from './abi/constants.js';
import type { ReadableSource } from './stdio.js';

/**
 * Stdin a page fills while the guest runs, on the guest's own thread: for
 * JSPI mode (src/jspi.ts), where fd_read and poll_oneoff await ready() before
 * running. This thread can never block, so waitAvailable() returns at once
 * and a read with nothing typed is EAGAIN rather than a wait: without JSPI,
 * use the Worker runner (wasi-host/runner) instead.
 */
export class StdinQueue implements ReadableSource {
  readonly isTTY: boolean;
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private waiting: Promise<void> | undefined;

  constructor(options: { isTTY?: boolean } = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('StdinQueue: options must be an object such as { isTTY: true }');
    this.isTTY = options.isTTY === true;
  }

  get filetype(): FileType {
    return this.isTTY ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN;
  }

  /** Input for the guest (copied). */
  write(data: Uint8Array | string): void {
    if (this.ended) throw new TypeError('StdinQueue: write() after end()');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    if (bytes.byteLength === 0) return;
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
    this.notify();
  }

  /** End of input: once what was written is read, reads return 0. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  available(): number {
    return this.size > 0 ? this.size : this.ended ? 0 : -1;
  }

  waitAvailable(): void {
    // This thread cannot block: JSPI mode awaited ready() before the call.
  }

  /** Settles once available() is not -1; undefined when it already is not. */
  ready(): Promise<void> | undefined {
    if (this.available() !== -1) return undefined;
    this.waiting ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    return this.waiting;
  }

  read(into: Uint8Array): number {
    if (this.available() === -1) {
      throw Object.assign(new Error('StdinQueue: nothing typed yet, and this thread cannot wait (use JSPI mode or the Worker runner)'), { code: 'EAGAIN' });
    }
    let n = 0;
    while (n < into.byteLength && this.chunks.length > 0) {
      const c = this.chunks[0];
      const k = Math.min(c.byteLength, into.byteLength - n);
      into.set(c.subarray(0, k), n);
      n += k;
      if (k === c.byteLength) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return n;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.waiting = undefined;
    wake?.();
  }
}
