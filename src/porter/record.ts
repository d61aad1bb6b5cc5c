import type { Interceptor, InterceptorHost } from '../binder.js';
import type { GuestMemory } from '../memory.js';
import { tracePaths } from '../trace.js';
import { encodeArgs, gathered, RECORDING_HEADER, toBase64, writtenSpans, type RecordedCall, type SizesSeen } from './recording.js';

/**
 * Recording (issue 15): every call's arguments, errno and the bytes it wrote
 * into guest memory, one JSON line each (format: recording.ts), handed to
 * `sink` as they happen, so a run that crashes keeps what it did. Replay
 * (replay.ts) answers a later run from these lines alone.
 */
export function recorder(sink: (line: string) => void): Interceptor {
  if (typeof sink !== 'function') throw new TypeError('record must be a function that receives each line, e.g. (line) => lines.push(line)');
  let host: InterceptorHost | undefined;
  let n = 0;
  const sizes: SizesSeen = { args: [0, 0], env: [0, 0] };
  let started = false;
  return {
    attach(h) {
      host = h;
    },
    intercept(call, next) {
      const name = call.name;
      const params = call.params.map(([p]) => p);
      return (...args) => {
        const mem = (host as InterceptorHost).memory;
        if (!started) {
          started = true;
          sink(JSON.stringify(RECORDING_HEADER));
        }
        const input = inputsOf(mem, name, params, args);
        const base = { n: n++, call: name, args: encodeArgs(args), ...(input === undefined ? {} : { in: input }) };
        let errno: number | undefined;
        try {
          errno = next(...args);
        } catch (e) {
          if (isExit(e)) sink(JSON.stringify({ ...base, exit: e.code } satisfies RecordedCall));
          throw e;
        }
        const out = errno === 0 ? writtenSpans(mem, name, params, args, sizes).map(([p, len]) => [p, toBase64(mem.bytes(p, len))] as const) : [];
        sink(JSON.stringify({ ...base, errno, ...(out.length > 0 ? { out } : {}) } satisfies RecordedCall));
        return errno;
      };
    },
  };
}

/** What the guest passed through memory that a replay must see again: paths, and the bytes of a write. */
export function inputsOf(mem: GuestMemory, name: string, params: readonly string[], args: readonly (number | bigint)[]): Record<string, string> | undefined {
  const input: Record<string, string> = tracePaths(mem, name, params, args);
  if (name === 'fd_write' || name === 'fd_pwrite') input.data = toBase64(gathered(mem, Number(args[1]) >>> 0, Number(args[2]) >>> 0));
  if (name === 'sock_send') input.data = toBase64(gathered(mem, Number(args[1]) >>> 0, Number(args[2]) >>> 0));
  return Object.keys(input).length === 0 ? undefined : input;
}

/**
 * proc_exit's unwinding (WASIExit), known by its shape: this module may be
 * bundled apart from the host that threw it (wasi-host/porter with the Node
 * entry), so `instanceof` could miss it.
 */
function isExit(e: unknown): e is { code: number } {
  return e instanceof Error && e.name === 'WASIExit' && typeof (e as { code?: unknown }).code === 'number';
}
