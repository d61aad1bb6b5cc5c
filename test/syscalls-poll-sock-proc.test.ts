// poll_oneoff, sock_*, proc_exit / proc_raise / sched_yield.
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/abi/errno.js';
import { WASIExit } from '../src/syscalls/context.js';
import { MemFS } from '../src/vfs/memfs.js';
import { makeHarness, type Harness } from './harness.js';

const PATH = 0x100;
const OUT = 0x800;
const SUBS = 0x1000; // 48 bytes each
const EVENTS = 0x3000; // 32 bytes each
const NEVENTS = 0x5000;

const PRE = 3;

type Sub =
  | { userdata: bigint; clock: { id: number; timeout: bigint; precision?: bigint; abstime?: boolean } }
  | { userdata: bigint; fd: number; write?: boolean }
  | { userdata: bigint; tag: number };

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
  raw: Uint8Array;
}

function putSubs(h: Harness, subs: Sub[]): void {
  const mem = new Uint8Array(h.memory.buffer);
  mem.fill(0x5a, SUBS, SUBS + 48 * subs.length); // garbage padding must be ignored
  const v = h.view();
  subs.forEach((s, i) => {
    const at = SUBS + 48 * i;
    v.setBigUint64(at, s.userdata, true);
    if ('clock' in s) {
      v.setUint8(at + 8, 0);
      v.setUint32(at + 16, s.clock.id, true);
      v.setBigUint64(at + 24, s.clock.timeout, true);
      v.setBigUint64(at + 32, s.clock.precision ?? 0n, true);
      v.setUint16(at + 40, s.clock.abstime ? 1 : 0, true);
    } else if ('fd' in s) {
      v.setUint8(at + 8, s.write ? 2 : 1);
      v.setUint32(at + 16, s.fd, true);
    } else {
      v.setUint8(at + 8, s.tag);
    }
  });
}

function poll(h: Harness, subs: Sub[]): { errno: number; events: Event[]; ms: number } {
  putSubs(h, subs);
  new Uint8Array(h.memory.buffer).fill(0xcc, EVENTS, EVENTS + 32 * (subs.length + 1));
  h.view().setUint32(NEVENTS, 0xdeadbeef, true);
  const t0 = performance.now();
  const errno = h.imp.poll_oneoff(SUBS, EVENTS, subs.length, NEVENTS);
  const ms = performance.now() - t0;
  const events: Event[] = [];
  if (errno === Errno.SUCCESS) {
    const n = h.u32(NEVENTS);
    expect(n).toBeLessThanOrEqual(subs.length);
    const v = h.view();
    for (let i = 0; i < n; i++) {
      const at = EVENTS + 32 * i;
      const raw = h.bytes(at, 32);
      // Padding is zero.
      expect(Array.from(raw.subarray(11, 16))).toEqual([0, 0, 0, 0, 0]);
      expect(Array.from(raw.subarray(26, 32))).toEqual([0, 0, 0, 0, 0, 0]);
      events.push({
        userdata: v.getBigUint64(at, true),
        error: v.getUint16(at + 8, true),
        type: v.getUint8(at + 10),
        nbytes: v.getBigUint64(at + 16, true),
        flags: v.getUint16(at + 24, true),
        raw,
      });
    }
    // Nothing written after the last event.
    expect(h.bytes(EVENTS + 32 * n, 32)).toEqual(new Uint8Array(32).fill(0xcc));
  }
  return { errno, events, ms };
}

function setup(): Harness {
  return makeHarness({ preopens: { '/sandbox': new MemFS({ 'a.txt': 'hello', 'dir/': null }) } });
}

function openFile(h: Harness, path: string): number {
  const len = h.putString(PATH, path);
  expect(h.imp.path_open(PRE, 1, PATH, len, 0, 0x3fffffffn, 0n, 0, OUT)).toBe(Errno.SUCCESS);
  return h.u32(OUT);
}

function nowNs(h: Harness, id: number): bigint {
  expect(h.imp.clock_time_get(id, 0n, OUT)).toBe(Errno.SUCCESS);
  return h.u64(OUT);
}

describe('poll_oneoff', () => {
  it('nsubscriptions 0 is INVAL and writes nothing', () => {
    const h = setup();
    h.view().setUint32(NEVENTS, 0xdeadbeef, true);
    expect(h.imp.poll_oneoff(SUBS, EVENTS, 0, NEVENTS)).toBe(Errno.INVAL);
    expect(h.u32(NEVENTS)).toBe(0xdeadbeef);
  });

  it('a 20 ms relative monotonic clock sleeps at least 20 ms and reports one clock event', () => {
    const h = setup();
    const t0 = nowNs(h, 1);
    const r = poll(h, [{ userdata: 0x1122334455667788n, clock: { id: 1, timeout: 20_000_000n } }]);
    const t1 = nowNs(h, 1);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.ms).toBeGreaterThanOrEqual(19.5);
    expect(t1 - t0).toBeGreaterThanOrEqual(20_000_000n);
    expect(r.ms).toBeLessThan(2000);
    expect(r.events).toHaveLength(1);
    const e = r.events[0];
    expect(e).toMatchObject({ userdata: 0x1122334455667788n, error: 0, type: 0, nbytes: 0n, flags: 0 });
    expect(Array.from(e.raw.subarray(0, 8))).toEqual([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  });

  it('a relative realtime clock also sleeps', () => {
    const h = setup();
    const r = poll(h, [{ userdata: 7n, clock: { id: 0, timeout: 15_000_000n } }]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.ms).toBeGreaterThanOrEqual(14.5);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ userdata: 7n, type: 0, error: 0 });
  });

  it('timeout 0 fires at once', () => {
    const h = setup();
    const r = poll(h, [{ userdata: 1n, clock: { id: 1, timeout: 0n } }]);
    expect(r.events).toHaveLength(1);
    expect(r.ms).toBeLessThan(50);
  });

  it('an absolute clock in the past fires at once; one in the future waits until then', () => {
    const h = setup();
    for (const id of [0, 1]) {
      const past = nowNs(h, id) - 1_000_000_000n;
      const r = poll(h, [{ userdata: 99n, clock: { id, timeout: past > 0n ? past : 0n, abstime: true } }]);
      expect(r.errno).toBe(Errno.SUCCESS);
      expect(r.ms).toBeLessThan(50);
      expect(r.events).toHaveLength(1);
      expect(r.events[0]).toMatchObject({ userdata: 99n, type: 0, error: 0 });
    }
    const deadline = nowNs(h, 1) + 20_000_000n;
    const r = poll(h, [{ userdata: 5n, clock: { id: 1, timeout: deadline, abstime: true } }]);
    expect(r.events).toHaveLength(1);
    expect(nowNs(h, 1)).toBeGreaterThanOrEqual(deadline);
  });

  it('with several clocks, only the earliest fires', () => {
    const h = setup();
    const r = poll(h, [
      { userdata: 1n, clock: { id: 1, timeout: 5_000_000_000n } },
      { userdata: 2n, clock: { id: 1, timeout: 10_000_000n } },
      { userdata: 3n, clock: { id: 1, timeout: 3_000_000_000n } },
    ]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.ms).toBeLessThan(2000);
    expect(r.events.map((e) => e.userdata)).toEqual([2n]);
  });

  it('an fd_read subscription on a file is ready at once and reports the bytes left', () => {
    const h = setup();
    const fd = openFile(h, 'a.txt');
    const r = poll(h, [{ userdata: 0xffffffffffffffffn, fd }]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ userdata: 0xffffffffffffffffn, error: 0, type: 1 });
    expect(r.events[0].nbytes).toBe(5n);
    expect(h.imp.fd_seek(fd, 2n, 0, OUT)).toBe(Errno.SUCCESS);
    expect(poll(h, [{ userdata: 1n, fd }]).events[0].nbytes).toBe(3n);
  });

  it('fd_write on stdout and a file is ready; a long clock alongside does not delay it', () => {
    const h = setup();
    const fd = openFile(h, 'a.txt');
    const r = poll(h, [
      { userdata: 10n, clock: { id: 1, timeout: 10_000_000_000n } },
      { userdata: 11n, fd: 1, write: true },
      { userdata: 12n, fd, write: true },
    ]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.ms).toBeLessThan(1000);
    expect(r.events.map((e) => [e.userdata, e.type, e.error])).toEqual([[11n, 2, 0], [12n, 2, 0]]);
  });

  it('a bad fd gives an event with error BADF, and the call itself succeeds', () => {
    const h = setup();
    const r = poll(h, [{ userdata: 0xabcdefn, fd: 77 }, { userdata: 0x123n, fd: 78, write: true }]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.events).toHaveLength(2);
    expect(r.events[0]).toMatchObject({ userdata: 0xabcdefn, error: Errno.BADF, type: 1, nbytes: 0n });
    expect(r.events[1]).toMatchObject({ userdata: 0x123n, error: Errno.BADF, type: 2, nbytes: 0n });
    // The errno is a u16 at offset 8.
    expect(Array.from(r.events[0].raw.subarray(8, 10))).toEqual([Errno.BADF, 0]);
  });

  it('a directory fd subscription reports an error in the event, not in the return value', () => {
    const h = setup();
    const r = poll(h, [{ userdata: 1n, fd: PRE }]);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].error).not.toBe(Errno.SUCCESS);
  });

  it('an unknown clock id or event tag is rejected (INVAL) without sleeping', () => {
    const h = setup();
    for (const sub of [{ userdata: 4n, clock: { id: 4, timeout: 1_000_000_000n } }, { userdata: 4n, tag: 3 }] as Sub[]) {
      const r = poll(h, [sub]);
      expect(r.ms).toBeLessThan(500);
      if (r.errno === Errno.SUCCESS) {
        expect(r.events).toHaveLength(1);
        expect(r.events[0]).toMatchObject({ userdata: 4n, error: Errno.INVAL });
      } else {
        expect(r.errno).toBe(Errno.INVAL);
      }
    }
  });

  it('out-of-range pointers are FAULT and nothing is written', () => {
    const h = setup();
    const end = h.memory.buffer.byteLength;
    putSubs(h, [{ userdata: 1n, clock: { id: 1, timeout: 0n } }]);
    new Uint8Array(h.memory.buffer).fill(0xcc, 0x6000);
    const before = new Uint8Array(h.memory.buffer).slice();
    expect(h.imp.poll_oneoff(end - 47, 0x6000, 1, 0x7000)).toBe(Errno.FAULT);
    expect(h.imp.poll_oneoff(SUBS, end - 31, 1, 0x7000)).toBe(Errno.FAULT);
    expect(h.imp.poll_oneoff(SUBS, 0x6000, 1, end - 3)).toBe(Errno.FAULT);
    expect(h.imp.poll_oneoff(SUBS, 0x6000, 0xffffffff, 0x7000)).toBe(Errno.FAULT);
    expect(h.imp.poll_oneoff(0xfffffff0, 0x6000, 1, 0x7000)).toBe(Errno.FAULT);
    const after = new Uint8Array(h.memory.buffer);
    expect(before.findIndex((b, i) => after[i] !== b)).toBe(-1);
  });
});

describe('sock_*', () => {
  it('BADF for an fd that is not open', () => {
    const h = setup();
    for (const fd of [42, 1000, -1]) {
      expect(h.imp.sock_accept(fd, 0, OUT)).toBe(Errno.BADF);
      expect(h.imp.sock_recv(fd, 0x100, 1, 0, OUT, OUT + 4)).toBe(Errno.BADF);
      expect(h.imp.sock_send(fd, 0x100, 1, 0, OUT)).toBe(Errno.BADF);
      expect(h.imp.sock_shutdown(fd, 3)).toBe(Errno.BADF);
    }
  });

  it('NOTSOCK for stdio, preopens and files, leaving out-pointers alone', () => {
    const h = setup();
    const file = openFile(h, 'a.txt');
    for (const fd of [0, 1, 2, PRE, file]) {
      h.view().setBigUint64(OUT, 0x0102030405060708n, true);
      expect(h.imp.sock_accept(fd, 0, OUT)).toBe(Errno.NOTSOCK);
      expect(h.imp.sock_recv(fd, 0x100, 1, 0, OUT, OUT + 4)).toBe(Errno.NOTSOCK);
      expect(h.imp.sock_send(fd, 0x100, 1, 0, OUT)).toBe(Errno.NOTSOCK);
      expect(h.imp.sock_shutdown(fd, 1)).toBe(Errno.NOTSOCK);
      expect(h.u64(OUT)).toBe(0x0102030405060708n);
    }
  });
});

describe('proc_exit / proc_raise / sched_yield', () => {
  it('proc_exit throws WASIExit carrying the code', () => {
    for (const code of [0, 1, 42, 255]) {
      const h = setup();
      let caught: unknown;
      try {
        h.imp.proc_exit(code);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WASIExit);
      expect((caught as WASIExit).code).toBe(code);
    }
  });

  it('proc_exit passes the code as a u32', () => {
    const h = setup();
    expect(() => h.imp.proc_exit(-1)).toThrow(WASIExit);
    try {
      h.imp.proc_exit(-1);
    } catch (e) {
      expect((e as WASIExit).code).toBe(0xffffffff);
    }
  });

  it('proc_exit unwinds through a traced host too', () => {
    const seen: string[] = [];
    const h = makeHarness({ trace: (t) => seen.push(t.name) });
    expect(() => h.imp.proc_exit(3)).toThrow(WASIExit);
    expect(seen).toContain('proc_exit');
    // Other calls under tracing still return errnos.
    expect(h.imp.fd_close(99)).toBe(Errno.BADF);
  });

  it('sched_yield succeeds', () => {
    const h = setup();
    expect(h.imp.sched_yield()).toBe(Errno.SUCCESS);
  });

  it('proc_raise is NOTSUP (signals are not supported; wasmtime says so too) and INVAL for unknown signals', () => {
    const h = setup();
    for (let sig = 0; sig <= 30; sig++) expect(h.imp.proc_raise(sig)).toBe(Errno.NOTSUP);
    for (const sig of [31, 255, -1]) expect(h.imp.proc_raise(sig)).toBe(Errno.INVAL);
  });
});
