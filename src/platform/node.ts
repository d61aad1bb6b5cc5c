import * as fs from 'node:fs';
import { FileType } from '../abi/constants.js';
import type { HostStream, Platform } from './types.js';
import { lateBuiltin } from './late-builtin.js';
import { hostDirectoryProblem, NodeFS } from '../vfs/node.js';

// This module's state is made at first use, not at `import 'wasi-host'`, where a fresh
// process paid ~0.1 ms for the first hrtime() and the SharedArrayBuffer (BENCHMARKS.md,
// "Issue 14, part 8"); most runs never sleep, and Node's guest clock is hrtime.bigint().
let sleeper: Int32Array | undefined;
// process.hrtime() is the cheapest monotonic reader in Node 20 (~48 ns against
// ~60 for performance.now() or hrtime.bigint()); counted from this base, the
// nanoseconds stay exact in a double for 104 days of process life. On Node it
// only measures intervals (Platform.monotonicNs), so its origin is the first read.
let baseSec: number | undefined;
let baseNsec = 0;
function monotonicNs(): number {
  const t = process.hrtime();
  if (baseSec === undefined) [baseSec, baseNsec] = t;
  return (t[0] - baseSec) * 1e9 + (t[1] - baseNsec);
}
// What the guest reads as its monotonic clock (clock_time_get, poll_oneoff deadlines): the
// process's CLOCK_MONOTONIC as it is, as node:wasi gives it, so every thread of a guest reads
// one clock. From wasm, hrtime.bigint() stored with setBigUint64 is the cheapest reader
// measured (bench/probe.mjs, clock_floor); hrtime()'s array split into two u32 stores costs more.
const hrtimeBig = process.hrtime.bigint;
// The global `performance` loads Node's perf_hooks (~1.3 ms of a fresh process) at first touch:
// only a realtime read touches it.
let originUs: bigint | undefined;

function pause(ms: number): void {
  Atomics.wait((sleeper ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms);
}

/**
 * A host fd used as a stream, in one direction: stdin only reads and stdout
 * only writes, so the wrong direction is EBADF (wasmtime's answer, and what
 * the guest gets from the other kinds of stdio) whatever the host fd allows.
 * It is never closed by the guest. Node may have made a pipe or TTY
 * non-blocking (process.stdout does), so EAGAIN waits a moment and retries
 * rather than losing output.
 */
abstract class FdStream implements HostStream {
  constructor(protected readonly fd: number) {}
  /**
   * Asked each time (most programs ask once, at startup, through libc's isatty): the process may
   * have pointed the fd elsewhere since (dup2), and one ioctl is all the answer costs. Keeping no
   * answer is also what lets every host share the default stdio's streams (defaultStdio).
   */
  get filetype(): FileType {
    // A terminal is a character device without seek rights, so libc's isatty() is true (spec/abi-cheatsheet.md rule 7).
    return (isatty ??= lateBuiltin('node:tty').isatty)(this.fd) ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN;
  }
}

class FdReader extends FdStream {
  read(into: Uint8Array): number {
    for (;;) {
      try {
        return fs.readSync(this.fd, into, 0, into.byteLength, null);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EAGAIN') pause(1);
        else if (code === 'EOF') return 0;
        else throw err;
      }
    }
  }
}

class FdWriter extends FdStream {
  write(data: Uint8Array): number {
    return this.writeRange(data, 0, data.byteLength);
  }

  writeRange(source: Uint8Array, offset: number, length: number): number {
    let done = 0;
    while (done < length) {
      try {
        done += fs.writeSync(this.fd, source, offset + done, length - done);
      } catch (err) {
        if ((err as { code?: string }).code !== 'EAGAIN') throw err;
        pause(1);
      }
    }
    return done;
  }
}

let randomFillSync: typeof import('node:crypto').randomFillSync | undefined;
const RANDOM_STEP = 2 ** 30;
let isatty: typeof import('node:tty').isatty | undefined;
/**
 * The process's fds 0-2 as streams, one each for every host that takes the default stdio: an
 * FdStream holds nothing but its fd (BENCHMARKS.md, issue 14 part 8).
 */
const defaultStreams: FdStream[] = [];
const fdStream = (fd: number, mode: 'read' | 'write'): FdStream => (mode === 'read' ? new FdReader(fd) : new FdWriter(fd));

export const nodePlatform: Platform = {
  name: 'node',
  monotonicNs,
  monotonicBigNs: hrtimeBig,
  realtimeNs: () => (originUs ??= BigInt(Math.round(performance.timeOrigin * 1000))) * 1000n + BigInt(Math.floor(performance.now() * 1e6)),
  cputimeNs: () => {
    const u = process.cpuUsage();
    return BigInt(u.user + u.system) * 1000n;
  },
  clockResolutionNs: 1000n,
  // Node's own call: a tenth faster than its getRandomValues, which checks and wraps more.
  // In steps of 1 GiB: a wasm32 memory holds up to 4 GiB, and Node's random fill has refused, or
  // crashed on, more than 2^31 - 1 bytes a call in some versions (nodejs/node#35135).
  randomFill: (into) => {
    const fill = (randomFillSync ??= lateBuiltin('node:crypto').randomFillSync);
    for (let at = 0; at < into.length; at += RANDOM_STEP) fill(into.subarray(at, at + RANDOM_STEP));
  },
  sleep: (ns) => {
    // Atomics.wait blocks the thread without spinning; Node allows it on the main thread.
    pause(ns / 1e6);
  },
  fdStream,
  defaultStdio: (fd) => (defaultStreams[fd] ??= fdStream(fd, fd === 0 ? 'read' : 'write')),
  hostDirectory: (path, label) => {
    try {
      return new NodeFS(path);
    } catch (err) {
      // Named after the option only when it fails: asking first would cost every start a stat.
      const problem = hostDirectoryProblem(path);
      if (problem !== undefined) throw new TypeError(`${label}: ${problem}`, { cause: err });
      throw err;
    }
  },
  exit: (code) => process.exit(code),
};
