// The thread channel issue 12 asks for, reduced to what a round trip costs:
// a thread forwards one syscall (its number and i32 arguments; guest memory is
// shared, so pointers travel, not bytes) to the context's owner through a
// SharedArrayBuffer, and blocks in Atomics.wait until the owner has run the
// plain syscall function and stored the errno. Plain ESM without Node
// built-ins: bench/seam/channel-node.mjs and bench/seam/browser-page.mjs both use it.
import * as S from './shapes.mjs';

const STATE = 0;
const CALL = 1;
const ARG0 = 2;
const RESULT = 8;
const REQUEST = 1;
const DONE = 2;

const CALL_STOP = 0;
const CALL_FD_WRITE = 1;

/** A fresh control block: 16 i32 cells, idle (DONE). */
export function makeControl() {
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  ctl[STATE] = DONE;
  return ctl;
}

/** A shared guest memory with bench/seam/shapes.mjs's iovec laid out. */
export function makeSharedMemory() {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  S.layoutGuest(memory);
  return memory;
}

// ---------------------------------------------------------------- the calling thread

/**
 * Publishes a request and blocks until the owner answers; `announce` (postMessage) is optional.
 * `spins` > 0 polls that many times before sleeping, sparing the sleep and wake-up when the answer is quick.
 */
function roundTrip(ctl, call, a, b, c, d, announce, spins = 0) {
  ctl[CALL] = call;
  ctl[ARG0] = a;
  ctl[ARG0 + 1] = b;
  ctl[ARG0 + 2] = c;
  ctl[ARG0 + 3] = d;
  Atomics.store(ctl, STATE, REQUEST);
  if (announce === undefined) Atomics.notify(ctl, STATE);
  else announce();
  for (let i = 0; i < spins && Atomics.load(ctl, STATE) === REQUEST; i++);
  while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
  return ctl[RESULT];
}

/**
 * Times `n` forwarded fd_write calls one by one (µs each), after a warm-up.
 * `announce`, if given, tells the owner by postMessage instead of a notify.
 */
export function forwardedSamples(ctl, n, announce, spins = 0) {
  const call = (a, b, c, d) => roundTrip(ctl, CALL_FD_WRITE, a, b, c, d, announce, spins);
  return timeCalls(call, n);
}

/** The same timing loop around a direct call in this thread, for comparison. */
export function directSamples(memory, n, monotonicNs) {
  const ctx = S.makeContext(memory, monotonicNs);
  return timeCalls(S.bindPlain(ctx, S.fd_write, 4), n);
}

function timeCalls(call, n) {
  for (let i = 0; i < 2000; i++) {
    if (call(1, S.IOV, 1, S.OUT) !== 0) throw new Error('forwarded fd_write failed');
  }
  const samples = new Float64Array(n);
  const t00 = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const errno = call(1, S.IOV, 1, S.OUT);
    samples[i] = (performance.now() - t0) * 1000;
    if (errno !== 0) throw new Error(`forwarded fd_write: errno ${errno}`);
  }
  return { samples, meanUs: ((performance.now() - t00) * 1000) / n };
}

/** Tells the owner to stop serving. */
export function stop(ctl, announce) {
  roundTrip(ctl, CALL_STOP, 0, 0, 0, 0, announce);
}

// ---------------------------------------------------------------- the owner

/** The owner's side of one request: reads the arguments once, runs the plain syscall, answers. */
function serveOne(ctl, ctx, call) {
  if (call === CALL_FD_WRITE) {
    const a = ctl[ARG0];
    const b = ctl[ARG0 + 1];
    const c = ctl[ARG0 + 2];
    const d = ctl[ARG0 + 3];
    try {
      ctl[RESULT] = S.fd_write(ctx, a, b, c, d);
    } catch (e) {
      ctl[RESULT] = e instanceof S.WasiError ? e.errno : S.Errno.IO;
    }
  }
  Atomics.store(ctl, STATE, DONE);
  Atomics.notify(ctl, STATE);
}

/** A context over the shared memory, as the owner holds it. */
export function ownerContext(memory, monotonicNs) {
  return S.makeContext(memory, monotonicNs);
}

/**
 * Serves until stopped without blocking the owner's thread: Atomics.waitAsync
 * resolves when a request is published, and the event loop stays free between calls.
 */
export async function serveAsync(ctl, ctx) {
  for (;;) {
    if (Atomics.load(ctl, STATE) !== REQUEST) {
      const w = Atomics.waitAsync(ctl, STATE, DONE);
      if (w.async) await w.value;
      continue;
    }
    const call = ctl[CALL];
    serveOne(ctl, ctx, call);
    if (call === CALL_STOP) return;
  }
}

/** Serves until stopped, blocking in Atomics.wait: a dedicated owner (not allowed on a page's main thread). */
export function serveBlocking(ctl, ctx) {
  for (;;) {
    while (Atomics.load(ctl, STATE) !== REQUEST) Atomics.wait(ctl, STATE, DONE);
    const call = ctl[CALL];
    serveOne(ctl, ctx, call);
    if (call === CALL_STOP) return;
  }
}

/** For a message-announced request: serve it if one is pending. Returns true on stop. */
export function serveAnnounced(ctl, ctx) {
  if (Atomics.load(ctl, STATE) !== REQUEST) return false;
  const call = ctl[CALL];
  serveOne(ctl, ctx, call);
  return call === CALL_STOP;
}

/** The owner's sink, to check the bytes arrived. */
export function sinkTotal(ctx) {
  return ctx.sink.total;
}
