/**
 * `wasi-host diff [OPTIONS] <WASM> [ARGS]...`: runs a command under wasi-host
 * and under Node's node:wasi, each traced by the same layer (trace.ts; the
 * other host through porter/trace-host.ts), each on its own copy of every
 * --dir, and prints the first call the two hosts answered differently.
 * Answers that differ between any two runs (clock readings, random bytes)
 * are compared by errno only. Exit status 0 when the hosts agree, 1 when they
 * differ, 2 for a usage error.
 */
import { closeSync, cpSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseRunWords, UsageError, type CliArgs } from './cli-args.js';
import { LoadError, loadModuleBytes } from './cli-load.js';
import { MemFS, NodeFS, WASI } from './index.js';
import { traceHost } from './porter/trace-host.js';
import type { Vfs } from './vfs/types.js';
import { formatTraceEntry, type TraceEntry } from './trace.js';

/** Calls whose out-values differ from run to run on any host. */
const VOLATILE = new Set(['clock_time_get', 'clock_res_get', 'random_get', 'poll_oneoff']);

const lineOf = (e: TraceEntry): string => formatTraceEntry({ ...e, results: VOLATILE.has(e.name) ? {} : e.results }, { times: false }).trimEnd();

interface HostRun {
  readonly entries: TraceEntry[];
  readonly exit: string;
  readonly stdout: string;
  readonly stderr: string;
}

function outcome(run: () => number | undefined): string {
  try {
    return `exit ${run() ?? 0}`;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

function underWasiHost(cli: CliArgs, module: WebAssembly.Module, args: string[], dirs: Map<string, string>): HostRun {
  const entries: TraceEntry[] = [];
  const preopens: Record<string, Vfs> = {};
  for (const [guest, host] of dirs) preopens[guest] = host === 'memory' ? new MemFS() : new NodeFS(host);
  const wasi = new WASI({ args, env: cli.env, preopens, stdin: '', stdout: 'collect', stderr: 'collect', returnOnExit: true, trace: (e) => entries.push(e) });
  const exit = outcome(() => wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports)));
  const dec = new TextDecoder();
  return { entries, exit, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()) };
}

function underNodeWasi(NodeWASI: typeof import('node:wasi').WASI, cli: CliArgs, module: WebAssembly.Module, args: string[], dirs: Map<string, string>, io: string): HostRun {
  const entries: TraceEntry[] = [];
  const fds = [openSync('/dev/null', 'r'), openSync(join(io, 'stdout'), 'w'), openSync(join(io, 'stderr'), 'w')];
  let exit: string;
  try {
    const host = new NodeWASI({ version: 'preview1', args, env: cli.env, preopens: Object.fromEntries(dirs), stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true });
    const traced = traceHost(host.wasiImport, (e) => entries.push(e));
    exit = outcome(() => {
      const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: traced.wasiImport } as unknown as WebAssembly.Imports);
      traced.attach(instance.exports.memory as WebAssembly.Memory);
      return host.start(instance);
    });
  } finally {
    for (const fd of fds) closeSync(fd);
  }
  return { entries, exit, stdout: readFileSync(join(io, 'stdout'), 'utf8'), stderr: readFileSync(join(io, 'stderr'), 'utf8') };
}

/** Each --dir copied for one host; --memdir an empty directory (node:wasi has no in-memory one). */
function copies(cli: CliArgs, root: string, host: string): Map<string, string> {
  const dirs = new Map<string, string>();
  cli.preopens.forEach(([guest, from], i) => {
    const to = join(root, `${host}-${i}`);
    if (from === 'memory') {
      dirs.set(guest, host === 'wasi-host' ? 'memory' : mkdtempSync(to));
      return;
    }
    cpSync(from, to, { recursive: true });
    dirs.set(guest, to);
  });
  return dirs;
}

/** The report: the first call that differs, or that the hosts agree. */
export function compareRuns(a: HostRun, b: HostRun): { same: boolean; text: string } {
  const n = Math.max(a.entries.length, b.entries.length);
  for (let i = 0; i < n; i++) {
    const x = a.entries[i] === undefined ? '(no more calls: ' + a.exit + ')' : lineOf(a.entries[i]);
    const y = b.entries[i] === undefined ? '(no more calls: ' + b.exit + ')' : lineOf(b.entries[i]);
    if (x !== y) return { same: false, text: `wasi-host diff: the hosts first answered differently at call ${i}:\n  wasi-host: ${x}\n  node:wasi: ${y}\n` };
  }
  for (const [what, x, y] of [['outcome', a.exit, b.exit], ['stdout', a.stdout, b.stdout], ['stderr', a.stderr, b.stderr]] as const) {
    if (x !== y) return { same: false, text: `wasi-host diff: every call alike, but the ${what} differs:\n  wasi-host: ${JSON.stringify(x)}\n  node:wasi: ${JSON.stringify(y)}\n` };
  }
  return { same: true, text: `wasi-host diff: both hosts answered all ${n} calls alike (${a.exit})\n` };
}

export async function diffMain(words: readonly string[]): Promise<number> {
  let cli: CliArgs;
  let module: WebAssembly.Module;
  try {
    cli = parseRunWords(words, process.env);
    module = await WebAssembly.compile(await loadModuleBytes(cli.wasm));
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof LoadError || err instanceof WebAssembly.CompileError)) throw err;
    process.stderr.write(`wasi-host: diff: ${(err as Error).message}${err instanceof UsageError ? ' (try --help)' : ''}\n`);
    return 2;
  }
  const args = [cli.argv0 ?? basename(cli.wasm), ...cli.args];
  // node:wasi warns that it is experimental when first loaded; that line is not the program's output.
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (!w.message.includes('WASI is an experimental')) process.stderr.write(`${w.name}: ${w.message}\n`);
  });
  const { WASI: NodeWASI } = await import('node:wasi');
  const root = mkdtempSync(join(tmpdir(), 'wasi-host-diff-'));
  try {
    const a = underWasiHost(cli, module, args, copies(cli, root, 'wasi-host'));
    const b = underNodeWasi(NodeWASI, cli, module, args, copies(cli, root, 'node-wasi'), root);
    const r = compareRuns(a, b);
    process.stdout.write(r.text);
    return r.same ? 0 : 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
