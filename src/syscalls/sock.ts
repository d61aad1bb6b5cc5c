import { Errno } from '../abi/errno.js';
import type { HostContext } from './context.js';

// This host has no sockets: no descriptor is ever a socket. A bad fd is EBADF,
// any other descriptor ENOTSOCK, before any argument is looked at (as wasmtime).

function notSocket(ctx: HostContext, fd: number): Errno {
  return ctx.fds.peek(fd) === undefined ? Errno.BADF : Errno.NOTSOCK;
}

export function sock_accept(ctx: HostContext, fd: number, _flags: number, _fdOut: number): Errno {
  return notSocket(ctx, fd);
}

export function sock_recv(
  ctx: HostContext, fd: number, _riData: number, _riDataLen: number, _riFlags: number,
  _roDataLenOut: number, _roFlagsOut: number,
): Errno {
  return notSocket(ctx, fd);
}

export function sock_send(
  ctx: HostContext, fd: number, _siData: number, _siDataLen: number, _siFlags: number, _soDataLenOut: number,
): Errno {
  return notSocket(ctx, fd);
}

export function sock_shutdown(ctx: HostContext, fd: number, _how: number): Errno {
  return notSocket(ctx, fd);
}
