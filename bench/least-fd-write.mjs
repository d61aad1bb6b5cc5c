// The write_small guest (bench/workloads/write_small.c) under wasi-host with
// fd_write replaced by the least a JS import can do: an iovec's two u32s read
// from a cached view of memory, one fs.writeSync straight from guest memory
// (at a kept position for a file, at the fd's own offset for stdout),
// nwritten stored. No checks: a floor, not a host. What it takes over "JS
// writeSync alone" is the guest's part and the wasm-to-JS call, which no host
// removes. Used by bench/writes-ab.mjs (interleaved) and bench/probe.mjs (the
// full bench's limits table).

import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs the guest once; returns its exit status. `WASI` is wasi-host's class
 * (it answers every call but fd_write to the file or stdout); `dir` is
 * preopened as `mount`; the guest writes `count` × 32 bytes to `guestPath`
 * (under `mount`) or, when `stdoutFd` is given, to stdout ('-').
 */
export function leastFdWriteRun({ WASI, module, dir, mount = '/d', guestPath, count, stdoutFd }) {
  const args = ['write_small', stdoutFd === undefined ? guestPath : '-', String(count), '32'];
  const wasi = new WASI({ version: 'preview1', args, env: {}, preopens: { [mount]: dir }, stdout: stdoutFd ?? 'ignore', returnOnExit: true });
  const imports = wasi.getImportObject();
  const host = imports.wasi_snapshot_preview1.fd_write;
  let instance;
  let u8 = new Uint8Array(0);
  let u32 = new Uint32Array(0);
  let fd = -1;
  let at = 0;
  imports.wasi_snapshot_preview1.fd_write = (guestFd, iovs, n, out) => {
    const toFile = stdoutFd === undefined && guestFd > 2;
    if (!toFile && !(stdoutFd !== undefined && guestFd === 1)) return host(guestFd, iovs, n, out);
    const buffer = instance.exports.memory.buffer;
    if (u32.buffer !== buffer) {
      u8 = new Uint8Array(buffer);
      u32 = new Uint32Array(buffer);
    }
    // The file wasi-host opened for the guest (its fstat checks the size at the end).
    if (toFile && fd < 0) fd = fs.openSync(path.join(dir, guestPath.slice(mount.length + 1)), 'r+');
    let w = 0;
    // write_small's writes are one iovec; libc's printf (the summary line) passes two.
    for (let i = 0, p = iovs >>> 2; i < n; i++, p += 2) {
      if (u32[p + 1] === 0) continue;
      if (toFile) {
        const k = fs.writeSync(fd, u8, u32[p], u32[p + 1], at);
        at += k;
        w += k;
      } else {
        w += fs.writeSync(stdoutFd, u8, u32[p], u32[p + 1]);
      }
    }
    u32[out >>> 2] = w;
    return 0;
  };
  instance = new WebAssembly.Instance(module, imports);
  const status = wasi.start(instance);
  if (fd >= 0) fs.closeSync(fd);
  return status;
}
