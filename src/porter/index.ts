/**
 * `wasi-host/porter`: the toolkit for porting a libc, a runtime or a C
 * library to WASI (issue 15). No Node built-ins: the same module serves Node
 * and browsers.
 */
export { porter, type PorterOptions } from './options.js';
export { faultInjection, type FaultPlan, type ErrnoFault, type ClockJump } from './faults.js';
export { FAULTABLE_CALLS } from './errnos.js';
export { parseFaultSpec } from './fault-spec.js';
export { strictChecks, formatStrictReport, StrictViolation, type StrictMode, type StrictReport } from './strict.js';
export { deterministic, type DeterministicOptions } from './deterministic.js';
export { recorder } from './record.js';
export { replayer, parseRecording, ReplayDivergence, type ReplayOptions } from './replay.js';
export type { RecordedCall } from './recording.js';
export { traceHost, type TracedHost } from './trace-host.js';
export { formatTraceEntry, traceEntryJson, type TraceFormat } from '../trace.js';
export type { TraceEntry } from '../trace.js';
export type { Interceptor, InterceptorHost, DescriptorInfo } from '../binder.js';
