import type { Interceptor, InterceptorHost } from '../binder.js';
import { encodeArgs, fromBase64, RECORDING_HEADER, type RecordedCall } from './recording.js';
import { inputsOf } from './record.js';

/**
 * Replay (issue 15): answers every call from a recording (record.ts), so a
 * run made elsewhere — a user's machine, a browser — runs again here with no
 * filesystem, clock or randomness. The first call that differs from the
 * recording (another import, other arguments, other paths or bytes written)
 * stops the run with a ReplayDivergence naming both. No Node built-ins: it
 * runs in browsers.
 */
export interface ReplayOptions {
  /** Receives what the guest wrote to stdout (1) and stderr (2), as the recorded host accepted it. */
  readonly onOutput?: (fd: 1 | 2, bytes: Uint8Array) => void;
}

/** The replayed program did something the recording did not: the run stops there. */
export class ReplayDivergence extends Error {
  constructor(message: string, readonly callIndex: number) {
    super(message);
    this.name = 'ReplayDivergence';
  }
}

/** Parses a recording: its text (JSON lines) or its lines. */
export function parseRecording(recording: string | readonly string[]): RecordedCall[] {
  const lines = (typeof recording === 'string' ? recording.split('\n') : [...recording]).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new TypeError('replay: the recording is empty');
  let header: unknown;
  try {
    header = JSON.parse(lines[0]);
  } catch {
    header = undefined;
  }
  if ((header as { wasiHostRecording?: unknown } | undefined)?.wasiHostRecording !== RECORDING_HEADER.wasiHostRecording) {
    throw new TypeError('replay: not a wasi-host recording (its first line must be {"wasiHostRecording":1}; make one with record / --record)');
  }
  return lines.slice(1).map((l, i) => {
    try {
      return JSON.parse(l) as RecordedCall;
    } catch (e) {
      throw new TypeError(`replay: line ${i + 2} of the recording is not JSON: ${(e as Error).message}`);
    }
  });
}

function describe(call: string, args: readonly (number | string)[], input: Readonly<Record<string, string>> | undefined): string {
  const ins = input === undefined ? '' : ' ' + JSON.stringify(input);
  return `${call}(${args.join(', ')})${ins.length > 200 ? ins.slice(0, 200) + '…' : ins}`;
}

/** The replay layer over `recording`. */
export function replayer(recording: string | readonly string[], options: ReplayOptions = {}): Interceptor {
  const calls = parseRecording(recording);
  let host: InterceptorHost | undefined;
  let i = 0;
  return {
    attach(h) {
      host = h;
    },
    intercept(info, next) {
      const name = info.name;
      const params = info.params.map(([p]) => p);
      return (...args) => {
        const mem = (host as InterceptorHost).memory;
        const want = calls[i];
        const got = encodeArgs(args);
        const input = inputsOf(mem, name, params, args);
        if (want === undefined) {
          throw new ReplayDivergence(`replay: the recording ends after ${calls.length} calls; call ${i} is ${describe(name, got, input)}`, i);
        }
        if (want.call !== name || JSON.stringify(want.args) !== JSON.stringify(got) || JSON.stringify(want.in) !== JSON.stringify(input)) {
          throw new ReplayDivergence(
            `replay: call ${i} differs from the recording\n  recorded: ${describe(want.call, want.args, want.in)}\n  replayed: ${describe(name, got, input)}`,
            i,
          );
        }
        i++;
        // proc_exit is the host's own unwinding; nothing outside the guest is touched.
        if (want.exit !== undefined) return next(want.exit);
        for (const [ptr, b64] of want.out ?? []) mem.write(ptr, fromBase64(b64));
        const errno = want.errno as number;
        if (errno === 0 && name === 'fd_write' && (args[0] === 1 || args[0] === 2) && options.onOutput !== undefined && want.in?.data !== undefined) {
          const n = mem.u32(Number(args[3]));
          options.onOutput(args[0], fromBase64(want.in.data).subarray(0, n));
        }
        return errno;
      };
    },
  };
}
