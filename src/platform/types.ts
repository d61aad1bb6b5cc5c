import type { FileType } from '../abi/constants.js';
import type { Vfs } from '../vfs/types.js';

/**
 * What differs between Node and browsers. The core never imports `node:*`;
 * the Node entry (src/index.ts) and the browser entry (src/browser.ts) each
 * hand the WASI class one of these.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  /**
   * Monotonic nanoseconds as a double (exact below 2^53 ns, about 104 days of
   * uptime); the guest's clock unless monotonicBigNs is given.
   */
  monotonicNs(): number;
  /**
   * The guest's monotonic clock as a bigint, where the platform reads one
   * without a double (Node: hrtime.bigint). Its origin may differ from
   * monotonicNs's, which then only measures intervals.
   */
  monotonicBigNs?(): bigint;
  /** Wall-clock nanoseconds since 1970 as a bigint. */
  realtimeNs(): bigint;
  /** CPU time used by this process, ns; browsers fall back to time since start. */
  cputimeNs(): bigint;
  /** Finest resolution of the clocks above, ns. */
  readonly clockResolutionNs: bigint;
  /** Fills `into`, of any length, with cryptographically strong bytes (into is never shared memory). */
  randomFill(into: Uint8Array): void;
  /** Blocks the calling thread for `ns` without spinning where the platform allows. */
  sleep(ns: number): void;
  /** A stream over a host file descriptor (Node only; browsers throw a TypeError). */
  fdStream(fd: number, mode: 'read' | 'write'): HostStream;
  /** stdin, stdout or stderr when the embedder did not choose (Node: the process's own fds). */
  defaultStdio(fd: 0 | 1 | 2): HostStream;
  /** Ends the embedding process (returnOnExit: false); browsers throw the exit instead. */
  exit(code: number): never;
  /**
   * A backend over a host directory (Node only; browsers throw a TypeError).
   * `label` names where the path came from (`preopens['/data']`) in the error.
   * Throws unless the path is a directory now: the mount does not ask again.
   */
  hostDirectory(path: string, label: string): Vfs;
}

/** stdin/stdout/stderr or any other byte stream the embedder supplies. */
export interface HostStream {
  readonly filetype: FileType;
  /** Reads into `into`; 0 means end of input. Absent on write-only streams. */
  read?(into: Uint8Array): number;
  /** Writes all of `data` (or throws); absent on read-only streams. */
  write?(data: Uint8Array): number;
  /**
   * Optional, for speed, as VfsFile.writeRange: write(source.subarray(offset,
   * offset + length)) without the view. Only host-fd streams have it: a
   * callback sink keeps its view, since it may hold on to it.
   */
  writeRange?(source: Uint8Array, offset: number, length: number): number;
  /** Hands on anything held back (a partial line); called when a command ends. */
  flush?(): void;
  /**
   * For a source that can say whether a read would block (the Worker runner's
   * stdin): bytes a read returns at once, 0 at end of input, -1 if a read
   * would wait. Absent: reads never wait (poll_oneoff reports it ready).
   */
  available?(): number;
  /** With available(): blocks until it is not -1 or `timeoutMs` passed (Infinity: no limit). */
  waitAvailable?(timeoutMs: number): void;
  /**
   * With available(), for a thread that cannot block (JSPI mode, src/jspi.ts):
   * settles once available() is not -1; undefined when it already is not.
   */
  ready?(): Promise<void> | undefined;
}
