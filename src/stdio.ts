import { FileType } from './abi/constants.js';
import type { HostStream, Platform } from './platform/types.js';

/** Something with a write method, such as a Node Writable. */
export interface WritableLike {
  write(chunk: Uint8Array): unknown;
  /** True when the output is a terminal (Node's tty streams say so): the guest's isatty() is then true. */
  readonly isTTY?: boolean;
}

/**
 * A pull source for stdin: fill `into`, return the count, 0 at end of input.
 * A source that can wait for input says so with available() and
 * waitAvailable(), as HostStream does (src/platform/types.ts): then
 * poll_oneoff waits on it and a non-blocking read gets EAGAIN.
 */
export interface ReadableSource {
  read(into: Uint8Array): number;
  available?(): number;
  waitAvailable?(timeoutMs: number): void;
  /** For JSPI mode: settles once available() is not -1 (src/stdin-queue.ts). */
  ready?(): Promise<void> | undefined;
  /** True when the input is a terminal: the guest's isatty() is then true. */
  readonly isTTY?: boolean;
}

/** A terminal is a character device (abi-cheatsheet rule 7: that is what makes isatty() true). */
function filetypeOf(x: { readonly isTTY?: boolean }): FileType {
  return x.isTTY === true ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN;
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
  constructor(private readonly deliver: (chunk: Uint8Array) => unknown, readonly filetype: FileType = FileType.UNKNOWN) {}
  write(data: Uint8Array): number {
    // Read the length first: a callback that grows memory detaches `data`'s buffer (length 0 after).
    const n = data.byteLength;
    this.deliver(data.slice());
    return n;
  }
}

/**
 * Text for a line-oriented printer such as console.log, which adds its own
 * newline: each complete line is printed once, so a line the guest wrote in
 * pieces (or that a libc buffer split) is never split in the console. UTF-8
 * is decoded across writes; what follows the last newline waits for flush().
 */
export class LineSink implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  private readonly decoder = new TextDecoder();
  private pending = '';
  constructor(private readonly print: (line: string) => void) {}
  write(data: Uint8Array): number {
    const n = data.byteLength;
    const text = this.pending + this.decoder.decode(data, { stream: true });
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      this.pending = text;
      return n;
    }
    this.pending = text.slice(end + 1);
    for (const line of text.slice(0, end).split('\n')) this.print(line);
    return n;
  }
  flush(): void {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest !== '') this.print(rest);
  }
}

class DiscardSink implements HostStream {
  readonly filetype = FileType.UNKNOWN;
  write(data: Uint8Array): number {
    return data.byteLength;
  }
}

export class BytesSource implements HostStream {
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
  readonly filetype: FileType;
  readonly available?: () => number;
  readonly waitAvailable?: (timeoutMs: number) => void;
  readonly ready?: () => Promise<void> | undefined;
  constructor(private readonly source: ReadableSource) {
    this.filetype = filetypeOf(source);
    // Both or neither: a source that can say "would block" must also be able to wait.
    if (typeof source.available === 'function' && typeof source.waitAvailable === 'function') {
      this.available = () => source.available!();
      this.waitAvailable = (ms) => source.waitAvailable!(ms);
      if (typeof source.ready === 'function') this.ready = () => source.ready!();
    } else if (typeof source.available === 'function' || typeof source.waitAvailable === 'function') {
      throw new TypeError('stdin: a source with available() must also have waitAvailable(timeoutMs), and the other way round');
    }
  }
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
  // The `print` option's (src/fs-option.ts): used as it is, so that its last line is flushed at the end.
  if (option instanceof LineSink) return option;
  if (typeof option === 'object' && option !== null && typeof option.write === 'function') {
    return new CallbackSink((chunk) => option.write(chunk), filetypeOf(option));
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
  if (typeof option === 'object' && option !== null) {
    // A Node stream also has read(), but returns chunks, not a count: taken
    // for a ReadableSource the guest would see end of input at once.
    const fd = (option as { fd?: unknown }).fd;
    if (isStream(option) && typeof fd === 'number' && Number.isInteger(fd) && fd >= 0) return platform.fdStream(fd, 'read');
    if (isStream(option)) {
      throw new TypeError(
        'stdin: a stream delivers data asynchronously and a WASI read is synchronous, so the guest would see end of input; ' +
          'pass its contents instead (a Node stream: Buffer.concat(await stream.toArray()); a web stream: new Uint8Array(await new Response(stream).arrayBuffer())) or a host fd number (stdin: 0)',
      );
    }
    if (typeof option.read === 'function') return new PullSource(option);
  }
  throw new TypeError('stdin must be a file descriptor number, a string, a Uint8Array or an object with read(into): number');
}

/** A Node Readable (pipe/on) or a web ReadableStream (getReader). */
function isStream(x: object): boolean {
  const o = x as { pipe?: unknown; on?: unknown; getReader?: unknown };
  return (typeof o.pipe === 'function' && typeof o.on === 'function') || typeof o.getReader === 'function';
}
