// fcntl(2) flags of an fd this process did not open (a socket systemd passed in): non-blocking, close-on-exec or not.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./checked-int.ts";

/** Read one flag word with `get`, turn `flag` on or off, write it back with `set`: other bits stay as they were. */
function changeFlag(fd: number, get: number, set: number, flag: number, on = true): void {
  const flags = libc.fcntl(checkFd(fd), get, 0);
  if (flags < 0) fail("fcntl");
  const wanted = on ? flags | flag : flags & ~flag;
  if (wanted !== flags && libc.fcntl(fd, set, wanted) < 0) fail("fcntl");
}

/** O_NONBLOCK: the select loop must never block in accept or recvmmsg. */
export function setNonBlocking(fd: number): void {
  changeFlag(fd, LINUX.F_GETFL, LINUX.F_SETFL, LINUX.O_NONBLOCK);
}

/** FD_CLOEXEC: an inherited socket must not leak into anything this process might exec. */
export function setCloseOnExec(fd: number): void {
  changeFlag(fd, LINUX.F_GETFD, LINUX.F_SETFD, LINUX.FD_CLOEXEC);
}

/** Clear FD_CLOEXEC: an fd this process must hand on across its own execve. */
export function clearCloseOnExec(fd: number): void {
  changeFlag(fd, LINUX.F_GETFD, LINUX.F_SETFD, LINUX.FD_CLOEXEC, false);
}
