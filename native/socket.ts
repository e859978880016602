// Typed wrappers over the socket syscalls: validate integers, retry EINTR, map -1 to SyscallError, EAGAIN to null.
import { libc } from "./libc.ts";
import { fail, interrupted, lastErrno, SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { SockaddrStorage, type SocketAddress } from "./sockaddr.ts";
import { checkFd, checkInt } from "./checked-int.ts";

/** A non-blocking call's result: itself when >= 0, null for EAGAIN ("nothing now"), else the SyscallError. */
function orNullIfWouldBlock(result: number, syscall: string): number | null {
  if (result >= 0) return result;
  const errno = lastErrno(); // first thing after the call: nothing else may run in between
  if (errno === LINUX.EAGAIN) return null;
  throw new SyscallError(syscall, errno);
}

export function openSocket(domain: number, type: number, protocol = 0): number {
  const fd = libc.socket(checkInt("domain", domain), checkInt("type", type), checkInt("protocol", protocol));
  return fd < 0 ? fail("socket") : fd;
}

/** The socket options this project sets or reads, by name, each with its level: errors then name the option, as anet's do. */
const SOCKET_OPTIONS = {
  SO_REUSEADDR: [LINUX.SOL_SOCKET, LINUX.SO_REUSEADDR],
  SO_REUSEPORT: [LINUX.SOL_SOCKET, LINUX.SO_REUSEPORT],
  SO_DOMAIN: [LINUX.SOL_SOCKET, LINUX.SO_DOMAIN],
  SO_TYPE: [LINUX.SOL_SOCKET, LINUX.SO_TYPE],
  SO_ACCEPTCONN: [LINUX.SOL_SOCKET, LINUX.SO_ACCEPTCONN],
  SO_ERROR: [LINUX.SOL_SOCKET, LINUX.SO_ERROR],
  IPV6_V6ONLY: [LINUX.IPPROTO_IPV6, LINUX.IPV6_V6ONLY],
} as const;
export type SocketOptionName = keyof typeof SOCKET_OPTIONS;

const intOption = new Int32Array(new ArrayBuffer(4));
const intOptionLength = new Uint32Array(new ArrayBuffer(4));

/** setsockopt with an int value; fails as `setsockopt SO_REUSEADDR: <strerror> (<ERRNO>)`. */
export function setSocketOption(fd: number, option: SocketOptionName, value: number): void {
  const [level, name] = SOCKET_OPTIONS[option];
  intOption[0] = checkInt("option value", value);
  if (libc.setsockopt(checkFd(fd), level, name, intOption, 4) < 0) fail(`setsockopt ${option}`);
}

/** getsockopt of an int option; fails as `getsockopt SO_TYPE: ...`. */
export function getSocketOption(fd: number, option: SocketOptionName): number {
  const [level, name] = SOCKET_OPTIONS[option];
  intOptionLength[0] = 4;
  if (libc.getsockopt(checkFd(fd), level, name, intOption, intOptionLength) < 0) fail(`getsockopt ${option}`);
  return intOption[0]!;
}

export function bindSocket(fd: number, sockaddr: Uint8Array): void {
  if (libc.bind(checkFd(fd), sockaddr, sockaddr.byteLength) < 0) fail("bind");
}

export function listenOn(fd: number, backlog: number): void {
  if (libc.listen(checkFd(fd), checkInt("backlog", backlog, 0)) < 0) fail("listen");
}

const nameStorage = new SockaddrStorage();

/** The local address a socket is bound to (how `--port 0` learns its port). */
export function socketName(fd: number): SocketAddress {
  if (libc.getsockname(checkFd(fd), nameStorage.bytes, nameStorage.arm().length) < 0) fail("getsockname");
  return nameStorage.decode();
}

/** accept4: the new fd, or null when the queue is empty. `peer` receives the client's address if given. */
export function acceptConnection(fd: number, flags: number, peer: SockaddrStorage | null): number | null {
  checkFd(fd);
  checkInt("flags", flags);
  let client: number;
  do client = peer ? libc.accept4(fd, peer.bytes, peer.arm().length, flags) : libc.accept4(fd, null, null, flags);
  while (interrupted(client));
  return orNullIfWouldBlock(client, "accept4");
}

/** send: bytes sent, or null when the socket buffer is full. */
export function sendBytes(fd: number, bytes: Uint8Array, flags: number): number | null {
  checkFd(fd);
  checkInt("flags", flags);
  let sent: number;
  do sent = Number(libc.send(fd, bytes, bytes, flags));
  while (interrupted(sent));
  return orNullIfWouldBlock(sent, "send");
}

/** recv into `buffer`: bytes read (0 at end of stream), or null when nothing is waiting. */
export function receiveBytes(fd: number, buffer: Uint8Array, flags: number): number | null {
  checkFd(fd);
  checkInt("flags", flags);
  let got: number;
  do got = Number(libc.recv(fd, buffer, buffer, flags));
  while (interrupted(got));
  return orNullIfWouldBlock(got, "recv");
}

/** close: Linux releases the fd even when close reports an error, so it is never retried. */
export function closeFd(fd: number): void {
  if (libc.close(checkFd(fd)) < 0) fail("close");
}
