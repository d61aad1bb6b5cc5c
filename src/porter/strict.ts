import { ERRNO_NAMES } from '../abi/errno.js';
import type { Interceptor, InterceptorHost, SyscallCall } from '../binder.js';
import { formatTraceEntry, tracePaths, traceResults } from '../trace.js';
import { wellTyped } from './typed.js';

/**
 * Strict mode (issue 15): guest misuse that a lenient host lets pass,
 * reported one line per misuse with the call's trace line and the spec
 * section it breaks. 'warn' reports and lets the call run; 'error' traps
 * before it runs.
 */
export type StrictMode = 'warn' | 'error';

export interface StrictReport {
  readonly call: string;
  /** What the guest did wrong, in one sentence. */
  readonly problem: string;
  /** The section of the preview1 docs it breaks (shared/spec/docs.md). */
  readonly spec: string;
  /** The call as `--trace` prints it. */
  readonly traceLine: string;
}

/** A misuse under `strict: 'error'`: a trap, so the guest stops where it erred. */
export class StrictViolation extends WebAssembly.RuntimeError {
  constructor(readonly report: StrictReport) {
    super(formatStrictReport(report).trimEnd());
  }
}

export function formatStrictReport(r: StrictReport): string {
  return `wasi-host strict: ${r.call}: ${r.problem} (${r.spec})\n  ${r.traceLine.trimEnd()}\n`;
}

const DOCS = 'shared/spec/docs.md';
const RIGHTS_ALL = 0x3fff_ffffn;
const IOV_SIZE = 8;
/** Iovecs compared for overlap: bounded whatever iovs_len says. */
const IOV_CHECK = 1024;
/** Cookies remembered per directory descriptor; past this the cookie check stops for that descriptor. */
const COOKIES_MAX = 100_000;

/** Undefined bits in each flags parameter, by call: [parameter, mask of defined bits, type in the spec]. */
const FLAG_PARAMS: Readonly<Record<string, readonly (readonly [string, bigint, string])[]>> = {
  path_open: [['dirflags', 1n, 'lookupflags'], ['oflags', 0xfn, 'oflags'], ['fdflags', 0x1fn, 'fdflags'], ['fs_rights_base', RIGHTS_ALL, 'rights'], ['fs_rights_inheriting', RIGHTS_ALL, 'rights']],
  fd_fdstat_set_flags: [['flags', 0x1fn, 'fdflags']],
  fd_fdstat_set_rights: [['fs_rights_base', RIGHTS_ALL, 'rights'], ['fs_rights_inheriting', RIGHTS_ALL, 'rights']],
  fd_filestat_set_times: [['fst_flags', 0xfn, 'fstflags']],
  path_filestat_get: [['flags', 1n, 'lookupflags']],
  path_filestat_set_times: [['flags', 1n, 'lookupflags'], ['fst_flags', 0xfn, 'fstflags']],
  path_link: [['old_flags', 1n, 'lookupflags']],
};

/** Parameters that name a descriptor the guest holds. */
const FD_PARAMS = new Set(['fd', 'old_fd', 'new_fd']);

interface Finding {
  readonly problem: string;
  readonly spec: string;
}

/** The strict layer: `report` hears every misuse; under 'error' the first one traps. */
export function strictChecks(mode: StrictMode, report: (r: StrictReport) => void): Interceptor {
  if (mode !== 'warn' && mode !== 'error') throw new TypeError(`strict must be 'warn' or 'error', got ${String(mode)}`);
  if (typeof report !== 'function') throw new TypeError('strict: the report callback must be a function');
  let host: InterceptorHost | undefined;
  const closed = new Set<number>();
  const cookies = new Map<number, Set<bigint>>();

  const line = (name: string, params: readonly string[], args: readonly (number | bigint)[], errno: number | undefined, after: boolean): string => {
    const mem = (host as InterceptorHost).memory;
    const paths = tracePaths(mem, name, params, args);
    const results = after && errno === 0 ? traceResults(mem, name, params, args) : {};
    const errnoName = errno === undefined ? (after ? undefined : 'not run') : ERRNO_NAMES[errno];
    return formatTraceEntry({ name, args, params, errno: after ? errno : undefined, errnoName, paths, results, ms: 0, notes: [] }, { times: false });
  };

  /** What is wrong with this call before it runs. */
  const check = (name: string, params: readonly string[], args: readonly (number | bigint)[]): Finding[] => {
    const found: Finding[] = [];
    const mem = (host as InterceptorHost).memory;
    for (const [p, mask, type] of FLAG_PARAMS[name] ?? []) {
      const v = BigInt(args[params.indexOf(p)]) & 0xffff_ffff_ffff_ffffn;
      const undef = v & ~mask;
      if (undef !== 0n) found.push({ problem: `${p} has bits 0x${undef.toString(16)} that ${type} does not define`, spec: `${DOCS}#${type}` });
    }
    params.forEach((p, i) => {
      if (FD_PARAMS.has(p) && closed.has(Number(args[i]))) found.push({ problem: `${p} ${String(args[i])} is used after the guest closed it`, spec: `${DOCS}#fd_close` });
    });
    if (name === 'path_open') {
      const dir = host?.descriptor(Number(args[0]));
      const wanted = (BigInt(args[5]) | BigInt(args[6])) & RIGHTS_ALL;
      if (dir?.kind === 'dir' && (wanted & ~dir.rightsInheriting) !== 0n) {
        found.push({ problem: `asks for rights 0x${(wanted & ~dir.rightsInheriting).toString(16)} that fd ${String(args[0])} cannot grant (it passes on 0x${dir.rightsInheriting.toString(16)})`, spec: `${DOCS}#path_open` });
      }
    }
    if (name === 'fd_readdir') {
      const cookie = BigInt(args[3]);
      const known = cookies.get(Number(args[0]));
      if (cookie !== 0n && known !== undefined && known.size < COOKIES_MAX && !known.has(cookie)) {
        found.push({ problem: `cookie ${cookie} was not returned by an earlier fd_readdir on fd ${String(args[0])}`, spec: `${DOCS}#dircookie` });
      } else if (cookie !== 0n && known === undefined) {
        found.push({ problem: `cookie ${cookie} before any fd_readdir on fd ${String(args[0])} returned one`, spec: `${DOCS}#dircookie` });
      }
    }
    if (name === 'fd_read' || name === 'fd_pread') {
      const overlap = overlapping(mem, Number(args[1]) >>> 0, Math.min(Number(args[2]) >>> 0, IOV_CHECK));
      if (overlap !== undefined) found.push({ problem: `iovecs ${overlap[0]} and ${overlap[1]} overlap, so the bytes read into one overwrite the other`, spec: `${DOCS}#iovec` });
    }
    if (name === 'proc_exit' && (Number(args[0]) >>> 0) > 125) {
      found.push({ problem: `exit status ${Number(args[0]) >>> 0} is outside 0..125 (126 and up mean "not run" or a signal to a shell)`, spec: `${DOCS}#exitcode` });
    }
    if ((name === 'fd_write' || name === 'fd_pwrite') && args[0] === 0 && host?.descriptor(0)?.kind === 'stream') {
      found.push({ problem: 'writes to stdin', spec: `${DOCS}#fd_write` });
    }
    return found;
  };

  /** What the call changed that later checks need: closed descriptors, cookies handed out. */
  const learn = (name: string, args: readonly (number | bigint)[], errno: number | undefined): void => {
    if (errno !== 0) return;
    const mem = (host as InterceptorHost).memory;
    if (name === 'fd_close') {
      closed.add(Number(args[0]));
      cookies.delete(Number(args[0]));
    } else if (name === 'path_open' || name === 'sock_accept') {
      const out = Number(args[name === 'path_open' ? 8 : 2]);
      if (mem.fits(out, 4)) closed.delete(mem.u32(out));
    } else if (name === 'fd_renumber') {
      closed.add(Number(args[0]));
      closed.delete(Number(args[1]));
      cookies.delete(Number(args[1]));
    } else if (name === 'fd_readdir') {
      let set = cookies.get(Number(args[0]));
      if (set === undefined) cookies.set(Number(args[0]), (set = new Set()));
      const buf = Number(args[1]) >>> 0;
      const used = mem.u32(Number(args[4]));
      // Every complete header's d_next; bounded by bufused, which the host wrote.
      for (let at = 0; at + 24 <= used && set.size < COOKIES_MAX; at += 24 + mem.u32(buf + at + 16)) set.add(mem.u64(buf + at));
    }
  };

  return {
    attach(h) {
      host = h;
    },
    intercept(call, next): SyscallCall {
      const name = call.name;
      const params = call.params.map(([p]) => p);
      return (...args) => {
        if (!wellTyped(call, args)) return next(...args);
        const found = check(name, params, args);
        if (found.length > 0 && mode === 'error') {
          throw new StrictViolation({ call: name, ...found[0], traceLine: line(name, params, args, undefined, false) });
        }
        let errno: number | undefined;
        try {
          errno = next(...args);
        } finally {
          // proc_exit unwinds; its misuse is still reported.
          for (const f of found) report({ call: name, ...f, traceLine: line(name, params, args, errno, true) });
        }
        learn(name, args, errno);
        return errno;
      };
    },
  };
}

/** The first two iovecs (by index) whose buffers share a byte, or undefined. */
function overlapping(mem: InterceptorHost['memory'], base: number, count: number): [number, number] | undefined {
  if (count < 2 || !mem.fits(base, count * IOV_SIZE)) return undefined;
  const spans: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const len = mem.u32(base + i * IOV_SIZE + 4);
    if (len > 0) spans.push([mem.u32(base + i * IOV_SIZE), len, i]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    const [p, l, a] = spans[i - 1];
    if (p + l > spans[i][0]) return [Math.min(a, spans[i][2]), Math.max(a, spans[i][2])];
  }
  return undefined;
}
