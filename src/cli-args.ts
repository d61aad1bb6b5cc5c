/** `wasi-host` command-line parsing: flags as `wasmtime run` spells them. */

export const HELP = `Usage: wasi-host [run] [OPTIONS] <WASM> [ARGS]...

Runs a WASI command (preview1, or wasi_unstable for old modules), or calls an
export of a reactor with --invoke. <WASM> is a binary module, or WebAssembly
text (.wat) when the optional WAT parser is installed (npm install wabt).
Options come before the module; everything after it is passed to the program.

Options (as in \`wasmtime run\`):
  --dir HOST[::GUEST]    Preopen host directory HOST, seen by the guest as GUEST
                         (default: the same path as given on the command line).
  --mapdir GUEST::HOST   Preopen HOST as GUEST (older spelling of --dir HOST::GUEST).
  --memdir GUEST         Preopen an empty in-memory directory as GUEST.
  --env NAME=VALUE       Set an environment variable for the guest.
  --env NAME             Pass the host's value of NAME through.
  --invoke NAME          Call export NAME (after _initialize for a reactor) with
                         ARGS parsed as its parameters; print its results.
  --argv0 NAME           The guest's argv[0] (default: the module's file name).
  --trace[=FILE]         Write every WASI call (arguments with paths decoded,
                         errno, results, host time) to FILE, or to stderr.
  --trace-summary        At exit, print calls, host time and errnos per syscall
                         to stderr (like strace -c).
  --trace-format=FORMAT  text (default) or json: one JSON object per call.

For porters (README, "For porters"):
  --fault SPEC           Inject a fault, reproducibly: short-reads, short-writes,
                         short-io, readdir-one, clock-jump=SECONDS[@EVERY], or
                         CALL:ERRNO[@N|%P] (fd_write:ENOSPC@3, fd_read:EIO%0.1).
                         Repeatable; shown on the trace.
  --fault-seed N         Seed for the fault plan's random choices (default 1).
  --strict[=MODE]        Report guest misuse of the ABI to stderr (warn, the
                         default) or trap at the first (error).
  --deterministic[=SEED] Virtual clocks, seeded random_get, stable inode numbers
                         and timestamps: two runs print the same bytes.
  --record FILE          Save every call, its arguments and the bytes it
                         returned, as JSON lines.
  --replay FILE          Answer every call from a recording (no files, clock or
                         randomness); stop at the first call that differs.

  wasi-host test [--format=tap|junit] [--jobs N] [--timeout SECONDS] DIR...
                         Run directories of test programs with JSON expectations.
  wasi-host diff [OPTIONS] <WASM> [ARGS]...
                         Run under wasi-host and node:wasi; print the first call
                         the two hosts answered differently.

Other options:
  --write-behind         Batch small writes to host files in memory (faster;
                         held bytes are lost if this process is killed before
                         the guest's next other WASI call). Default: every
                         write is in the file when it returns.
  --                     End of options (the next word is <WASM>).
  -V, --version          Print the version.
  -h, --help             Show this help.

Exit status: the guest's (0..125); 134 if it traps, as wasmtime; 1 for an
exit status outside 0..125 or a failed --invoke; 2 for a usage error or a
module that cannot be read, compiled or linked.`;

export interface CliArgs {
  wasm: string;
  args: string[];
  env: Record<string, string>;
  /** [guest path, host path or 'memory', the flag as given] in command-line order. */
  preopens: [string, string, string][];
  /** false, true (to stderr) or a file to write the trace to. */
  trace: boolean | string;
  traceSummary: boolean;
  /** Batch small writes to host files (README, "Write-behind"). */
  writeBehind: boolean;
  invoke: string | undefined;
  argv0: string | undefined;
  traceFormat: 'text' | 'json';
  /** --fault words, in order. */
  faults: string[];
  faultSeed: number | undefined;
  strict: 'warn' | 'error' | undefined;
  /** The seed, or undefined when not deterministic. */
  deterministic: number | undefined;
  record: string | undefined;
  replay: string | undefined;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; args: CliArgs };

/** A mistake on the command line: reported in one line with a pointer to --help, exit 2. */
export class UsageError extends Error {}

/** "/a/b/" → "/a/b": two spellings of one guest path are one preopen. */
function guestKey(p: string): string {
  let s = p;
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** Parses the words after `wasi-host` (with or without `run`). */
export function parseCommand(argv: readonly string[], hostEnv: Record<string, string | undefined>): Command {
  const words = argv[0] === 'run' ? argv.slice(1) : argv;
  const out: CliArgs = { wasm: '', args: [], env: {}, preopens: [], trace: false, traceSummary: false, writeBehind: false, invoke: undefined, argv0: undefined,
    traceFormat: 'text', faults: [], faultSeed: undefined, strict: undefined, deterministic: undefined, record: undefined, replay: undefined };
  const mounted = new Map<string, string>();
  const mount = (guest: string, host: string, given: string): void => {
    if (guest === '') throw new UsageError(`${given}: the guest path is empty`);
    const key = guestKey(guest);
    const before = mounted.get(key);
    if (before !== undefined) throw new UsageError(`${given}: guest path ${key} is already preopened by ${before}`);
    mounted.set(key, given);
    out.preopens.push([guest, host, given]);
  };
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i];
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-h' || a === '--help') return { kind: 'help' };
    if (a === '-V' || a === '--version') return { kind: 'version' };
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = words[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--dir': {
        const v = take();
        const sep = v.indexOf('::');
        if (sep === 0 || v === '') throw new UsageError(`--dir ${v}: the host directory is empty`);
        mount(sep >= 0 ? v.slice(sep + 2) : v, sep >= 0 ? v.slice(0, sep) : v, `--dir ${v}`);
        break;
      }
      case '--mapdir': {
        const v = take();
        const sep = v.indexOf('::');
        if (sep < 0) throw new UsageError(`--mapdir ${v}: expected GUEST::HOST`);
        mount(v.slice(0, sep), v.slice(sep + 2), `--mapdir ${v}`);
        break;
      }
      case '--memdir': {
        const v = take();
        mount(v, 'memory', `--memdir ${v}`);
        break;
      }
      case '--env': {
        const v = take();
        const sep = v.indexOf('=');
        if (sep === 0 || v === '') throw new UsageError(`--env ${v}: the variable name is empty (expected NAME=VALUE or NAME)`);
        if (sep > 0) out.env[v.slice(0, sep)] = v.slice(sep + 1);
        else if (hostEnv[v] !== undefined) out.env[v] = hostEnv[v] as string;
        break;
      }
      case '--invoke':
        out.invoke = take();
        break;
      case '--argv0':
        out.argv0 = take();
        break;
      case '--trace':
        // The value is optional, so only --trace=FILE gives one: `--trace prog.wasm` is the module.
        if (inline === '') throw new UsageError('--trace=: the file name is empty');
        out.trace = inline ?? true;
        break;
      case '--trace-summary':
        if (inline !== undefined) throw new UsageError('--trace-summary takes no value');
        out.traceSummary = true;
        break;
      case '--write-behind':
        if (inline !== undefined) throw new UsageError('--write-behind takes no value');
        out.writeBehind = true;
        break;
      case '--trace-format': {
        const v = take();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--trace-format ${v}: expected text or json`);
        out.traceFormat = v;
        break;
      }
      case '--fault':
        out.faults.push(take());
        break;
      case '--fault-seed':
        out.faultSeed = seedOf('--fault-seed', take());
        break;
      case '--strict':
        // Optional value, as --trace: only --strict=MODE gives one.
        if (inline !== undefined && inline !== 'warn' && inline !== 'error') throw new UsageError(`--strict=${inline}: expected warn or error`);
        out.strict = inline ?? 'warn';
        break;
      case '--deterministic':
        out.deterministic = inline === undefined ? 1 : seedOf('--deterministic', inline);
        break;
      case '--record':
        out.record = take();
        break;
      case '--replay':
        out.replay = take();
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (out.record !== undefined && out.replay !== undefined) throw new UsageError('--record and --replay cannot be combined');
  if (i >= words.length) throw new UsageError('missing <WASM>: the module to run');
  out.wasm = words[i];
  out.args = words.slice(i + 1);
  return { kind: 'run', args: out };
}

function seedOf(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 0xffff_ffff) throw new UsageError(`${flag} ${v}: the seed must be an integer from 0 to 4294967295`);
  return n;
}

/** Parses `wasi-host run`'s options only, for subcommands that take them before their own words (diff). */
export function parseRunWords(words: readonly string[], hostEnv: Record<string, string | undefined>): CliArgs {
  const c = parseCommand(['run', ...words], hostEnv);
  if (c.kind !== 'run') throw new UsageError('--help and --version go before the subcommand');
  return c.args;
}
