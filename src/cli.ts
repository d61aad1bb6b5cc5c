import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { WASI, WASIExit } from './index.js';
import { MemFS } from './vfs/memfs.js';
import { wasiImportVersion, type WASIOptions } from './wasi.js';
import { formatTraceEntry, TraceSummary } from './trace.js';
import type { Vfs } from './vfs/types.js';

const HELP = `Usage: wasi-host run [OPTIONS] <WASM> [ARGS]...
       wasi-host [OPTIONS] <WASM> [ARGS]...   (the same; "run" may be left out)

Runs a WASI command (preview1, or wasi_unstable for old modules). Options
come before the module; everything after it is passed to the program (its
argv[0] is <WASM> as given).

Options (as in \`wasmtime run\`):
  --dir HOST[::GUEST]    Preopen host directory HOST, seen by the guest as GUEST
                         (default: the same path as given on the command line).
  --mapdir GUEST::HOST   Preopen HOST as GUEST (older spelling of --dir HOST::GUEST).
  --memdir GUEST         Preopen an empty in-memory directory as GUEST.
  --env NAME=VALUE       Set an environment variable for the guest.
  --env NAME             Pass the host's value of NAME through.
  --trace                Print every WASI call to stderr: its arguments (paths
                         decoded), errno, results (fd, bytes...) and host time.
  --trace-summary        At exit, print calls, host time and errnos per syscall
                         to stderr (like strace -c).
  --write-behind         Batch small writes to host files in memory (faster;
                         held bytes are lost if this process is killed before
                         the guest's next other WASI call). Default: every
                         write is in the file when it returns.
  --                     End of options (the next word is <WASM>).
  -h, --help             Show this help.

The guest's exit code becomes this process's exit code (134 if it traps, as
wasmtime; 2 if the module cannot be read, compiled or linked). Stdin, stdout
and stderr are this process's own.`;

export interface CliArgs {
  wasm: string;
  args: string[];
  env: Record<string, string>;
  preopens: [string, string | 'memory'][];
  trace: boolean;
  traceSummary: boolean;
  writeBehind: boolean;
}

class UsageError extends Error {}

/** Parses `run` arguments; throws UsageError with a message naming the bad flag. */
export function parseRunArgs(argv: readonly string[], hostEnv: Record<string, string | undefined>): CliArgs {
  const out: CliArgs = { wasm: '', args: [], env: {}, preopens: [], trace: false, traceSummary: false, writeBehind: false };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = (): string => inline ?? value(flag);
    if (a === '--') { i++; break; }
    if (flag === '--dir') {
      const v = take();
      const sep = v.indexOf('::');
      out.preopens.push(sep >= 0 ? [v.slice(sep + 2), v.slice(0, sep)] : [v, v]);
    } else if (flag === '--mapdir') {
      const v = take();
      const sep = v.indexOf('::');
      if (sep < 0) throw new UsageError('--mapdir expects GUEST::HOST');
      out.preopens.push([v.slice(0, sep), v.slice(sep + 2)]);
    } else if (flag === '--memdir') {
      out.preopens.push([take(), 'memory']);
    } else if (flag === '--env') {
      const v = take();
      const sep = v.indexOf('=');
      if (sep > 0) out.env[v.slice(0, sep)] = v.slice(sep + 1);
      else if (hostEnv[v] !== undefined) out.env[v] = hostEnv[v] as string;
    } else if (flag === '--trace') {
      out.trace = true;
    } else if (flag === '--trace-summary') {
      out.traceSummary = true;
    } else if (flag === '--write-behind') {
      out.writeBehind = true;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${flag}`);
    } else {
      break;
    }
  }
  if (i >= argv.length) throw new UsageError('missing <WASM>: the module to run');
  out.wasm = argv[i];
  out.args = argv.slice(i + 1);
  return out;
}


export async function main(argv: readonly string[]): Promise<number> {
  // As with wasmtime, `run` may be left out: `wasi-host [OPTIONS] prog.wasm ARGS...`.
  const implicitRun = argv.length > 0 && argv[0] !== 'run' && (argv[0].startsWith('--') && argv[0] !== '--help' || argv[0].endsWith('.wasm'));
  const [command, ...rest] = implicitRun ? ['run', ...argv] : argv;
  if (command === undefined || command === '-h' || command === '--help' || rest.includes('-h') && rest.indexOf('-h') < 1 || rest[0] === '--help') {
    process.stdout.write(HELP + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run') {
    process.stderr.write(`wasi-host: unknown command '${command}'\n\n${HELP}\n`);
    return 2;
  }
  let cli: CliArgs;
  try {
    cli = parseRunArgs(rest, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`wasi-host: ${err.message}\n\n${HELP}\n`);
    return 2;
  }
  const preopens: Record<string, string | Vfs> = {};
  for (const [guest, host] of cli.preopens) preopens[guest] = host === 'memory' ? new MemFS() : host;
  const options: WASIOptions = {
    args: [cli.wasm, ...cli.args],
    env: cli.env,
    preopens,
    returnOnExit: true,
    writeBehind: cli.writeBehind,
  };
  const summary = cli.traceSummary ? new TraceSummary() : undefined;
  if (cli.trace || summary !== undefined) {
    options.trace = (e) => {
      if (cli.trace) process.stderr.write(formatTraceEntry(e));
      summary?.add(e);
    };
  }
  let bytes: Uint8Array;
  try {
    const problem = headerProblem(cli.wasm);
    if (problem !== undefined) {
      process.stderr.write(`wasi-host: ${cli.wasm} is not a valid WebAssembly module: ${problem}\n`);
      return 2;
    }
    bytes = readFileSync(cli.wasm);
  } catch (err) {
    process.stderr.write(`wasi-host: cannot read ${cli.wasm}: ${(err as Error).message}\n`);
    return 2;
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (err) {
    process.stderr.write(`wasi-host: ${cli.wasm} is not a valid WebAssembly module: ${(err as Error).message}\n`);
    return 2;
  }
  // Old modules import wasi_unstable (preview 0); wasmtime runs both, and so do we.
  options.version = wasiImportVersion(module) ?? 'preview1';
  const wasi = new WASI(options);
  try {
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
    } catch (err) {
      // A start section runs inside instantiate: its trap or proc_exit ends the program as in _start.
      if (err instanceof WASIExit || err instanceof WebAssembly.RuntimeError) throw err;
      process.stderr.write(`wasi-host: cannot instantiate ${cli.wasm}: ${(err as Error).message}\n`);
      return 2;
    }
    return wasi.start(instance);
  } catch (err) {
    if (err instanceof WASIExit) return err.code;
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    process.stderr.write(describeTrap(err));
    // wasmtime exits with 128 + SIGABRT on a trap (on Unix), so scripts see the same status.
    return 134;
  } finally {
    if (summary !== undefined) process.stderr.write(summary.format());
  }
}

/** The first 8 bytes of every core module: "\\0asm" and version 1 (little-endian u32). */
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/**
 * What is wrong with the file's first 8 bytes, or undefined if they are a
 * core module's: checked before the file is read whole, so a large file that
 * is not WebAssembly fails at once, in bounded memory.
 */
function headerProblem(file: string): string | undefined {
  const head = new Uint8Array(HEADER.length);
  const fd = openSync(file, 'r');
  let n = 0;
  try {
    for (let got = -1; n < head.length && got !== 0; n += got) got = readSync(fd, head, n, head.length - n, null);
  } finally {
    closeSync(fd);
  }
  const hex = Array.from(head.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const differs = (from: number, to: number): boolean => HEADER.slice(from, Math.min(to, n)).some((b, i) => head[from + i] !== b);
  if (n === 0) return 'the file is empty';
  if (differs(0, 4)) return `it does not start with 00 61 73 6d ("\\0asm"), found ${hex}`;
  if (n < HEADER.length) return `it ends after ${n} bytes, inside the 8-byte header`;
  if (differs(4, 8)) return `version ${hex.slice(12)} is not 01 00 00 00 (a component or another binary format, not a core module)`;
  return undefined;
}

/** A trap as a person wants to read it: what trapped, then the guest's own frames, innermost first. */
export function describeTrap(err: WebAssembly.RuntimeError): string {
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => line.includes('wasm://') || line.includes('wasm-function'))
    .map((line) => `    ${line.trim()}\n`);
  return `wasi-host: wasm trap: ${err.message}\n${frames.length > 0 ? 'wasm backtrace:\n' + frames.join('') : ''}`;
}
