// systemd's notify socket (sd_notify(3)): an AF_UNIX datagram socket connected to $NOTIFY_SOCKET, a path or an abstract "@name".
import { libc } from "./libc.ts";
import { fail, lastErrno, SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./checked-int.ts";

const encoder = new TextEncoder();
const PATH_CAPACITY = LINUX.sizeof_sockaddr_un - LINUX.offsetof_sockaddr_un_sun_path;

/**
 * The sockaddr_un for `address`, sized as the kernel wants it: a path ends in its NUL; an abstract
 * name ("@" in the variable, a leading NUL on the wire) has no NUL at the end, and every byte of the
 * given length is part of the name, so the length must not cover unused bytes. Throws a RangeError for
 * an address that is empty, too long or holds a NUL, which no socket could have.
 */
export function notifySockaddr(address: string): Uint8Array {
  const abstract = address.startsWith("@");
  const name = encoder.encode(abstract ? address.slice(1) : address);
  if (name.length === 0 || name.includes(0))
    throw new RangeError(`NOTIFY_SOCKET ${JSON.stringify(address)}: not a socket address`);
  const pathLength = abstract ? 1 + name.length : name.length + 1;
  if (pathLength > PATH_CAPACITY)
    throw new RangeError(`NOTIFY_SOCKET ${JSON.stringify(address)}: longer than ${PATH_CAPACITY - 1} bytes`);
  const sockaddr = new Uint8Array(new ArrayBuffer(LINUX.offsetof_sockaddr_un_sun_path + pathLength)); // zero-filled
  new DataView(sockaddr.buffer).setUint16(LINUX.offsetof_sockaddr_un_sun_family, LINUX.AF_UNIX, true);
  sockaddr.set(name, LINUX.offsetof_sockaddr_un_sun_path + (abstract ? 1 : 0));
  return sockaddr;
}

/** A datagram socket connected to the notify socket; close-on-exec, so the runtime tuning's re-exec does not inherit it. */
export function openNotifySocket(address: string): number {
  const sockaddr = notifySockaddr(address);
  const fd = libc.socket(LINUX.AF_UNIX, LINUX.SOCK_DGRAM | LINUX.SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket AF_UNIX");
  if (libc.connect(fd, sockaddr, sockaddr.byteLength) < 0) {
    const error = new SyscallError(`connect ${address}`, lastErrno());
    libc.close(fd);
    throw error;
  }
  return fd;
}

/**
 * Send one notification without waiting: false when the manager's queue is full (EAGAIN), which a
 * later state line replaces. EINTR cannot happen with MSG_DONTWAIT; anything else throws.
 */
export function sendNotification(fd: number, text: string): boolean {
  const bytes = encoder.encode(text);
  if (libc.send(checkFd(fd), bytes, bytes, LINUX.MSG_DONTWAIT | LINUX.MSG_NOSIGNAL) >= 0) return true;
  const errno = lastErrno();
  if (errno === LINUX.EAGAIN) return false;
  throw new SyscallError("send NOTIFY_SOCKET", errno);
}
