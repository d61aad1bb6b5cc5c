import { wasiImportVersion, type WASIHost, type WASIOptions } from './wasi.js';

/** run()'s options: the WASI options but stdio, which run() collects, and the module's other imports. */
export interface RunOptions extends Omit<WASIOptions, 'stdout' | 'stderr'> {
  /** What the module imports besides WASI, e.g. `{ env: { host_add: (a, b) => a + b } }`. */
  imports?: WebAssembly.Imports;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
  stderrBytes: Uint8Array;
}

/** Names what the module imports that `imports` lacks (src/link.ts); the full entries pass it, the core leaves it to the engine's own error. */
export type ImportCheck = (module: WebAssembly.Module, imports: WebAssembly.Imports, wasiModule: string, fix: string) => void;

/**
 * Instantiates and runs a command with stdout and stderr collected: the common case in one call.
 * Without `version`, the module's own imports choose preview1 or wasi_unstable.
 */
export async function runWith(
  make: (options: WASIOptions) => WASIHost,
  wasm: BufferSource | WebAssembly.Module,
  options: RunOptions = {},
  checkImports?: ImportCheck,
): Promise<RunResult> {
  const { imports = {}, ...wasiOptions } = options;
  if (typeof imports !== 'object' || imports === null) throw new TypeError('run(): option `imports` must be an object such as { env: { f() {} } }');
  const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
  const version = wasiOptions.version ?? wasiImportVersion(module) ?? 'preview1';
  const wasi = make({ ...wasiOptions, version, stdout: 'collect', stderr: 'collect' });
  const wasiImports = wasi.getImportObject();
  const all = { ...imports, ...wasiImports } as unknown as WebAssembly.Imports;
  checkImports?.(module, all, Object.keys(wasiImports)[0], "pass it in run()'s imports option: run(wasm, { imports: { env: { ... } } })");
  const instance = await WebAssembly.instantiate(module, all);
  const exitCode = wasi.start(instance);
  const stdoutBytes = wasi.getStdout();
  const stderrBytes = wasi.getStderr();
  const text = new TextDecoder();
  return { exitCode, stdout: text.decode(stdoutBytes), stderr: text.decode(stderrBytes), stdoutBytes, stderrBytes };
}
