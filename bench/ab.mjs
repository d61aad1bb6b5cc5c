// A/B of two builds of wasi-host in one process: the same import calls made
// alternately against each build's dist/, so load on a shared machine falls
// on both alike. Reports the minimum and median ns per call of each.
//
//   node bench/ab.mjs /path/to/other/checkout [--rounds N]
//
// The other checkout must have been built (npm run build). Calls: a 16-byte
// fd_write to an ignored stdout, clock_time_get, path_open+fd_filestat_get+
// fd_close on MemFS and on a host directory (a name in the preopen, and one a
// directory below it, on each), and a 100-entry fd_readdir.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const other = process.argv[2];
if (other === undefined) {
  console.error('usage: node bench/ab.mjs OTHER_CHECKOUT [--rounds N]');
  process.exit(2);
}
const ri = process.argv.indexOf('--rounds');
const ROUNDS = ri > 0 ? Number(process.argv[ri + 1]) : 15;
const builds = {
  this: await import(pathToFileURL(resolve('dist/index.js')).href),
  other: await import(pathToFileURL(resolve(other, 'dist/index.js')).href),
};
const dir = mkdtempSync(join(tmpdir(), 'wasi-host-ab-'));
mkdirSync(join(dir, 'd'));
for (let i = 0; i < 100; i++) {
  writeFileSync(join(dir, `f${i}`), 'x');
  writeFileSync(join(dir, 'd', `f${i}`), 'x');
}
const seed = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [[`f${i}`, 'x'], [`d/f${i}`, 'x']]).flat());

function setup(lib) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const wasi = new lib.WASI({ stdout: 'ignore', stdin: '', preopens: { '/m': new lib.MemFS(seed), '/h': dir } });
  wasi.initialize({ exports: { memory } });
  const v = new DataView(memory.buffer);
  v.setUint32(0, 64, true); // iovec: 16 bytes at 64
  v.setUint32(4, 16, true);
  new Uint8Array(memory.buffer).set(new TextEncoder().encode('f7'), 200);
  new Uint8Array(memory.buffer).set(new TextEncoder().encode('d/f7'), 210);
  const imp = wasi.wasiImport;
  return {
    fd_write: () => imp.fd_write(1, 0, 1, 8),
    clock_time_get: () => imp.clock_time_get(1, 0n, 16),
    'open+fstat+close memfs': () => { imp.path_open(3, 1, 200, 2, 0, 0x3fffffffn & ~0x40n, 0n, 0, 24); const fd = v.getUint32(24, true); imp.fd_filestat_get(fd, 300); imp.fd_close(fd); },
    'open+fstat+close memfs d/f7': () => { imp.path_open(3, 1, 210, 4, 0, 0x3fffffffn & ~0x40n, 0n, 0, 24); const fd = v.getUint32(24, true); imp.fd_filestat_get(fd, 300); imp.fd_close(fd); },
    'open+fstat+close host': () => { imp.path_open(4, 1, 200, 2, 0, 0x3fffffffn & ~0x40n, 0n, 0, 24); const fd = v.getUint32(24, true); imp.fd_filestat_get(fd, 300); imp.fd_close(fd); },
    'open+fstat+close host d/f7': () => { imp.path_open(4, 1, 210, 4, 0, 0x3fffffffn & ~0x40n, 0n, 0, 24); const fd = v.getUint32(24, true); imp.fd_filestat_get(fd, 300); imp.fd_close(fd); },
    'fd_readdir 100 memfs': () => imp.fd_readdir(3, 1024, 8192, 0n, 28),
  };
}
const sets = { this: setup(builds.this), other: setup(builds.other) };
const names = Object.keys(sets.this);
const results = {};
for (const name of names) {
  const n = name === 'fd_write' || name === 'clock_time_get' ? 200_000 : name.startsWith('open') ? 20_000 : 5_000;
  results[name] = { this: [], other: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of r % 2 === 0 ? ['this', 'other'] : ['other', 'this']) {
      const f = sets[which][name];
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) f();
      results[name][which].push(Number(process.hrtime.bigint() - t0) / n);
    }
  }
}
rmSync(dir, { recursive: true, force: true });
const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { min: s[0], med: s[s.length >> 1] }; };
console.log(`| call | this min | other min | this/other (min) | this median | other median |`);
console.log(`| --- | --: | --: | --: | --: | --: |`);
for (const name of names) {
  const a = stat(results[name].this);
  const b = stat(results[name].other);
  console.log(`| ${name} | ${a.min.toFixed(0)} ns | ${b.min.toFixed(0)} ns | ${(a.min / b.min).toFixed(2)} | ${a.med.toFixed(0)} ns | ${b.med.toFixed(0)} ns |`);
}
