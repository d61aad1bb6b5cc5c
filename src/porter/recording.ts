import type { GuestMemory } from '../memory.js';

/**
 * The format shared by record.ts and replay.ts: JSON lines, a header then one
 * line per call, in the order the guest made them:
 *
 *   {"wasiHostRecording":1}
 *   {"n":0,"call":"args_sizes_get","args":[1024,1028],"errno":0,"out":[[1024,"AgAAAA=="],[1028,"DAAAAA=="]]}
 *   {"n":7,"call":"fd_write","args":[1,2000,1,2016],"in":{"data":"aGkK"},"errno":0,"out":[[2016,"AwAAAA=="]]}
 *   {"n":9,"call":"proc_exit","args":[0],"exit":0}
 *
 * `args` are the guest's raw arguments (i64 as decimal strings); `in` what it
 * passed through memory that replay compares (paths, bytes written); `out`
 * every span of guest memory the call wrote, base64.
 */
export interface RecordedCall {
  readonly n: number;
  readonly call: string;
  readonly args: readonly (number | string)[];
  readonly in?: Readonly<Record<string, string>>;
  readonly errno?: number;
  readonly out?: readonly (readonly [number, string])[];
  /** proc_exit's status: the call unwound instead of returning. */
  readonly exit?: number;
}

export const RECORDING_HEADER = { wasiHostRecording: 1 } as const;

export function encodeArgs(args: readonly (number | bigint)[]): (number | string)[] {
  return args.map((a) => (typeof a === 'bigint' ? a.toString() : a));
}

const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.byteLength; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Fixed-size out-parameters: the width the host writes through each. */
const OUT_WIDTH: Readonly<Record<string, number>> = {
  fd_out: 4, nread_out: 4, nwritten_out: 4, bufused_out: 4, nevents_out: 4, argc_out: 4, argv_buf_size_out: 4,
  count_out: 4, buf_size_out: 4, ro_datalen_out: 4, so_datalen_out: 4, ro_flags_out: 2,
  newoffset_out: 8, offset_out: 8, time_out: 8, resolution_out: 8, stat_out: 24,
};
const IOV_SIZE = 8;
const EVENT_SIZE = 32;
/** Iovecs followed when recording a read; a libc uses one or two. */
const IOV_MAX = 1024;

/** What the sizes calls said, so args_get and environ_get know how much they wrote. */
export interface SizesSeen {
  args: [number, number];
  env: [number, number];
}

/**
 * The spans of guest memory a successful call wrote, read after it returned.
 * Bounded by what the call itself reported (nread, bufused, nevents) or by
 * the earlier sizes calls, never by a length the guest alone chose.
 */
export function writtenSpans(mem: GuestMemory, name: string, params: readonly string[], args: readonly (number | bigint)[], sizes: SizesSeen): [number, number][] {
  const spans: [number, number][] = [];
  const arg = (p: string): number => Number(args[params.indexOf(p)]) >>> 0;
  const add = (ptr: number, len: number): void => {
    if (len > 0 && mem.fits(ptr, len)) spans.push([ptr, len]);
  };
  params.forEach((p, i) => {
    const w = p === 'buf_out' ? (name === 'fd_prestat_get' ? 8 : 64) : OUT_WIDTH[p];
    if (w !== undefined) add(Number(args[i]) >>> 0, w);
  });
  const u32 = (p: string): number => (mem.fits(arg(p), 4) ? mem.u32(arg(p)) : 0);
  switch (name) {
    case 'args_sizes_get':
      sizes.args = [u32('argc_out'), u32('argv_buf_size_out')];
      break;
    case 'environ_sizes_get':
      sizes.env = [u32('count_out'), u32('buf_size_out')];
      break;
    case 'args_get':
      add(arg('argv'), sizes.args[0] * 4);
      add(arg('argv_buf'), sizes.args[1]);
      break;
    case 'environ_get':
      add(arg('environ'), sizes.env[0] * 4);
      add(arg('environ_buf'), sizes.env[1]);
      break;
    case 'fd_read':
    case 'fd_pread':
      scattered(mem, arg('iovs'), arg('iovs_len'), u32('nread_out'), add);
      break;
    case 'sock_recv':
      scattered(mem, arg('ri_data'), arg('ri_data_len'), u32('ro_datalen_out'), add);
      break;
    case 'fd_readdir':
    case 'path_readlink':
      add(arg('buf'), Math.min(u32('bufused_out'), arg('buf_len')));
      break;
    case 'fd_prestat_dir_name':
      add(arg('path'), arg('path_len'));
      break;
    case 'random_get':
      add(arg('buf'), arg('buf_len'));
      break;
    case 'poll_oneoff':
      add(arg('out'), u32('nevents_out') * EVENT_SIZE);
      break;
  }
  return spans;
}

/** The spans `n` bytes read into an iovec list fill. */
function scattered(mem: GuestMemory, iovs: number, count: number, n: number, add: (ptr: number, len: number) => void): void {
  const c = Math.min(count, IOV_MAX);
  if (!mem.fits(iovs, c * IOV_SIZE)) return;
  for (let i = 0, left = n; i < c && left > 0; i++) {
    const len = Math.min(mem.u32(iovs + i * IOV_SIZE + 4), left);
    add(mem.u32(iovs + i * IOV_SIZE), len);
    left -= len;
  }
}

/** The bytes an fd_write / fd_pwrite / sock_send passed, gathered (what replay compares and prints). */
export function gathered(mem: GuestMemory, iovs: number, count: number): Uint8Array {
  const c = Math.min(count, IOV_MAX);
  if (!mem.fits(iovs, c * IOV_SIZE)) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < c; i++) {
    const ptr = mem.u32(iovs + i * IOV_SIZE);
    const len = mem.u32(iovs + i * IOV_SIZE + 4);
    if (len === 0 || !mem.fits(ptr, len)) continue;
    parts.push(mem.bytes(ptr, len).slice());
    total += len;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
