import type { WASIOptions } from './wasi.js';

/**
 * Every option the WASI class takes. Typed against WASIOptions, so adding an
 * option without listing it here fails the type check instead of being
 * rejected at run time as unknown.
 */
const KNOWN: Readonly<Record<keyof WASIOptions, true>> = {
  version: true,
  args: true,
  env: true,
  preopens: true,
  stdin: true,
  stdout: true,
  stderr: true,
  returnOnExit: true,
  memory: true,
  maxOpenFiles: true,
  trace: true,
  writeBehind: true,
  interceptors: true,
  onHostError: true,
};

/** Options other WASI hosts take, and what to write here instead. */
const INSTEAD: Readonly<Record<string, string>> = {
  fs: "mount a backend as a preopen instead: preopens: { '/': new MemFS({...}) } (or new NodeFS(dir) in Node)",
  bindings: 'wasi-host needs no bindings; mount directories with preopens and pass stdin/stdout/stderr',
  preopenDirectories: "use preopens: { '/guest/path': './host/dir' }",
  mapDirs: "use preopens: { '/guest/path': './host/dir' }",
  argv: "use args (argv[0] included): args: ['prog', 'arg1']",
  environ: 'use env: an object of strings',
};

/** Edit distance, for "did you mean" (names are short, so the quadratic table is fine). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/** The known name closest to `name`, if it is close enough to be a slip. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * The checks node:wasi does not make: unknown keys (a misspelt `preopen`,
 * another library's `fs`), env values that are not strings, preopens that are
 * not a plain object. Each message names the option and the fix.
 */
export function checkOptionShapes(options: object): void {
  for (const key of Object.keys(options)) {
    if (key in KNOWN) continue;
    const instead = INSTEAD[key];
    if (instead !== undefined) throw new TypeError(`WASI: unknown option \`${key}\`: ${instead}`);
    const guess = closest(key, Object.keys(KNOWN));
    throw new TypeError(
      `WASI: unknown option \`${key}\`${guess !== undefined ? `; did you mean \`${guess}\`?` : ''} (options are ${Object.keys(KNOWN).join(', ')})`,
    );
  }
  const { env, preopens } = options as WASIOptions;
  if (env !== undefined && typeof env === 'object' && env !== null) {
    for (const [name, value] of Object.entries(env)) {
      if (value !== undefined && typeof value !== 'string') {
        throw new TypeError(`WASI: env.${name} must be a string, got ${describe(value)} (write String(value))`);
      }
      if (name === '' || name.includes('=')) {
        throw new TypeError(`WASI: env name ${JSON.stringify(name)} must be non-empty and without '='`);
      }
    }
  }
  if (preopens !== undefined && (Array.isArray(preopens) || preopens instanceof Map)) {
    throw new TypeError(
      `WASI: preopens must be an object mapping guest paths to host directories or backends, e.g. { '/data': './data' }; got ${preopens instanceof Map ? 'a Map (use Object.fromEntries(map))' : 'an array'}`,
    );
  }
}
