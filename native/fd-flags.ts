// fcntl(2) on an fd this process did not open (a socket systemd passed in): make it non-blocking and close-on-exec.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./socket.ts";

/** Read one flag word with `get`, or in `flag`, write it back with `set`: other bits stay as they were. */
function addFlag(fd: number, get: number, set: number, flag: number): void {
  const flags = libc.fcntl(checkFd(fd), get, 0);
  if (flags < 0) fail("fcntl");
  if ((flags & flag) === flag) return;
  if (libc.fcntl(fd, set, flags | flag) < 0) fail("fcntl");
}

/** O_NONBLOCK: the select loop must never block in accept or recvfrom. */
export function setNonBlocking(fd: number): void {
  addFlag(fd, LINUX.F_GETFL, LINUX.F_SETFL, LINUX.O_NONBLOCK);
}

/** FD_CLOEXEC: an inherited socket must not leak into anything this process might exec. */
export function setCloseOnExec(fd: number): void {
  addFlag(fd, LINUX.F_GETFD, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
}
