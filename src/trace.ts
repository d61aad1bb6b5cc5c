import { Suspend } from './vfs/suspend.js';
import { ERRNO_NAMES } from './abi/errno.js';
import type { Interceptor } from './binder.js';
import type { GuestMemory } from './memory.js';
import { WASIExit } from './syscalls/context.js';

/**
 * What `trace` reports of one call: the guest's own request, made readable
 * for someone porting a program (which path, which fd came back, how long it
 * took), not just the raw numbers.
 */
export interface TraceEntry {
  readonly name: string;
  /** The raw arguments, i64 ones as BigInt. */
  readonly args: readonly (number | bigint)[];
  /** The spec's parameter names, one per argument. */
  readonly params: readonly string[];
  /** The errno returned, or undefined for proc_exit and for a trap. */
  readonly errno: number | undefined;
  /** The errno's witx name, or 'trap' when the call trapped (a host bug: see src/binder.ts). */
  readonly errnoName: string | undefined;
  /** Path arguments decoded from guest memory before the call (`path`, `old_path`, `new_path`). */
  readonly paths: Readonly<Record<string, string>>;
  /**
   * On success, the values written through out-pointers (`fd_out`,
   * `nwritten_out`, ...), and strings the host wrote (`name` for
   * fd_prestat_dir_name, `target` for path_readlink).
   */
  readonly results: Readonly<Record<string, number | bigint | string>>;
  /** Time spent in the host, in milliseconds. */
  readonly ms: number;
  /** What a layer did to this call (an injected fault, src/porter/faults.ts); empty for most calls. */
  readonly notes: readonly string[];
}

/** Out-pointers whose value is worth reporting, and their width. */
const RESULT_WIDTH: Readonly<Record<string, 4 | 8>> = {
  fd_out: 4, nread_out: 4, nwritten_out: 4, bufused_out: 4, nevents_out: 4,
  argc_out: 4, argv_buf_size_out: 4, count_out: 4, buf_size_out: 4,
  ro_datalen_out: 4, so_datalen_out: 4,
  newoffset_out: 8, offset_out: 8, time_out: 8, resolution_out: 8,
};

/** The (string, length) parameter pairs that carry paths. */
const PATH_PARAMS: readonly (readonly [string, string])[] = [
  ['path', 'path_len'], ['old_path', 'old_path_len'], ['new_path', 'new_path_len'],
];

/** Decodes the path arguments of a call; an unreadable one is shown as such, never thrown. */
export function tracePaths(
  mem: GuestMemory, name: string, params: readonly string[], args: readonly (number | bigint)[],
): Record<string, string> {
  const out: Record<string, string> = {};
  // fd_prestat_dir_name's `path` is a buffer the host fills, not a path given (see traceResults).
  if (name === 'fd_prestat_dir_name') return out;
  for (const [p, len] of PATH_PARAMS) {
    const i = params.indexOf(p);
    const j = params.indexOf(len);
    if (i < 0 || j < 0) continue;
    try {
      out[p] = mem.string(Number(args[i]), Number(args[j]));
    } catch {
      out[p] = '<unreadable>';
    }
  }
  return out;
}

/** Reads the reported out-values after a successful call, and the strings the host wrote. */
export function traceResults(
  mem: GuestMemory, name: string, params: readonly string[], args: readonly (number | bigint)[],
): Record<string, number | bigint | string> {
  const out: Record<string, number | bigint | string> = {};
  params.forEach((p, i) => {
    const width = RESULT_WIDTH[p];
    const ptr = Number(args[i]);
    if (width === undefined || !mem.fits(ptr, width)) return;
    out[p] = width === 4 ? mem.u32(ptr) : mem.u64(ptr);
  });
  const text = (ptr: number | bigint, len: number | bigint): string => {
    try {
      return mem.string(Number(ptr), Number(len));
    } catch {
      return '<unreadable>';
    }
  };
  if (name === 'fd_prestat_dir_name') out.name = text(args[1], args[2]);
  if (name === 'path_readlink' && typeof out.bufused_out === 'number') out.target = text(args[3], out.bufused_out);
  return out;
}

/**
 * The tracing layer: decodes the call's paths before it and its out-values
 * after, and reports each call to `trace`. Outermost, so it shows what the
 * guest saw, faults injected by other layers included.
 */
export function tracing(mem: GuestMemory, trace: (entry: TraceEntry) => void, notes: string[] = []): Interceptor {
  const taken = (): string[] => (notes.length === 0 ? NO_NOTES : notes.splice(0));
  return {
    intercept(call, next) {
      const name = call.name;
      const params = call.params.map(([n]) => n);
      return (...args) => {
        notes.length = 0;
        const paths = tracePaths(mem, name, params, args);
        const t0 = performance.now();
        let errno: number | undefined;
        try {
          errno = next(...args);
        } catch (e) {
          // A JSPI wait is no outcome: the re-run is traced (src/vfs/journal.ts).
          if (e instanceof Suspend) throw e;
          // proc_exit unwinds by throwing, whatever the host (another host's, traced by src/porter/trace-host.ts, throws its own kind).
          const errnoName = e instanceof WASIExit || name === 'proc_exit' ? undefined : 'trap';
          trace({ name, args, params, errno: undefined, errnoName, paths, results: {}, ms: performance.now() - t0, notes: taken() });
          throw e;
        }
        const ms = performance.now() - t0;
        const results = errno === 0 ? traceResults(mem, name, params, args) : {};
        trace({ name, args, params, errno, errnoName: errno === undefined ? undefined : ERRNO_NAMES[errno], paths, results, ms, notes: taken() });
        return errno;
      };
    },
  };
}

const NO_NOTES: string[] = [];

/** How a trace line is written: `times: false` leaves out the host time, so two runs can compare equal (deterministic mode). */
export interface TraceFormat {
  readonly times?: boolean;
}

/** One line per call, as `wasi-host run --trace` prints it. */
export function formatTraceEntry(e: TraceEntry, format: TraceFormat = {}): string {
  const args = e.args.map((a, i) => {
    const name = e.params[i] ?? `arg${i}`;
    if (name in e.paths) return `${name}=${JSON.stringify(e.paths[name])}`;
    if (name.endsWith('_len') && name.slice(0, -4) in e.paths) return null;
    return `${name}=${typeof a === 'bigint' ? (a >= 0x10000n ? '0x' + a.toString(16) : String(a)) : String(a)}`;
  }).filter((s) => s !== null);
  const result = e.errno === undefined ? (e.errnoName ?? 'exit') : e.errno === 0 ? '0' : `${e.errno} ${errnoLabel(e)}`;
  const outs = Object.entries(e.results)
    .map(([k, v]) => ` ${k.replace(/_out$/, '')}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join('');
  const notes = (e.notes ?? NO_NOTES).map((n) => `  [${n}]`).join('');
  const time = format.times === false ? '' : `  (${e.ms.toFixed(3)} ms)`;
  return `[wasi] ${e.name}(${args.join(', ')}) -> ${result}${outs}${notes}${time}\n`;
}

/** One call as a line of JSON (`--trace-format=json`): i64 values as decimal strings. */
export function traceEntryJson(e: TraceEntry, format: TraceFormat = {}): string {
  const num = (v: number | bigint | string): number | string => (typeof v === 'bigint' ? v.toString() : v);
  const out: Record<string, unknown> = {
    call: e.name,
    args: Object.fromEntries(e.params.map((p, i) => [p, e.paths[p] ?? num(e.args[i])])),
    errno: e.errnoName ?? (e.errno === undefined ? 'exit' : e.errno),
    results: Object.fromEntries(Object.entries(e.results).map(([k, v]) => [k, num(v)])),
  };
  if ((e.notes ?? NO_NOTES).length > 0) out.notes = e.notes;
  if (format.times !== false) out.ms = Number(e.ms.toFixed(3));
  return JSON.stringify(out) + '\n';
}

/** A failed call's errno as C programmers know it: "ENOENT" for witx's "noent". */
function errnoLabel(e: TraceEntry): string {
  return e.errnoName === undefined ? `errno ${String(e.errno)}` : `E${e.errnoName.toUpperCase()}`;
}

/** Per-syscall counts for `--trace-summary`, like `strace -c`. */
export class TraceSummary {
  readonly #rows = new Map<string, { calls: number; ms: number; errors: Map<string, number> }>();

  add(e: TraceEntry): void {
    let row = this.#rows.get(e.name);
    if (row === undefined) {
      row = { calls: 0, ms: 0, errors: new Map() };
      this.#rows.set(e.name, row);
    }
    row.calls++;
    row.ms += e.ms;
    if (e.errno !== undefined && e.errno !== 0) {
      const n = errnoLabel(e);
      row.errors.set(n, (row.errors.get(n) ?? 0) + 1);
    }
  }

  format(): string {
    const rows = [...this.#rows].sort((a, b) => b[1].ms - a[1].ms || b[1].calls - a[1].calls);
    const lines = ['[wasi] summary: calls, host time, errors by errno', '  calls   host ms  syscall                   errors'];
    let calls = 0;
    let ms = 0;
    for (const [name, r] of rows) {
      calls += r.calls;
      ms += r.ms;
      const errs = [...r.errors].map(([k, v]) => `${k} ${v}`).join(', ');
      lines.push(`${String(r.calls).padStart(7)} ${r.ms.toFixed(3).padStart(9)}  ${name.padEnd(24)}  ${errs}`.trimEnd());
    }
    lines.push(`${String(calls).padStart(7)} ${ms.toFixed(3).padStart(9)}  total`);
    return lines.join('\n') + '\n';
  }
}
