import { wasiImportVersion, type WASIHost, type WASIOptions } from './wasi.js';

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
  stderrBytes: Uint8Array;
}

/**
 * Instantiates and runs a command with stdout and stderr collected: the common case in one call.
 * Without `version`, the module's own imports choose preview1 or wasi_unstable.
 */
export async function runWith(
  make: (options: WASIOptions) => WASIHost,
  wasm: BufferSource | WebAssembly.Module,
  options: Omit<WASIOptions, 'stdout' | 'stderr'> = {},
): Promise<RunResult> {
  const module = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
  const version = options.version ?? wasiImportVersion(module) ?? 'preview1';
  const wasi = make({ ...options, version, stdout: 'collect', stderr: 'collect' });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  const stdoutBytes = wasi.getStdout();
  const stderrBytes = wasi.getStderr();
  const text = new TextDecoder();
  return { exitCode, stdout: text.decode(stdoutBytes), stderr: text.decode(stderrBytes), stdoutBytes, stderrBytes };
}
