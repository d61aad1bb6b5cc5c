// The host calls a host-directory open could be made of, each alone, in one
// process, round after round: what the directory check (the lstat of a
// directory on the way, src/vfs/node.ts openFile) costs against the
// alternatives that would check the same thing, and what /proc/self/fd costs
// an open. Prints min and median ns per call.
//
//   node bench/hostcalls-probe.mjs [ROUNDS]
//
// Rows: fstat of an open file (bigint, number mode); lstat of a directory by
// path (number, bigint); readlink of /proc/self/fd/H (H: a held O_PATH
// descriptor of that directory: where it is now); lstat of /proc/self/fd/H/.;
// access of the directory (no identity: a lower bound for any check by path);
// open+close of a name through /proc/self/fd/H, through /proc/PID/fd/H, and
// by its plain path.
import fs from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const C = fs.constants;
const dir = mkdtempSync(join(tmpdir(), 'wasi-host-hostcalls-'));
mkdirSync(join(dir, 'dir'));
for (let i = 0; i < 1000; i++) writeFileSync(join(dir, 'dir', `f${String(i).padStart(5, '0')}`), 'x');
const held = fs.openSync(join(dir, 'dir'), 0o10000000 | C.O_DIRECTORY | C.O_NOFOLLOW);
const f = fs.openSync(join(dir, 'dir', 'f00001'), 'r');
const dp = join(dir, 'dir');
const procHeld = `/proc/self/fd/${held}`;
const names = Array.from({ length: 1000 }, (_, i) => `f${String(i).padStart(5, '0')}`);
const via = names.map((n) => `${procHeld}/${n}`);
const viaPid = names.map((n) => `/proc/${process.pid}/fd/${held}/${n}`);
const direct = names.map((n) => `${dp}/${n}`);
const OF = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;
const tests = {
  'fstat bigint': () => fs.fstatSync(f, { bigint: true }),
  'fstat number': () => fs.fstatSync(f),
  'lstat dir number': () => fs.lstatSync(dp, { throwIfNoEntry: false }),
  'lstat dir bigint': () => fs.lstatSync(dp, { bigint: true, throwIfNoEntry: false }),
  'readlink proc held': () => fs.readlinkSync(procHeld),
  'lstat proc held/.': () => fs.lstatSync(procHeld + '/.', { throwIfNoEntry: false }),
  'open+close via proc': (i) => fs.closeSync(fs.openSync(via[i % 1000], OF)),
  'open+close /proc/PID': (i) => fs.closeSync(fs.openSync(viaPid[i % 1000], OF)),
  'open+close direct': (i) => fs.closeSync(fs.openSync(direct[i % 1000], OF)),
  'access dir': () => fs.accessSync(dp),
};
const R = Number(process.argv[2] ?? 9), N = 20000;
const res = {};
for (let r = 0; r < R; r++) for (const [k, fn] of Object.entries(tests)) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  (res[k] ??= []).push(Number(process.hrtime.bigint() - t0) / N);
}
for (const [k, xs] of Object.entries(res)) { xs.sort((a, b) => a - b); console.log(k.padEnd(22), 'min', xs[0].toFixed(0), 'med', xs[xs.length >> 1].toFixed(0)); }
rmSync(dir, { recursive: true, force: true });
