// Interactive stdin in the sync host (issue 13): a stdin source that can say
// "a read would wait" (available() / waitAvailable(), as the Worker runner's
// is) makes poll_oneoff wait on it together with clocks, and a non-blocking
// read answer EAGAIN; isTTY sources and sinks are character devices.
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import type { ReadableSource } from '../src/stdio.js';
import { makeHarness, type Harness } from './harness.js';

const SUBS = 0x1000;
const EVENTS = 0x3000;
const NEVENTS = 0x5000;
const BUF = 0x6000;
const IOV = 0x7000;
const NREAD = 0x7100;
const FDSTAT = 0x7200;

/**
 * Input a test hands out by hand. `onWait` runs inside waitAvailable, standing
 * for input that arrives while the guest waits (or not).
 */
class Scripted implements ReadableSource {
  buffered: number[] = [];
  ended = false;
  waits: number[] = [];
  onWait: () => void = () => {};
  isTTY?: boolean;
  available(): number {
    if (this.buffered.length > 0) return this.buffered.length;
    return this.ended ? 0 : -1;
  }
  waitAvailable(timeoutMs: number): void {
    this.waits.push(timeoutMs);
    this.onWait();
  }
  read(into: Uint8Array): number {
    if (this.available() === -1) this.waitAvailable(Infinity);
    const n = Math.min(into.byteLength, this.buffered.length);
    into.set(this.buffered.splice(0, n));
    return n;
  }
  type(s: string): void {
    this.buffered.push(...new TextEncoder().encode(s));
  }
}

interface Ev { userdata: bigint; error: number; type: number; nbytes: bigint }

/** poll_oneoff over `subs`: [userdata, 'read'|'write', fd] or [userdata, 'clock', timeoutNs]. */
function poll(h: Harness, subs: [bigint, 'read' | 'write' | 'clock', number][]): Ev[] {
  const v = h.view();
  subs.forEach(([ud, kind, x], i) => {
    const at = SUBS + 48 * i;
    new Uint8Array(h.memory.buffer).fill(0, at, at + 48);
    v.setBigUint64(at, ud, true);
    if (kind === 'clock') {
      v.setUint8(at + 8, 0);
      v.setUint32(at + 16, 1, true); // monotonic
      v.setBigUint64(at + 24, BigInt(x), true);
    } else {
      v.setUint8(at + 8, kind === 'read' ? 1 : 2);
      v.setUint32(at + 16, x, true);
    }
  });
  expect(h.imp.poll_oneoff(SUBS, EVENTS, subs.length, NEVENTS)).toBe(Errno.SUCCESS);
  const out: Ev[] = [];
  for (let i = 0; i < h.u32(NEVENTS); i++) {
    const at = EVENTS + 32 * i;
    out.push({ userdata: v.getBigUint64(at, true), error: v.getUint16(at + 8, true), type: v.getUint8(at + 10), nbytes: v.getBigUint64(at + 16, true) });
  }
  return out;
}

function read0(h: Harness): { errno: number; text: string } {
  h.putIovecs(IOV, [[BUF, 64]]);
  const errno = h.imp.fd_read(0, IOV, 1, NREAD);
  return { errno, text: errno === Errno.SUCCESS ? new TextDecoder().decode(h.bytes(BUF, h.u32(NREAD))) : '' };
}

describe('poll_oneoff on a stdin that can wait', () => {
  it('FD_READ with nothing typed waits with the clock and reports only the clock when nothing comes', () => {
    const src = new Scripted();
    const h = makeHarness({ stdin: src });
    const events = poll(h, [[1n, 'read', 0], [2n, 'clock', 30_000_000]]);
    expect(events).toEqual([{ userdata: 2n, error: 0, type: 0, nbytes: 0n }]);
    expect(src.waits).toEqual([30]);
  });

  it('FD_READ wakes when input arrives during the wait, with the bytes buffered as nbytes', () => {
    const src = new Scripted();
    src.onWait = () => src.type('hi\n');
    const h = makeHarness({ stdin: src });
    const events = poll(h, [[2n, 'clock', 5_000_000_000], [1n, 'read', 0]]);
    expect(events).toEqual([{ userdata: 1n, error: 0, type: 1, nbytes: 3n }]);
    expect(read0(h)).toEqual({ errno: Errno.SUCCESS, text: 'hi\n' });
  });

  it('FD_READ alone waits without a limit', () => {
    const src = new Scripted();
    src.onWait = () => src.type('x');
    const h = makeHarness({ stdin: src });
    expect(poll(h, [[7n, 'read', 0]])).toEqual([{ userdata: 7n, error: 0, type: 1, nbytes: 1n }]);
    expect(src.waits).toEqual([Infinity]);
  });

  it('buffered input and end of input are ready at once; FD_WRITE on stdout is ready', () => {
    const src = new Scripted();
    src.type('abc');
    const h = makeHarness({ stdin: src });
    expect(poll(h, [[1n, 'read', 0], [2n, 'write', 1], [3n, 'clock', 1_000_000_000]])).toEqual([
      { userdata: 1n, error: 0, type: 1, nbytes: 3n },
      { userdata: 2n, error: 0, type: 2, nbytes: 0n },
    ]);
    src.buffered = [];
    src.ended = true;
    expect(poll(h, [[1n, 'read', 0], [3n, 'clock', 1_000_000_000]])).toEqual([{ userdata: 1n, error: 0, type: 1, nbytes: 0n }]);
    expect(src.waits).toEqual([]);
  });

  it('an expired clock does not wait for input', () => {
    const src = new Scripted();
    const h = makeHarness({ stdin: src });
    expect(poll(h, [[1n, 'read', 0], [2n, 'clock', 0]])).toEqual([{ userdata: 2n, error: 0, type: 0, nbytes: 0n }]);
    expect(src.waits).toEqual([]);
  });
});

describe('O_NONBLOCK on stdin', () => {
  it('a read with nothing buffered is EAGAIN, then reads what was typed, then 0 at end of input', () => {
    const src = new Scripted();
    const h = makeHarness({ stdin: src });
    expect(h.imp.fd_fdstat_set_flags(0, 4)).toBe(Errno.SUCCESS);
    expect(read0(h).errno).toBe(Errno.AGAIN);
    expect(src.waits).toEqual([]);
    src.type('ok');
    expect(read0(h)).toEqual({ errno: Errno.SUCCESS, text: 'ok' });
    src.ended = true;
    expect(read0(h)).toEqual({ errno: Errno.SUCCESS, text: '' });
  });

  it('without O_NONBLOCK the same read waits for input', () => {
    const src = new Scripted();
    src.onWait = () => src.type('late');
    const h = makeHarness({ stdin: src });
    expect(read0(h)).toEqual({ errno: Errno.SUCCESS, text: 'late' });
    expect(src.waits).toEqual([Infinity]);
  });
});

describe('stdio options', () => {
  it('a source with available() but no waitAvailable() is refused, naming the fix', () => {
    expect(() => makeHarness({ stdin: { read: () => 0, available: () => -1 } })).toThrow(/waitAvailable/);
  });

  it('isTTY sources and writables are character devices (isatty), others are not', () => {
    const src = new Scripted();
    src.isTTY = true;
    const h = makeHarness({ stdin: src, stdout: { write: () => {}, isTTY: true }, stderr: { write: () => {} } });
    const filetype = (fd: number): number => {
      expect(h.imp.fd_fdstat_get(fd, FDSTAT)).toBe(Errno.SUCCESS);
      return h.view().getUint8(FDSTAT);
    };
    expect([filetype(0), filetype(1), filetype(2)]).toEqual([2, 2, 0]);
  });
});
