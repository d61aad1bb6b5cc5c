// Unbatched small writes against "JS writeSync alone", in one process: the
// write_small workload (100,000 × 32-byte fd_write) under wasi-host and
// node:wasi, and the bare fs.writeSync loop it is bounded by, called
// alternately round after round, so load from other processes falls on all
// three alike (the full bench's fresh processes swing ±2× on a loaded machine).
// Prints the minimum and median µs per write of each, to a host file and to a
// stdout that is a file. A probe row runs the same guest with the least JS
// fd_write (bench/least-fd-write.mjs): the floor for any JS host of this guest.
//
//   node scripts/build.mjs && node bench/writes-ab.mjs [--rounds N] [--count N] [--other DIST_DIR]
//
// --other adds the wasi-host rows for another build's dist/ (a copy with a
// {"type":"module"} package.json beside it), alternated with this one's.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { leastFdWriteRun } from './least-fd-write.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('--rounds', 9);
const COUNT = arg('--count', 100_000);
const otherAt = process.argv.indexOf('--other');
const otherDist = otherAt > 0 ? path.resolve(process.argv[otherAt + 1]) : undefined;

const { WASI } = await import(pathToFileURL(path.join(here, '..', 'dist', 'index.js')).href);
const { WASI: NodeWASI } = await import('node:wasi');
const Other = otherDist === undefined ? undefined : (await import(pathToFileURL(path.join(otherDist, 'index.js')).href)).WASI;
const module = new WebAssembly.Module(fs.readFileSync(path.join(here, 'workloads', 'write_small.wasm')));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasi-host-writes-'));

/** A fresh file in `dir` for fd 1 of a stdout run. */
const outFd = (name) => fs.openSync(path.join(dir, name), 'w');

/** The write_small guest with the least JS fd_write (bench/least-fd-write.mjs). */
function leastFdWrite(guestPath, stdoutFd) {
  return leastFdWriteRun({ WASI, module, dir, guestPath, count: COUNT, stdoutFd });
}

const runs = {
  'file: wasi-host': () => {
    const wasi = new WASI({ version: 'preview1', args: ['write_small', '/d/h.bin', String(COUNT), '32'], env: {}, preopens: { '/d': dir }, stdout: 'ignore', returnOnExit: true });
    return wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
  },
  'file: node:wasi': () => {
    const wasi = new NodeWASI({ version: 'preview1', args: ['write_small', '/d/n.bin', String(COUNT), '32'], env: {}, preopens: { '/d': dir }, stdout: outFd('n-summary.txt'), returnOnExit: true });
    return wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
  },
  'file: least JS fd_write (probe)': () => leastFdWrite('/d/l.bin'),
  'file: JS writeSync alone': () => {
    const fd = fs.openSync(path.join(dir, 'p.bin'), 'w');
    const buf = Buffer.alloc(32, 'x');
    for (let i = 0, at = 0; i < COUNT; i++, at += 32) fs.writeSync(fd, buf, 0, 32, at);
    fs.closeSync(fd);
    return 0;
  },
  'stdout: wasi-host': () => {
    const fd = outFd('hs.txt');
    const wasi = new WASI({ version: 'preview1', args: ['write_small', '-', String(COUNT), '32'], env: {}, stdout: fd, returnOnExit: true });
    const status = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    fs.closeSync(fd);
    return status;
  },
  'stdout: node:wasi': () => {
    const fd = outFd('ns.txt');
    const wasi = new NodeWASI({ version: 'preview1', args: ['write_small', '-', String(COUNT), '32'], env: {}, stdout: fd, returnOnExit: true });
    const status = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    fs.closeSync(fd);
    return status;
  },
  'stdout: least JS fd_write (probe)': () => {
    const fd = outFd('ls.txt');
    const status = leastFdWrite('-', fd);
    fs.closeSync(fd);
    return status;
  },
  'stdout: JS writeSync alone': () => {
    const fd = outFd('ps.txt');
    const buf = Buffer.alloc(32, 'x');
    for (let i = 0; i < COUNT; i++) fs.writeSync(fd, buf, 0, 32);
    fs.closeSync(fd);
    return 0;
  },
};

/** wasi-host's two rows for a build's WASI class, under `label`. */
function hostRuns(Host, label) {
  return {
    [`file: ${label}`]: () => {
      const wasi = new Host({ version: 'preview1', args: ['write_small', '/d/o.bin', String(COUNT), '32'], env: {}, preopens: { '/d': dir }, stdout: 'ignore', returnOnExit: true });
      return wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    },
    [`stdout: ${label}`]: () => {
      const fd = outFd('os.txt');
      const wasi = new Host({ version: 'preview1', args: ['write_small', '-', String(COUNT), '32'], env: {}, stdout: fd, returnOnExit: true });
      const status = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
      fs.closeSync(fd);
      return status;
    },
  };
}
if (Other !== undefined) Object.assign(runs, hostRuns(Other, `wasi-host ${otherDist}`));

const names = Object.keys(runs);
const us = Object.fromEntries(names.map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Rotate the order, so that none always runs right after another.
  for (let i = 0; i < names.length; i++) {
    const k = names[(i + r) % names.length];
    const t0 = performance.now();
    const status = runs[k]();
    const ms = performance.now() - t0;
    if (status !== 0) throw new Error(`${k}: exit status ${status}`);
    us[k].push((ms * 1000) / COUNT);
  }
}
fs.rmSync(dir, { recursive: true, force: true });

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1] };
};
console.log(`${ROUNDS} rounds × ${COUNT.toLocaleString('en-US')} writes of 32 bytes, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('');
console.log('| writes | µs/write min | µs/write median | median ÷ writeSync alone |');
console.log('| --- | --: | --: | --: |');
for (const k of names) {
  const base = stat(us[`${k.split(':')[0]}: JS writeSync alone`]).med;
  const { min, med } = stat(us[k]);
  console.log(`| ${k} | ${min.toFixed(2)} | ${med.toFixed(2)} | ${(med / base).toFixed(2)} |`);
}
