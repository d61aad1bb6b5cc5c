/** The porter's flags (--fault, --strict, --deterministic, --record, --replay) as WASI options, for `run`, `test` and `diff`. */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { CliArgs } from './cli-args.js';
import { parseFaultSpec } from './porter/fault-spec.js';
import type { PorterOptions } from './porter/options.js';
import { formatStrictReport } from './porter/strict.js';

/** A flag's value that cannot be used: the message, exit status 2. */
export class PorterFlagError extends Error {}

export interface PorterFlags {
  readonly options: PorterOptions;
  /** Closes the recording file, if any. */
  close(): void;
}

type Flags = Pick<CliArgs, 'faults' | 'faultSeed' | 'strict' | 'deterministic' | 'record' | 'replay'>;

export function porterFlags(cli: Flags, stderr: (text: string) => void): PorterFlags {
  const options: { -readonly [K in keyof PorterOptions]: PorterOptions[K] } = {};
  let recordFd: number | undefined;
  try {
    if (cli.faults.length > 0 || cli.faultSeed !== undefined) options.faults = parseFaultSpec(cli.faults, cli.faultSeed);
  } catch (err) {
    throw new PorterFlagError((err as Error).message);
  }
  if (cli.strict !== undefined) options.strict = { mode: cli.strict, onReport: (r) => stderr(formatStrictReport(r)) };
  if (cli.deterministic !== undefined) options.deterministic = { seed: cli.deterministic };
  if (cli.replay !== undefined) {
    let text: string;
    try {
      text = readFileSync(cli.replay, 'utf8');
    } catch (err) {
      throw new PorterFlagError(`--replay ${cli.replay}: ${(err as Error).message}`);
    }
    // What the guest wrote to stdout and stderr in the recorded run, written here again.
    options.replay = { recording: text, onOutput: (fd, bytes) => writeAll(fd, bytes) };
  }
  if (cli.record !== undefined) {
    try {
      recordFd = openSync(cli.record, 'w');
    } catch (err) {
      throw new PorterFlagError(`--record ${cli.record}: ${(err as Error).message}`);
    }
    const fd = recordFd;
    // Each line as it happens: a run that crashes keeps what it did.
    options.record = (line) => void writeSync(fd, line + '\n');
  }
  return {
    options,
    close() {
      if (recordFd !== undefined) closeSync(recordFd);
      recordFd = undefined;
    },
  };
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.byteLength; ) done += writeSync(fd, data, done);
}
