// wasi-host/core (src/core.ts) lacks nothing it claims: every wasi-fixture runs on
// it, with MemFS mounted as any Vfs would be, exactly as on the full entry. What it
// leaves to the full entry (src/wasi-full.ts) is a TypeError naming that entry.
import { beforeAll, describe, expect, it } from 'vitest';
import * as core from '../src/core.js';
import * as node from '../src/index.js';
import * as browser from '../src/browser.js';
import { MemFS } from '../src/vfs/memfs.js';
import { fixtureModule, loadFixtures } from './fixture-runner.js';
import { wat } from './wat.js';

const fixtures = loadFixtures();
const FULL = "is in the full entry: use the WASI of 'wasi-host' (wasi-host/core leaves it out)";

describe('every fixture on wasi-host/core (Node)', () => {
  it('has fixtures to run', () => {
    expect(fixtures.length).toBeGreaterThan(10);
  });
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, spec) => {
    const fs = new MemFS(spec.files ?? {});
    const wasi = new core.WASI({
      args: [spec.name, ...(spec.args ?? [])], env: spec.env ?? {}, preopens: { '/sandbox': fs },
      stdin: spec.stdin ?? '', stdout: 'collect', stderr: 'collect',
    });
    const instance = new WebAssembly.Instance(fixtureModule(spec.name), wasi.getImportObject() as unknown as WebAssembly.Imports);
    const exitCode = wasi.start(instance);
    const dec = new TextDecoder();
    expect({ stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()), exitCode }).toEqual({
      stdout: spec.stdout, stderr: spec.stderr ?? '', exitCode: spec.exitCode,
    });
    for (const [path, content] of Object.entries(spec.filesAfter ?? {})) {
      expect(fs.readText(`/${path}`), `file ${path} after the run`).toBe(content);
    }
  });
});

describe('what wasi-host/core leaves to the full entry', () => {
  let memoryOnly: WebAssembly.Module;
  beforeAll(async () => {
    memoryOnly = new WebAssembly.Module(await wat('(module (memory (export "memory") 1))'));
  });
  const reactor = (): WebAssembly.Instance => new WebAssembly.Instance(memoryOnly);

  it('startThreaded, startAsync, getAsyncImportObject and wasi.memory are TypeErrors naming the full entry', () => {
    const wasi = new core.WASI({}) as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => wasi.getAsyncImportObject()).toThrow(new TypeError(`wasi.getAsyncImportObject() ${FULL}`));
    expect(() => wasi.startAsync(reactor())).toThrow(new TypeError(`wasi.startAsync() ${FULL}`));
    expect(() => wasi.startThreaded(memoryOnly)).toThrow(new TypeError(`wasi.startThreaded() ${FULL}`));
    const w = new core.WASI({});
    w.initialize(reactor());
    expect(() => (w as unknown as { memory: unknown }).memory).toThrow(new TypeError(`wasi.memory ${FULL}`));
  });

  it('the trace, interceptors and writeBehind options are TypeErrors naming the full entry, before anything is built', () => {
    for (const [key, value] of [['trace', () => {}], ['interceptors', []], ['writeBehind', true]] as const) {
      expect(() => new core.WASI({ [key]: value } as core.CoreWASIOptions)).toThrow(new TypeError(`WASI: option \`${key}\` ${FULL}`));
    }
  });

  it("version 'unstable' is a TypeError naming the full entry; run() of a wasi_unstable module says so too", async () => {
    const why = "WASI: version 'unstable' (wasi_unstable) is in the full entry: use the WASI of 'wasi-host' (wasi-host/core has preview1 only)";
    expect(() => new core.WASI({ version: 'unstable' })).toThrow(new TypeError(why));
    const legacy = await wat('(module (import "wasi_unstable" "proc_exit" (func (param i32))) (memory (export "memory") 1) (func (export "_start") (call 0 (i32.const 3))))');
    await expect(core.run(legacy)).rejects.toThrow(new TypeError(why));
    expect((await node.run(legacy)).exitCode).toBe(3);
  });

  it('the full entries have all of it: the same calls work there', () => {
    for (const WASI of [node.WASI, browser.WASI]) {
      const wasi = new WASI({ trace: () => {}, interceptors: [], writeBehind: true, version: 'unstable' });
      wasi.initialize(reactor());
      expect(wasi.memory.byteLength).toBe(65536);
      expect(typeof wasi.startThreaded).toBe('function');
      expect(wasi).toBeInstanceOf(WASI);
    }
  });

  it("run() on the core leaves a missing import to the engine's error; the full entry names the import and the fix", async () => {
    const bytes = await wat('(module (import "env" "host_add" (func)) (memory (export "memory") 1) (func (export "_start")))');
    // V8's own words: it names the module, not the import or the fix (src/link.ts).
    await expect(core.run(bytes)).rejects.toThrow(/Import #0 .*"env".*: module is not an object or function/);
    await expect(node.run(bytes)).rejects.toThrow(/^env\.host_add is not provided; pass it in run\(\)'s imports option/);
  });

  it("the core's export list is the shared one: no MemFS, NodeFS, SYSCALLS_UNSTABLE or StdinQueue", () => {
    expect(Object.keys(core).sort()).toEqual(['ERRNO_NAMES', 'Errno', 'SYSCALLS', 'WASI', 'WASIExit', 'run', 'sleepStrategy', 'wasiImportVersion']);
    for (const name of ['ERRNO_NAMES', 'Errno', 'SYSCALLS', 'WASIExit', 'wasiImportVersion']) {
      expect((node as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
      expect((browser as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
    }
    expect(node.SYSCALLS_UNSTABLE).toBe(browser.SYSCALLS_UNSTABLE);
  });
});
