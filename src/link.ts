/**
 * Names what a module imports that nobody provides, before
 * WebAssembly.instantiate would fail with V8's "Import #0 module="env"
 * error: module is not an object or function", which names neither the
 * import nor the fix.
 */

const KIND: Readonly<Record<WebAssembly.ImportExportKind, string>> = {
  function: 'a function',
  memory: 'a WebAssembly.Memory',
  table: 'a WebAssembly.Table',
  global: 'a WebAssembly.Global or a number',
};

interface Missing {
  /** `module.name`, whole: a name may hold spaces (wit-bindgen's legacy names do). */
  what: string;
  text: string;
  /** The embedder can supply it (not a WASI import the host should have had). */
  theirs: boolean;
}

/** One entry per import the object lacks, e.g. "env.host_add is not provided". */
export function missingImports(module: WebAssembly.Module, imports: WebAssembly.Imports, wasiModule: string): Missing[] {
  const out: Missing[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = imports[imp.module] as Record<string, unknown> | undefined;
    const value = typeof ns === 'object' && ns !== null ? ns[imp.name] : undefined;
    if (value !== undefined) continue;
    const what = `${imp.module}.${imp.name}`;
    if (imp.module === wasiModule) out.push({ what, text: `${what} is not a ${wasiModule} function wasi-host provides`, theirs: false });
    else if (imp.module === 'wasi_unstable' || imp.module === 'wasi_snapshot_preview1') {
      const version = imp.module === 'wasi_unstable' ? 'unstable' : 'preview1';
      out.push({ what, text: `${what} is not provided: the module imports ${imp.module}, so create the host with version: '${version}'`, theirs: false });
    } else out.push({ what, text: `${what} is not provided${imp.kind === 'function' ? '' : ` (${KIND[imp.kind]})`}`, theirs: true });
  }
  return out;
}

/**
 * Throws a TypeError naming the first missing import and the others, with
 * `fix` (how to supply one) when the embedder can supply it.
 */
export function checkImports(module: WebAssembly.Module, imports: WebAssembly.Imports, wasiModule: string, fix: string): void {
  const missing = missingImports(module, imports, wasiModule);
  if (missing.length === 0) return;
  const others = missing.slice(1, 5).map((m) => m.what);
  const rest = missing.length > 1 ? ` (also missing: ${others.join(', ')}${missing.length > 5 ? ', ...' : ''})` : '';
  throw new TypeError(`${missing[0].text}${missing[0].theirs ? `; ${fix}` : ''}${rest}`);
}
