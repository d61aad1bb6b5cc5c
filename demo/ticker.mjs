// A tiny WASI command that never ends on its own, for the demo's Stop button:
// it prints "tick N" every `intervalMs` (N counting up), sleeping in between
// with poll_oneoff on the monotonic clock. Encoded here byte by byte, so it
// needs no toolchain. In the text format it is:
//
//   (module
//     (import "wasi_snapshot_preview1" "fd_write"    (func $fd_write    (param i32 i32 i32 i32) (result i32)))
//     (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
//     (memory (export "memory") 1)
//     (data (i32.const 16) "tick 0000000\n")                ;; the line; digits 21..27
//     (data (i32.const 64) <a clock subscription: MONOTONIC, relative, intervalMs>)
//     (func (export "_start") (local $n i32) (local $i i32) (local $v i32)
//       (i32.store (i32.const 0) (i32.const 16))              ;; iovec: buf
//       (i32.store (i32.const 4) (i32.const 13))              ;;        len
//       (loop $forever
//         ;; write n in decimal into bytes 21..27, right-aligned
//         (local.set $i (i32.const 27)) (local.set $v (local.get $n))
//         (loop $digit
//           (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
//           (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
//           (local.set $i (i32.sub (local.get $i) (i32.const 1)))
//           (br_if $digit (i32.ge_u (local.get $i) (i32.const 21))))
//         (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
//         (drop (call $poll_oneoff (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 160)))
//         (local.set $n (i32.add (local.get $n) (i32.const 1)))
//         (br $forever))))

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n) => {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const str = (s) => [...uleb(s.length), ...new TextEncoder().encode(s)];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const i32 = (n) => [0x41, ...sleb(n)];
const get = (l) => [0x20, l];
const set = (l) => [0x21, l];
const store = [0x36, 0x02, 0x00];
const store8 = [0x3a, 0x00, 0x00];

/** The ticker's bytes. */
export function tickerWasm(intervalMs = 100) {
  const N = 0, I = 1, V = 2;
  const body = [
    ...vec([[3, I32]]), // three i32 locals
    ...i32(0), ...i32(16), ...store,
    ...i32(4), ...i32(13), ...store,
    0x03, 0x40, // loop $forever
    ...i32(27), ...set(I), ...get(N), ...set(V),
    0x03, 0x40, // loop $digit
    ...get(I), ...i32(48), ...get(V), ...i32(10), 0x70 /* rem_u */, 0x6a /* add */, ...store8,
    ...get(V), ...i32(10), 0x6e /* div_u */, ...set(V),
    ...get(I), ...i32(1), 0x6b /* sub */, ...set(I),
    ...get(I), ...i32(21), 0x4f /* ge_u */, 0x0d, 0x00, // br_if $digit
    0x0b, // end $digit
    ...i32(1), ...i32(0), ...i32(1), ...i32(8), 0x10, 0x00, 0x1a, // fd_write, drop
    ...i32(64), ...i32(128), ...i32(1), ...i32(160), 0x10, 0x01, 0x1a, // poll_oneoff, drop
    ...get(N), ...i32(1), 0x6a, ...set(N),
    0x0c, 0x00, // br $forever
    0x0b, // end $forever
    0x0b, // end func
  ];
  const sub = new Uint8Array(48);
  const dv = new DataView(sub.buffer);
  dv.setUint8(8, 0); // tag: clock
  dv.setUint32(16, 1, true); // MONOTONIC
  dv.setBigUint64(24, BigInt(intervalMs) * 1_000_000n, true); // relative timeout
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([I32, I32, I32, I32].map((t) => [t])), ...vec([[I32]])], [0x60, 0x00, 0x00]])),
    ...section(2, vec([
      [...str('wasi_snapshot_preview1'), ...str('fd_write'), 0x00, 0x00],
      [...str('wasi_snapshot_preview1'), ...str('poll_oneoff'), 0x00, 0x00],
    ])),
    ...section(3, vec([[1]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec([[...str('memory'), 0x02, 0], [...str('_start'), 0x00, 2]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
    ...section(11, vec([
      [0x00, ...i32(16), 0x0b, ...str('tick 0000000\n')],
      [0x00, ...i32(64), 0x0b, ...vec([...sub].map((b) => [b]))],
    ])),
  ]);
}
