// connect(2) on a non-blocking socket, and the outcome a finished attempt leaves in SO_ERROR.
import { libc } from "./libc.ts";
import { lastErrno, SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./checked-int.ts";
import { getSocketOption } from "./socket.ts";

/**
 * Start connecting `fd` to `sockaddr`: true when it is connected at once (always for UDP, which only
 * records the peer), false when the attempt is under way (EINPROGRESS): wait until the socket is
 * writable, then read connectError. Any other failure (ECONNREFUSED, ENETUNREACH ...) throws.
 */
export function startConnect(fd: number, sockaddr: Uint8Array): boolean {
  if (libc.connect(checkFd(fd), sockaddr, sockaddr.byteLength) === 0) return true;
  const errno = lastErrno();
  if (errno === LINUX.EINPROGRESS) return false;
  throw new SyscallError("connect", errno);
}

/** After a non-blocking connect turned writable: nothing when it connected, else its SyscallError (SO_ERROR). */
export function checkConnected(fd: number): void {
  const errno = getSocketOption(fd, "SO_ERROR");
  if (errno !== 0) throw new SyscallError("connect", errno);
}
