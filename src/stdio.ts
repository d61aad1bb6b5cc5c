import { FileType } from './abi/constants.js';
import type { HostStream, Platform } from './platform/types.js';

/** Something with a write method, such as a Node Writable. */
export interface WritableLike {
  write(chunk: Uint8Array): unknown;
}

/** A pull source for stdin: fill `into`, return the count, 0 at end of input. */
export interface ReadableSource {
  read(into: Uint8Array): number;
}

export type StdoutOption = number | 'collect' | 'ignore' | ((chunk: Uint8Array) => void) | WritableLike;
export type StdinOption = number | string | Uint8Array | ReadableSource;

/**
 * Output kept in memory for the embedder to read after the run. Grows by
 * doubling so a program writing many small chunks costs amortised O(1) a byte.
 */
export class Collector implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  private buf = new Uint8Array(256);
  private length = 0;

  write(data: Uint8Array): number {
    const need = this.length + data.byteLength;
    if (need > this.buf.byteLength) {
      let cap = this.buf.byteLength * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(data, this.length);
    this.length = need;
    return data.byteLength;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Hands each write to a callback or writable as a copy: guest memory may change or grow after the call. */
class CallbackSink implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  constructor(private readonly deliver: (chunk: Uint8Array) => unknown) {}
  write(data: Uint8Array): number {
    // Read the length first: a callback that grows memory detaches `data`'s buffer (length 0 after).
    const n = data.byteLength;
    this.deliver(data.slice());
    return n;
  }
}

class DiscardSink implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  write(data: Uint8Array): number {
    return data.byteLength;
  }
}

class BytesSource implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}
  read(into: Uint8Array): number {
    const n = Math.min(into.byteLength, this.data.byteLength - this.offset);
    into.set(this.data.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }
}

class PullSource implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  constructor(private readonly source: ReadableSource) {}
  read(into: Uint8Array): number {
    return this.source.read(into);
  }
}

export function outputStream(option: StdoutOption, name: 'stdout' | 'stderr', platform: Platform): HostStream {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw new RangeError(`${name} must be a non-negative file descriptor number`);
    return platform.fdStream(option, 'write');
  }
  if (option === 'collect') return new Collector();
  if (option === 'ignore') return new DiscardSink();
  if (typeof option === 'function') return new CallbackSink(option);
  if (typeof option === 'object' && option !== null && typeof option.write === 'function') {
    return new CallbackSink((chunk) => option.write(chunk));
  }
  throw new TypeError(`${name} must be a file descriptor number, 'collect', 'ignore', a function or an object with write()`);
}

export function inputStream(option: StdinOption, platform: Platform): HostStream {
  if (typeof option === 'number') {
    if (!Number.isInteger(option) || option < 0) throw new RangeError('stdin must be a non-negative file descriptor number');
    return platform.fdStream(option, 'read');
  }
  if (typeof option === 'string') return new BytesSource(new TextEncoder().encode(option));
  if (option instanceof Uint8Array) return new BytesSource(option.slice());
  if (typeof option === 'object' && option !== null && typeof option.read === 'function') return new PullSource(option);
  throw new TypeError('stdin must be a file descriptor number, a string, a Uint8Array or an object with read()');
}
