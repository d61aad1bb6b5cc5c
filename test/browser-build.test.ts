import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
// @ts-expect-error: a plain .mjs build script without types
import { browser, FILE_TYPE_BITS, INTERNAL_PROPS } from '../scripts/browser-build.mjs';

const require = createRequire(import.meta.url);

describe('browser build stand-ins (scripts/browser-build.mjs)', () => {
  it("the fs-node-utils stand-in gives every constant memfs's tree reads, with the package's values", () => {
    const { constants } = require('@jsonjoy.com/fs-node-utils/lib/constants.js') as { constants: Record<string, number> };
    const read = new Set<string>();
    for (const m of ['Node', 'Link']) {
      const src = readFileSync(require.resolve(`@jsonjoy.com/fs-core/lib/${m}.js`), 'utf8');
      // `const { S_IFMT, ... } = fs_node_utils_1.constants;` is how they read them.
      for (const [, names] of src.matchAll(/const \{([^}]*)\} = fs_node_utils_1\.constants/g)) {
        for (const n of names.split(',')) read.add(n.trim());
      }
      expect(src.replace(/const \{[^}]*\} = fs_node_utils_1\.constants;/g, '')).not.toMatch(/fs_node_utils_1\./);
    }
    expect(read.size).toBeGreaterThan(0);
    for (const n of read) expect([n, FILE_TYPE_BITS[n as keyof typeof FILE_TYPE_BITS]]).toEqual([n, constants[n]]);
  });
});

describe('property mangling (INTERNAL_PROPS, scripts/browser-build.mjs)', () => {
  /**
   * Types whose members are internal though a public type names them: the
   * host context, which only the host's own code holds (a syscall's `fn`
   * takes one, and no API hands one out; subclasses see it as `protected ctx`,
   * which is not API either).
   */
  const OPAQUE = ['HostContext'];
  const ENTRIES = ['src/index.ts', 'src/browser.ts', 'src/core.ts', 'src/porter/index.ts', 'src/runner/node.ts', 'src/runner/browser.ts', 'src/opfs.ts', 'src/browser-napi.ts'];

  /** Every non-private member name of every type a public entry exports, followed through members, signatures and type arguments. */
  function publicMemberNames(opaque: readonly string[] = OPAQUE): Set<string> {
    const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    const program = ts.createProgram(ENTRIES, config!.options);
    const checker = program.getTypeChecker();
    const names = new Set<string>();
    const seen = new Set<ts.Type>();
    const queue: ts.Type[] = [];
    const inLib = (t: ts.Type) => {
      const decls = (t.aliasSymbol ?? t.getSymbol())?.declarations ?? [];
      return decls.length > 0 && decls.every((d) => d.getSourceFile().fileName.includes('/node_modules/'));
    };
    for (const entry of ENTRIES) {
      for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!)) {
        const s = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (s.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class)) queue.push(checker.getDeclaredTypeOfSymbol(s));
        if (s.valueDeclaration !== undefined) queue.push(checker.getTypeOfSymbolAtLocation(s, s.valueDeclaration));
      }
    }
    while (queue.length > 0) {
      const t = queue.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      if (t.isUnionOrIntersection()) queue.push(...t.types);
      if (inLib(t) && !(t.flags & ts.TypeFlags.Object && checker.getTypeArguments(t as ts.TypeReference).length > 0)) continue;
      if (t.flags & ts.TypeFlags.Object && (t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) queue.push(...checker.getTypeArguments(t as ts.TypeReference));
      if (inLib(t)) continue;
      if (opaque.includes((t.aliasSymbol ?? t.getSymbol())?.name ?? '')) continue;
      for (const p of checker.getPropertiesOfType(t)) {
        const d = p.valueDeclaration ?? p.declarations?.[0];
        if (d === undefined) continue;
        if (ts.getCombinedModifierFlags(d) & (opaque.length > 0 ? ts.ModifierFlags.Private | ts.ModifierFlags.Protected : ts.ModifierFlags.Private) || p.name.startsWith('__#')) continue;
        names.add(p.name);
        queue.push(checker.getTypeOfSymbolAtLocation(p, d));
      }
      for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
        for (const p of sig.parameters) if (p.valueDeclaration !== undefined) queue.push(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration));
        queue.push(sig.getReturnType());
      }
      for (const i of checker.getIndexInfosOfType(t)) queue.push(i.type);
    }
    return names;
  }

  function sourcesUnder(dir: string): string {
    return readdirSync(dir, { withFileTypes: true }).map((f) => {
      const p = join(dir, f.name);
      return f.isDirectory() ? sourcesUnder(p) : f.name.endsWith('.ts') ? readFileSync(p, 'utf8') : '';
    }).join('\n');
  }

  const names = INTERNAL_PROPS as readonly string[];

  it('mangles no member of an exported type (the walk sees the public API: WASI, Vfs, GuestMemory through interceptors)', () => {
    const pub = publicMemberNames();
    for (const known of ['getImportObject', 'start', 'lstat', 'atimNs', 'setU32', 'intercept', 'exitCode']) expect([known, pub.has(known)]).toEqual([known, true]);
    expect(names.filter((n) => pub.has(n))).toEqual([]);
  }, 60_000);

  it.skipIf(!process.env.LIST_MANGLE)('lists the names only the opaque types reach (LIST_MANGLE=1: candidates for INTERNAL_PROPS)', () => {
    const all = publicMemberNames([]);
    const pub = publicMemberNames();
    console.log([...all].filter((n) => !pub.has(n)).join(' '));
  }, 60_000);

  it('mangles no name that src/ writes as a string (a quoted key or `in` test would miss the renaming)', () => {
    const src = sourcesUnder('src');
    expect(names.filter((n) => new RegExp(`['"\`]${n}['"\`]`).test(src))).toEqual([]);
  });

  it('mangles no name a bundled package or a built-in type uses, and the names are gone from the built bundles', async () => {
    const lib = readdirSync('node_modules/typescript/lib').filter((f) => /^lib\..*\.d\.ts$/.test(f)).map((f) => readFileSync(`node_modules/typescript/lib/${f}`, 'utf8')).join('\n');
    expect(names.filter((n) => new RegExp(`\\b${n}\\b`).test(lib))).toEqual([]);
    for (const entry of ['src/core.ts', 'src/browser.ts']) {
      const r = await build({ ...browser, entryPoints: [entry], format: 'esm', minify: true, write: false });
      const packages = Object.keys(r.metafile!.inputs).filter((p) => !p.startsWith('src/') && !p.startsWith('standin:')).map((p) => readFileSync(p, 'utf8')).join('\n');
      expect(names.filter((n) => new RegExp(`\\b${n}\\b`).test(packages))).toEqual([]);
      // `.mount` must be gone, `.mounts` may stay: a whole name after the dot.
      expect(names.filter((n) => new RegExp(`\\.${n}(?![\\w$])`).test(r.outputFiles![0].text))).toEqual([]);
    }
  }, 60_000);
});
