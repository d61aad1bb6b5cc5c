// Issue 15, the porter's modes, each on fixtures end to end: fault injection
// (error paths taken, faults on the trace, reproducible from the seed),
// one-entry listings reproducing libc++ remove_all's bug class, strict mode
// on a fixture written to misuse the ABI, deterministic runs byte for byte,
// record and replay (in Node here; in Chromium in test/browser.test.ts), and
// tracing another host (node:wasi).
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WASI as NodeWASI } from 'node:wasi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WASIExit } from '../src/syscalls/context.js';
import { SYSCALLS } from '../src/syscalls/table.js';
import { MemFS, WASI } from '../src/index.js';
import { porter, type PorterOptions } from '../src/porter/options.js';
import { parseFaultSpec } from '../src/porter/fault-spec.js';
import { StrictViolation, type StrictReport } from '../src/porter/strict.js';
import { ReplayDivergence } from '../src/porter/replay.js';
import { traceHost } from '../src/porter/trace-host.js';
import { formatTraceEntry, type TraceEntry } from '../src/trace.js';
import { FIXTURE_DIR, fixtureModule, loadFixtures } from './fixture-runner.js';

const spec = (name: string) => {
  const s = loadFixtures().find((f) => f.name === name);
  if (s === undefined) throw new Error(`no fixture ${name}`);
  return s;
};
const porterModule = (name: string): WebAssembly.Module => new WebAssembly.Module(readFileSync(join(FIXTURE_DIR, 'porter', `${name}.wasm`)));

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
  trace: string;
  entries: TraceEntry[];
}

/** Runs a module on a fresh MemFS at /sandbox with the porter's options, the trace kept. */
function runWith(module: WebAssembly.Module, extra: PorterOptions, files: Record<string, string | null> = {}, args: string[] = []): Run {
  const entries: TraceEntry[] = [];
  const wasi = new WASI(porter({
    version: 'preview1', args: ['prog', ...args], env: {}, preopens: { '/sandbox': new MemFS(files) }, stdin: '', stdout: 'collect', stderr: 'collect',
    trace: (e) => entries.push(e),
    ...extra,
  }));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as unknown as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  const dec = new TextDecoder();
  return {
    exitCode, stdout: dec.decode(wasi.getStdout()), stderr: dec.decode(wasi.getStderr()),
    trace: entries.map((e) => formatTraceEntry(e, { times: false })).join(''), entries,
  };
}

describe('fault injection', () => {
  it('ENOSPC on the nth fd_write makes cp take its error path, and the trace shows the injected fault', () => {
    const cp = spec('cp');
    const clean = runWith(fixtureModule('cp'), {}, cp.files, cp.args);
    expect(clean.exitCode).toBe(cp.exitCode);
    const faulted = runWith(fixtureModule('cp'), { faults: parseFaultSpec(['fd_write:ENOSPC@1']) }, cp.files, cp.args);
    expect(faulted.exitCode).not.toBe(0);
    expect(faulted.stderr).toMatch(/No space left on device/);
    expect(faulted.trace).toMatch(/fd_write\(.*\) -> 51 ENOSPC {2}\[fault: injected ENOSPC at call 1 of fd_write\]/);
  });

  it('short reads and writes leave cat\'s output whole, every transfer shorter, and the same seed gives the same trace', () => {
    const cat = spec('cat');
    const plan = parseFaultSpec(['short-io'], 7);
    const a = runWith(fixtureModule('cat'), { faults: plan }, cat.files, cat.args);
    const b = runWith(fixtureModule('cat'), { faults: plan }, cat.files, cat.args);
    expect(a.stdout).toBe(cat.stdout);
    expect(a.trace).toMatch(/\[fault: short read, \d+ of \d+ bytes offered\]/);
    expect(a.trace).toMatch(/\[fault: short write, \d+ of \d+ bytes offered\]/);
    expect(a.entries.filter((e) => e.name === 'fd_read').length).toBeGreaterThan(10);
    expect(b.trace).toBe(a.trace);
    const other = runWith(fixtureModule('cat'), { faults: parseFaultSpec(['short-io'], 8) }, cat.files, cat.args);
    expect(other.trace).not.toBe(a.trace);
  });

  it('EMFILE from path_open and EIO from fd_read, with a probability, reach the program', () => {
    const cat = spec('cat');
    const r = runWith(fixtureModule('cat'), { faults: parseFaultSpec(['path_open:EMFILE@2']) }, cat.files, cat.args);
    expect(r.trace).toMatch(/path_open\(.*\) -> 33 EMFILE {2}\[fault/);
    const io = runWith(fixtureModule('cat'), { faults: parseFaultSpec(['fd_read:EIO%1']) }, cat.files, cat.args);
    expect(io.stderr).toMatch(/input.txt: read error/);
    expect(io.trace).toMatch(/fd_read\(.*\) -> 29 EIO {2}\[fault: injected EIO at call 1 of fd_read\]/);
  });

  it('clocks jump forward (monotonic) and back (realtime) when told', () => {
    const r = runWith(porterModule('time_random'), { faults: parseFaultSpec(['clock-jump=-3600@1']) });
    expect(r.trace).toMatch(/\[fault: clock jumped by -3600000000000 ns\]/);
    const mono = /monotonic step (-?\d+) ns/.exec(r.stdout);
    expect(Number(mono?.[1])).toBeGreaterThanOrEqual(0);
  });

  it('refuses errnos the call cannot return, naming those it can', () => {
    expect(() => parseFaultSpec(['fd_read:ENOSPC'])).toThrow(/fd_read may not return ENOSPC \(POSIX gives it: EAGAIN, EBADF, EINTR/);
    expect(() => parseFaultSpec(['args_get:EIO'])).toThrow(/args_get cannot be made to fail/);
    expect(() => parseFaultSpec(['shortreads'])).toThrow(/--fault shortreads: expected/);
  });
});

describe('one-entry listings: libc++ remove_all\'s bug class', () => {
  it('a program that unlinks while it reads a directory skips entries when each fd_readdir returns one entry', () => {
    const clean = runWith(fixtureModule('readdir_unlink'), {});
    expect(clean.stdout).toBe(spec('readdir_unlink').stdout);
    const r = runWith(fixtureModule('readdir_unlink'), { faults: { readdirOneEntry: true } });
    expect(r.stdout).toBe('removed 6 of 12 entries while reading\nrmdir: Directory not empty\n');
    expect(r.exitCode).toBe(1);
    expect(r.trace).toMatch(/fd_readdir\(.*\) -> 0 bufused=4096 {2}\[fault: one entry per fd_readdir call\]/);
  });

  it('a program that lists without changing the directory sees every entry, one call each', () => {
    const ls = spec('ls_recursive');
    const r = runWith(fixtureModule('ls_recursive'), { faults: { readdirOneEntry: true } }, ls.files, ls.args);
    expect(r.stdout).toBe(ls.stdout);
    expect(r.entries.filter((e) => e.name === 'fd_readdir').length).toBeGreaterThan(20);
  });
});

describe('strict mode', () => {
  it('flags each misuse of the misuse fixture, one report with its trace line and spec section', () => {
    const reports: StrictReport[] = [];
    const r = runWith(porterModule('misuse'), { strict: { mode: 'warn', onReport: (x) => reports.push(x) } }, { 'a.txt': 'abcdefgh' });
    expect(r.exitCode).toBe(200);
    const lines = reports.map((x) => `${x.call}: ${x.problem} (${x.spec})`);
    expect(lines).toEqual([
      'path_open: oflags has bits 0x10 that oflags does not define (shared/spec/docs.md#oflags)',
      'path_open: fs_rights_base has bits 0x10000000000 that rights does not define (shared/spec/docs.md#rights)',
      'path_open: asks for rights 0x40 that fd 5 cannot grant (it passes on 0x2) (shared/spec/docs.md#path_open)',
      'fd_readdir: cookie 12345 was not returned by an earlier fd_readdir on fd 5 (shared/spec/docs.md#dircookie)',
      'fd_readdir: fd 5 is used after the guest closed it (shared/spec/docs.md#fd_close)',
      'fd_read: iovecs 0 and 1 overlap, so the bytes read into one overwrite the other (shared/spec/docs.md#iovec)',
      'fd_write: writes to stdin (shared/spec/docs.md#fd_write)',
      'proc_exit: exit status 200 is outside 0..125 (126 and up mean "not run" or a signal to a shell) (shared/spec/docs.md#exitcode)',
    ]);
    expect(reports[0].traceLine).toMatch(/^\[wasi\] path_open\(fd=3, dirflags=0, path="a.txt", oflags=17, /);
  });

  it('a lenient run of the same fixture reports nothing, and strict=error traps at the first misuse', () => {
    const reports: StrictReport[] = [];
    expect(() => runWith(porterModule('misuse'), { strict: { mode: 'error', onReport: (x) => reports.push(x) } }, { 'a.txt': 'abcdefgh' }))
      .toThrow(StrictViolation);
    expect(reports).toEqual([]);
    try {
      runWith(porterModule('misuse'), { strict: 'error' }, { 'a.txt': 'abcdefgh' });
    } catch (e) {
      expect((e as Error).message).toMatch(/^wasi-host strict: path_open: oflags has bits 0x10 .*\n {2}\[wasi\] path_open\(.*\) -> not run$/);
    }
  });

  it('passes a well-behaved program (every fixture of the cat/cp/ls kind) without a report', () => {
    for (const name of ['cat', 'cp', 'ls_recursive', 'seek_io', 'links']) {
      const s = spec(name);
      const reports: StrictReport[] = [];
      runWith(fixtureModule(name), { strict: { mode: 'warn', onReport: (x) => reports.push(x) } }, s.files, s.args);
      expect(reports, name).toEqual([]);
    }
  });
});

describe('deterministic runs', () => {
  it('two runs of a program printing times, random bytes and inode numbers are byte-identical, output and trace', () => {
    const a = runWith(porterModule('time_random'), { deterministic: { seed: 42 } });
    const b = runWith(porterModule('time_random'), { deterministic: { seed: 42 } });
    expect(a.stdout).toBe(b.stdout);
    expect(a.trace).toBe(b.trace);
    expect(a.stdout).toMatch(/^realtime 946684800\.001000000\nmonotonic step 1000000 ns\nrandom( [0-9a-f]{2}){16}\nnew\.txt ino 100\d mtime 9466848\d\d\.\d{9} dev 1\nreaddir new\.txt ino 100\d\n$/);
    const ino = /new\.txt ino (\d+)/.exec(a.stdout)?.[1];
    expect(a.stdout).toContain(`readdir new.txt ino ${ino}`);
    const other = runWith(porterModule('time_random'), { deterministic: { seed: 43 } });
    expect(other.stdout.split('\n')[2]).not.toBe(a.stdout.split('\n')[2]);
    const real = runWith(porterModule('time_random'), {});
    expect(real.stdout).not.toBe(a.stdout);
  });
});

describe('record and replay', () => {
  it('replays a recorded run with no filesystem: the same output, and stops at the first call that differs', () => {
    const cat = spec('cat');
    const lines: string[] = [];
    const rec = runWith(fixtureModule('cat'), { record: (l) => lines.push(l) }, cat.files, cat.args);
    expect(rec.stdout).toBe(cat.stdout);
    expect(JSON.parse(lines[0])).toEqual({ wasiHostRecording: 1 });
    // No files at all: every answer comes from the recording.
    const out: string[] = [];
    const rep = runWith(fixtureModule('cat'), { replay: { recording: lines, onOutput: (fd, b) => out.push(`${fd}:${new TextDecoder().decode(b)}`) } }, {}, cat.args);
    expect(rep.exitCode).toBe(rec.exitCode);
    expect(rep.stdout).toBe('');
    expect(out.filter((o) => o.startsWith('1:')).map((o) => o.slice(2)).join('')).toBe(cat.stdout);
    expect(rep.entries.map((e) => formatTraceEntry(e, { times: false }))).toEqual(rec.entries.map((e) => formatTraceEntry(e, { times: false })));
    // Another program (a changed build, say) makes other calls, and the replay stops at the first.
    let err: unknown;
    try {
      runWith(fixtureModule('argv'), { replay: lines });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReplayDivergence);
    expect((err as Error).message).toMatch(/^replay: call \d+ differs from the recording\n {2}recorded: \w+\(.*\)\n {2}replayed: \w+\(.*\)$/);
  });
});

describe('traces of another host', () => {
  it('wraps node:wasi\'s imports in the same tracing layer', () => {
    const entries: TraceEntry[] = [];
    const devNull = openSync('/dev/null', 'w');
    const host = new NodeWASI({ version: 'preview1', args: ['exit_code'], env: {}, returnOnExit: true, stdout: devNull, stderr: devNull });
    const traced = traceHost(host.wasiImport, (e) => entries.push(e));
    const instance = new WebAssembly.Instance(fixtureModule('exit_code'), { wasi_snapshot_preview1: traced.wasiImport } as unknown as WebAssembly.Imports);
    traced.attach(instance.exports.memory as WebAssembly.Memory);
    expect(host.start(instance)).toBe(42);
    closeSync(devNull);
    const lines = entries.map((e) => formatTraceEntry(e, { times: false }));
    expect(lines[0]).toMatch(/^\[wasi\] fd_fdstat_get\(fd=1, stat_out=\d+\) -> 0\n$/);
    expect(lines.at(-1)).toBe('[wasi] proc_exit(rval=42) -> exit\n');
  });
});

describe('the porter\'s layers never let the guest make the host throw', () => {
  it('every import, random arguments and memory (and the wrong number of them), under faults, strict, deterministic and record', () => {
    const PAGE = 65536;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const defs = SYSCALLS.filter((d) => d.name !== 'poll_oneoff'); // random clock subscriptions would sleep for ages
    const i32 = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: PAGE + 64 }), fc.constant(0xffffffff), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    const i64 = fc.oneof(fc.bigInt({ min: 0n, max: 64n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defs.length - 1 }), fc.array(fc.tuple(i32, i64), { minLength: 9, maxLength: 9 }), fc.nat(), fc.boolean(), (which, raw, seed, dropOne) => {
        const def = defs[which];
        const bytes = new Uint8Array(memory.buffer);
        let s = seed >>> 0;
        for (let i = 0; i < PAGE; i += 4) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          // Small words, so lengths and pointers land inside the page often.
          new DataView(memory.buffer).setUint32(i, s % 7 === 0 ? s : s % 4096, true);
        }
        bytes.set(new TextEncoder().encode('a.txt\0'), 100);
        const wasi = new WASI(porter({
          preopens: { '/sandbox': new MemFS({ 'a.txt': 'hello\n', 'd/': null }) }, stdin: 'in', stdout: 'ignore', stderr: 'ignore',
          trace: () => {},
          faults: { seed, shortReads: true, shortWrites: true, readdirOneEntry: true, clockJump: { every: 2, ns: -5n }, errnos: [{ call: 'fd_write', errno: 'EIO', probability: 0.3 }] },
          strict: { mode: 'warn', onReport: () => {} },
          deterministic: { seed },
          record: () => {},
        }));
        wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);
        const args = def.params.map(([, t], i) => (t === 'i64' ? raw[i][1] : raw[i][0]));
        const fn = (wasi.wasiImport as unknown as Record<string, (...a: (number | bigint)[]) => number>)[def.name];
        try {
          const errno = fn(...(dropOne && args.length > 0 ? args.slice(0, -1) : args));
          expect(typeof errno === 'number' || def.name === 'proc_exit').toBe(true);
        } catch (e) {
          if (!(e instanceof WASIExit)) throw e;
        } finally {
          wasi.dispose();
        }
      }),
      { numRuns: 400, seed: 15 },
    );
  });
});
