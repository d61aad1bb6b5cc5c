import type { Interceptor } from '../binder.js';
import type { WASIOptions } from '../wasi.js';
import { deterministic, type DeterministicOptions } from './deterministic.js';
import { faultInjection, type FaultPlan } from './faults.js';
import { recorder } from './record.js';
import { replayer, type ReplayOptions } from './replay.js';
import { formatStrictReport, strictChecks, type StrictMode, type StrictReport } from './strict.js';

/**
 * The porter's modes as WASI options (issue 15). They live outside the core
 * (its size budget, scripts/build.mjs) and reach the host as interceptors:
 *
 *   new WASI(porter({ args, preopens, faults: { shortReads: true }, strict: 'warn' }))
 */
export interface PorterOptions {
  /** Seeded fault injection (faults.ts). */
  readonly faults?: FaultPlan;
  /** Report guest misuse: 'warn' (to `onStrict`, default stderr) or 'error' (trap). */
  readonly strict?: StrictMode | { readonly mode: StrictMode; readonly onReport?: (r: StrictReport) => void };
  /** Virtual clocks, seeded randomness, stable inode numbers and timestamps (deterministic.ts). */
  readonly deterministic?: boolean | DeterministicOptions;
  /** Receives each line of a recording of the run (record.ts). */
  readonly record?: (line: string) => void;
  /** Answers every call from this recording instead of the host (replay.ts). */
  readonly replay?: string | readonly string[] | ({ readonly recording: string | readonly string[] } & ReplayOptions);
}

/** What strict mode prints by default: each report on the console's error stream. */
function consoleReport(r: StrictReport): void {
  console.error(formatStrictReport(r).trimEnd());
}

/**
 * WASI options with the porter's modes turned into interceptors, innermost
 * last: strict checks see what the guest asked; a replay answers in place of
 * everything below it; a recording keeps what the guest saw, deterministic
 * values and injected faults included; faults sit next to the host.
 */
export function porter(options: WASIOptions & PorterOptions): WASIOptions {
  const { faults, strict, deterministic: det, record, replay, ...rest } = options;
  if (record !== undefined && replay !== undefined) throw new TypeError('porter: record and replay cannot be combined (replay a recording, then record the replay from its source)');
  const layers: Interceptor[] = [];
  if (strict !== undefined) {
    const s = typeof strict === 'string' ? { mode: strict } : strict;
    layers.push(strictChecks(s.mode, s.onReport ?? consoleReport));
  }
  if (replay !== undefined) {
    if (typeof replay === 'string' || Array.isArray(replay)) layers.push(replayer(replay as string | readonly string[]));
    else {
      const r = replay as { recording: string | readonly string[] } & ReplayOptions;
      layers.push(replayer(r.recording, r));
    }
  }
  if (record !== undefined) layers.push(recorder(record));
  if (det !== undefined && det !== false) layers.push(deterministic(det === true ? {} : det));
  if (faults !== undefined) layers.push(faultInjection(faults));
  return { ...rest, interceptors: [...layers, ...(rest.interceptors ?? [])] };
}
