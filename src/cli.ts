import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { HELP, parseCommand, UsageError, type CliArgs, type Command } from './cli-args.js';
import { formatResult, parseArg } from './cli-invoke.js';
import { LoadError, loadModuleBytes } from './cli-load.js';
import { WASI } from './index.js';
import { checkImports } from './link.js';
import { WASIExit } from './syscalls/context.js';
import { formatTraceEntry, traceEntryJson, TraceSummary } from './trace.js';
import { PorterFlagError, porterFlags } from './cli-porter.js';
import { porter } from './porter/options.js';
import { ReplayDivergence } from './porter/replay.js';
import { MemFS } from './vfs/memfs.js';
import { hostDirectoryProblem, NodeFS } from './vfs/node.js';
import type { Vfs } from './vfs/types.js';
import { exportSignature } from './wasm-sig.js';
import { wasiImportVersion, type WASIOptions } from './wasi.js';

export { HELP, parseCommand };
export type { CliArgs };

/** The version in package.json (beside dist/ and src/ alike). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** A failure reported in one line, with the exit status wasmtime would give. */
class Failure extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/**
 * The guest's stderr held back to whole lines, so trace lines written to the
 * same stderr between two of the guest's writes never split one of its lines.
 */
class LineBufferedFd {
  private held: Uint8Array[] = [];
  constructor(private readonly fd: number) {}
  write(chunk: Uint8Array): void {
    const nl = chunk.lastIndexOf(0x0a);
    if (nl < 0) {
      this.held.push(chunk.slice());
      return;
    }
    this.held.push(chunk.subarray(0, nl + 1));
    this.flush();
    if (nl + 1 < chunk.byteLength) this.held.push(chunk.slice(nl + 1));
  }
  flush(): void {
    for (const c of this.held) writeAll(this.fd, c);
    this.held = [];
  }
}

const pauseCell = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.byteLength; ) {
    try {
      done += writeSync(fd, data, done);
    } catch (err) {
      // Node may have made stderr non-blocking; give the reader a millisecond.
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
      Atomics.wait(pauseCell, 0, 0, 1);
    }
  }
}

function preopensOf(cli: CliArgs): Record<string, string | Vfs> {
  const preopens: Record<string, string | Vfs> = {};
  for (const [guest, host, given] of cli.preopens) {
    if (host === 'memory') {
      preopens[guest] = new MemFS();
      continue;
    }
    const problem = hostDirectoryProblem(host);
    if (problem !== undefined) throw new Failure(`${given}: ${problem}`, 2);
    preopens[guest] = new NodeFS(host);
  }
  return preopens;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Subcommands with their own words; loaded only when used.
  if (argv[0] === 'test') return (await import('./cli-test.js')).testMain(argv.slice(1));
  if (argv[0] === 'diff') return (await import('./cli-diff.js')).diffMain(argv.slice(1));
  let command: Command;
  try {
    command = parseCommand(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`wasi-host: ${err.message} (try --help)\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`wasi-host ${version()}\n`);
    return 0;
  }
  try {
    return await runModule(command.args);
  } catch (err) {
    if (err instanceof Failure) {
      process.stderr.write(`wasi-host: ${err.message}\n`);
      return err.status;
    }
    if (err instanceof LoadError || err instanceof PorterFlagError) {
      process.stderr.write(`wasi-host: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ReplayDivergence) {
      process.stderr.write(`wasi-host: ${err.message}\n`);
      return 1;
    }
    if (err instanceof WebAssembly.RuntimeError) {
      process.stderr.write(describeTrap(err));
      // wasmtime exits with 128 + SIGABRT on a trap (on Unix), so scripts see the same status.
      return 134;
    }
    throw err;
  }
}

async function runModule(cli: CliArgs): Promise<number> {
  const bytes = await loadModuleBytes(cli.wasm);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (err) {
    throw new Failure(`${cli.wasm} is not a valid WebAssembly module: ${(err as Error).message}`, 2);
  }
  const options: WASIOptions = {
    // As wasmtime: the file's base name, so the host's directories stay out of the guest.
    args: [cli.argv0 ?? basename(cli.wasm), ...cli.args],
    env: cli.env,
    preopens: preopensOf(cli),
    returnOnExit: true,
    writeBehind: cli.writeBehind,
    // Old modules import wasi_unstable (preview 0); wasmtime runs both, and so do we.
    version: wasiImportVersion(module) ?? 'preview1',
  };
  const summary = cli.traceSummary ? new TraceSummary() : undefined;
  const traceFd = typeof cli.trace === 'string' ? openTraceFile(cli.trace) : cli.trace ? 2 : undefined;
  const guestStderr = traceFd === 2 ? new LineBufferedFd(2) : undefined;
  if (guestStderr !== undefined) options.stderr = guestStderr;
  // Deterministic runs leave host times out of the trace, so two traces compare equal.
  const format = { times: cli.deterministic === undefined };
  const line = cli.traceFormat === 'json' ? traceEntryJson : formatTraceEntry;
  if (traceFd !== undefined || summary !== undefined) {
    options.trace = (e) => {
      if (traceFd !== undefined) writeAll(traceFd, new TextEncoder().encode(line(e, format)));
      summary?.add(e);
    };
  }
  const flags = porterFlags(cli, (text) => (guestStderr !== undefined ? guestStderr.write(new TextEncoder().encode(text)) : writeAll(2, new TextEncoder().encode(text))));
  let wasi: WASI;
  try {
    wasi = new WASI(porter({ ...options, ...flags.options }));
  } catch (err) {
    flags.close();
    throw new Failure((err as Error).message, 2);
  }
  try {
    return runInstance(cli, bytes, module, wasi);
  } finally {
    flags.close();
    guestStderr?.flush();
    if (typeof traceFd === 'number' && traceFd !== 2) closeSync(traceFd);
    if (summary !== undefined) process.stderr.write(summary.format());
  }
}

function openTraceFile(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    throw new Failure(`--trace=${path}: ${(err as Error).message}`, 2);
  }
}

function runInstance(cli: CliArgs, bytes: Uint8Array, module: WebAssembly.Module, wasi: WASI): number {
  const imports = wasi.getImportObject() as unknown as WebAssembly.Imports;
  let instance: WebAssembly.Instance;
  try {
    checkImports(module, imports, Object.keys(imports)[0], 'wasi-host provides only WASI; run the module from code with run(wasm, { imports })');
    instance = new WebAssembly.Instance(module, imports);
  } catch (err) {
    // A start section runs inside instantiation: its trap or proc_exit ends the program as in _start.
    if (err instanceof WebAssembly.RuntimeError) throw err;
    if (err instanceof WASIExit) return exitStatus(err.code);
    throw new Failure(`cannot instantiate ${cli.wasm}: ${(err as Error).message}`, 2);
  }
  const exports = instance.exports;
  let status: number;
  if (cli.invoke === undefined && typeof exports._start === 'function') {
    status = wasi.start(instance);
  } else if (cli.invoke !== undefined && exports._start !== undefined) {
    throw new Failure(`--invoke ${cli.invoke}: ${cli.wasm} is a command (it exports _start); wasi-host calls the exports of reactors only (build with -mexec-model=reactor)`, 1);
  } else {
    // A reactor (or a module without either entry point): initialised, then, as
    // wasmtime, nothing more unless --invoke names an export.
    try {
      if (wasiImportVersion(module) !== undefined || exports.memory instanceof WebAssembly.Memory) wasi.initialize(instance);
      else if (typeof exports._initialize === 'function') (exports._initialize as () => void)();
      status = cli.invoke === undefined ? 0 : invoke(cli, bytes, exports);
    } catch (err) {
      if (!(err instanceof WASIExit)) throw err;
      status = err.code;
    }
  }
  return exitStatus(status);
}

/** The process's exit status for the guest's: wasmtime refuses those outside 0..125 (Unix keeps 8 bits, 126+ mean "not run" or a signal). */
function exitStatus(status: number): number {
  if (status < 0 || status > 125) throw new Failure(`exit with invalid exit status outside of [0..126): ${status}`, 1);
  return status;
}

function invoke(cli: CliArgs, bytes: Uint8Array, exports: WebAssembly.Exports): number {
  const name = cli.invoke as string;
  const fn = exports[name];
  const sig = typeof fn === 'function' ? exportSignature(bytes, name) : undefined;
  if (typeof fn !== 'function' || sig === undefined) {
    const funcs = Object.keys(exports).filter((k) => typeof exports[k] === 'function' && k !== '_initialize');
    throw new Failure(`--invoke ${name}: ${cli.wasm} exports no function ${name} (it exports: ${funcs.join(', ') || 'no functions'})`, 1);
  }
  if (cli.args.length !== sig.params.length) {
    throw new Failure(`--invoke ${name}: takes ${sig.params.length} argument(s) (${sig.params.join(', ') || 'none'}), got ${cli.args.length}`, 1);
  }
  const values = sig.params.map((t, i) => {
    const v = parseArg(t, cli.args[i]);
    if (typeof v === 'string') throw new Failure(`--invoke ${name}: argument ${i + 1}: ${v}`, 1);
    return v;
  });
  const ret = (fn as (...a: unknown[]) => unknown)(...values);
  const results = sig.results.length === 1 ? [ret] : sig.results.length === 0 ? [] : (ret as unknown[]);
  process.stdout.write(sig.results.map((t, i) => formatResult(t, results[i]) + '\n').join(''));
  return 0;
}

/** A trap as a person wants to read it: what trapped, then the guest's own frames, innermost first. */
export function describeTrap(err: WebAssembly.RuntimeError): string {
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => line.includes('wasm://') || line.includes('wasm-function'))
    .map((line) => `    ${line.trim()}\n`);
  return `wasi-host: wasm trap: ${err.message}\n${frames.length > 0 ? 'wasm backtrace:\n' + frames.join('') : ''}`;
}
