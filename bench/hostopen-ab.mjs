// open+fstat+close on a host directory, in one process: the bare fs calls
// wasi-host makes (the floor) against this build's and another build's
// path_open+fd_filestat_get+fd_close, round after round in alternating order,
// so the load of a shared machine falls on all alike. Prints min and median
// ns per iteration, and each build over the floor.
//
//   node bench/hostopen-ab.mjs [OTHER_CHECKOUT] [--rounds N] [--n N] [--only NAME]
//   node bench/hostopen-ab.mjs [OTHER_CHECKOUT] --wasm [--rounds N] [--n N]
//
// With --wasm: the bench's own guest instead (bench/workloads/open_stat.wasm,
// N opens over 1000 names of /in/dir), a fresh host and instance per run,
// under node:wasi and each build in turn (a host directory, and a MemFS
// seeded with the same names): the open_stat row's ratio to
// node:wasi without a fresh process per runtime (the row's cold-process
// swings are ±30% on a shared machine). Prints ms per run.
//
// Both checkouts must be built (node scripts/build.mjs). As the bench's
// open_stat row: `dir/fNNNNN` below the preopen, cycling over 1000 names,
// open O_RDONLY with the rights wasi-libc asks for. Also `fNNNNN` in the preopen
// itself (no directory to check on the way). Floors (all Linux, as NodeFS):
//   floor 5   lstat of the directory by path, open via /proc/self/fd/HELD with
//             O_NOFOLLOW|O_NONBLOCK|O_NOCTTY, fstat (bigint), fstat (bigint), close:
//             bench/probe.mjs openfirst_floor
//   floor 5n  the same with the open's fstat in number mode (it only asks the kind)
//   floor 4n  fNNNNN: open by the preopen's path, fstat (number), fstat (bigint), close
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { takeFlag, takeOption } from './options.mjs';

const argv = process.argv.slice(2);
const ROUNDS = Number(takeOption(argv, '--rounds', 11));
const N = Number(takeOption(argv, '--n', 20000));
const only = takeOption(argv, '--only', undefined);
const wasm = takeFlag(argv, '--wasm');
const other = argv[0];

const C = fs.constants;
const dir = fs.mkdtempSync(join(tmpdir(), 'wasi-host-hostopen-'));
fs.mkdirSync(join(dir, 'dir'));
const names = Array.from({ length: 1000 }, (_, i) => `f${String(i).padStart(5, '0')}`);
for (const n of names) {
  fs.writeFileSync(join(dir, 'dir', n), 'x');
  fs.writeFileSync(join(dir, n), 'x');
}

/** The 4 calls of a name in the preopen: open by the root's path, fstat, fstat, close. */
function floorTop() {
  const paths = names.map((n) => join(dir, n));
  const OF = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;
  return (i) => {
    const fd = fs.openSync(paths[i % 1000], OF);
    if (!fs.fstatSync(fd).isFile()) throw new Error('not a file');
    fs.fstatSync(fd, { bigint: true });
    fs.closeSync(fd);
  };
}

function floor(numberFirst) {
  const dirPath = join(dir, 'dir');
  const held = fs.openSync(dirPath, 0o10000000 | C.O_DIRECTORY | C.O_NOFOLLOW);
  const paths = names.map((n) => `/proc/self/fd/${held}/${n}`);
  const OF = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK | C.O_NOCTTY;
  return (i) => {
    fs.lstatSync(dirPath, { throwIfNoEntry: false });
    const fd = fs.openSync(paths[i % 1000], OF);
    if (!(numberFirst ? fs.fstatSync(fd) : fs.fstatSync(fd, { bigint: true })).isFile()) throw new Error('not a file');
    fs.fstatSync(fd, { bigint: true });
    fs.closeSync(fd);
  };
}

async function host(checkout) {
  const lib = await import(pathToFileURL(resolve(checkout, 'dist/index.js')).href);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new lib.WASI({ stdout: 'ignore', stdin: '', preopens: { '/in': dir } });
  wasi.initialize({ exports: { memory } });
  const v = new DataView(memory.buffer);
  const u8 = new Uint8Array(memory.buffer);
  const enc = new TextEncoder();
  names.forEach((n, i) => u8.set(enc.encode(`dir/${n}`), 1024 + i * 16));
  const imp = wasi.wasiImport;
  const rights = 0x3fffffffn & ~0x40n;
  const run = (off, len) => (i) => {
    if (imp.path_open(3, 1, 1024 + (i % 1000) * 16 + off, len, 0, rights, 0n, 0, 24) !== 0) throw new Error('path_open failed');
    const fd = v.getUint32(24, true);
    imp.fd_filestat_get(fd, 300);
    imp.fd_close(fd);
  };
  return { 'dir/fNNNNN': run(0, 10), fNNNNN: run(4, 6) };
}

if (wasm) {
  const module = new WebAssembly.Module(fs.readFileSync(new URL('./workloads/open_stat.wasm', import.meta.url)));
  const { WASI: NodeWASI } = await import('node:wasi');
  const args = ['open_stat', '/in/dir', '1000', String(N)];
  const runners = { 'node:wasi': () => new NodeWASI({ version: 'preview1', args, env: {}, preopens: { '/in': dir }, returnOnExit: true, stdout: fs.openSync('/dev/null', 'w') }) };
  const builds = { this: '.', ...(other !== undefined ? { other } : {}) };
  for (const [who, at] of Object.entries(builds)) {
    const lib = await import(pathToFileURL(resolve(at, 'dist/index.js')).href);
    runners[who] = () => new lib.WASI({ version: 'preview1', args, env: {}, preopens: { '/in': dir }, returnOnExit: true, stdout: 'ignore' });
    const seed = Object.fromEntries(names.map((n) => [`dir/${n}`, 'x']));
    runners[`${who} memfs`] = () => new lib.WASI({ version: 'preview1', args, env: {}, preopens: { '/in': new lib.MemFS(seed) }, returnOnExit: true, stdout: 'ignore' });
  }
  const ms = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
  const keys = Object.keys(runners);
  for (let r = 0; r < ROUNDS; r++) {
    for (const who of r % 2 === 0 ? keys : [...keys].reverse()) {
      const wasi = runners[who]();
      const instance = new WebAssembly.Instance(module, wasi.getImportObject());
      const t0 = performance.now();
      const code = wasi.start(instance);
      ms[who].push(performance.now() - t0);
      if (code !== 0) throw new Error(`${who}: exit ${code}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const st = (xs) => { const s = [...xs].sort((a, b) => a - b); return { min: s[0], med: s[s.length >> 1] }; };
  const base = st(ms['node:wasi']);
  console.log(`open_stat.wasm, ${N} opens, ${ROUNDS} rounds`);
  console.log('| runtime | min ms | median ms | min ÷ node:wasi | median ÷ node:wasi |');
  console.log('| --- | --: | --: | --: | --: |');
  for (const [who, xs] of Object.entries(ms)) {
    const s = st(xs);
    console.log(`| ${who} | ${s.min.toFixed(1)} | ${s.med.toFixed(1)} | ${(s.min / base.min).toFixed(3)} | ${(s.med / base.med).toFixed(3)} |`);
  }
  process.exit(0);
}

const subjects = { 'floor 5': { 'dir/fNNNNN': floor(false) }, 'floor 5n': { 'dir/fNNNNN': floor(true) }, 'floor 4n': { fNNNNN: floorTop() }, this: await host('.') };
if (other !== undefined) subjects.other = await host(other);
const rows = [];
for (const [who, fns] of Object.entries(subjects)) for (const what of Object.keys(fns)) rows.push([who, what]);
const chosen = only === undefined ? rows : rows.filter(([who, what]) => `${who} ${what}`.includes(only));
const times = new Map(chosen.map((r) => [r.join(' '), []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? chosen : [...chosen].reverse();
  for (const [who, what] of order) {
    const f = subjects[who][what];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) f(i);
    times.get(`${who} ${what}`).push(Number(process.hrtime.bigint() - t0) / N);
  }
}
fs.rmSync(dir, { recursive: true, force: true });
const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { min: s[0], med: s[s.length >> 1] }; };
const floorOf = stat(times.get('floor 5 dir/fNNNNN') ?? [NaN]);
console.log(`${ROUNDS} rounds × ${N}; ÷ floor: over 'floor 5 dir/fNNNNN'`);
console.log('| subject | path | min ns | median ns | min ÷ floor | median ÷ floor |');
console.log('| --- | --- | --: | --: | --: | --: |');
for (const [key, xs] of times) {
  const s = stat(xs);
  const [who, what] = key.split(' ').length === 3 ? [key.split(' ').slice(0, 2).join(' '), key.split(' ')[2]] : key.split(' ');
  console.log(`| ${who} | ${what} | ${s.min.toFixed(0)} | ${s.med.toFixed(0)} | ${(s.min / floorOf.min).toFixed(3)} | ${(s.med / floorOf.med).toFixed(3)} |`);
}
