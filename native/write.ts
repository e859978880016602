// write(2) of a whole buffer to an fd (the console), retrying short writes and EINTR, waiting out EAGAIN.
import { libc } from "./libc.ts";
import { lastErrno, SyscallError } from "./errno.ts";
import { FdSet } from "./fdset.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./checked-int.ts";
import { selectFds } from "./select.ts";

const writableSet = new FdSet();

/** Whether a write to `fd` can proceed now (select with a zero timeout); for a pipe, at least PIPE_BUF bytes fit. */
export function isWritableNow(fd: number): boolean {
  writableSet.clear();
  writableSet.add(fd);
  return selectFds(fd + 1, null, writableSet, 0) === 1;
}

/** Write all of `bytes` (which must live in its own ArrayBuffer region) to `fd`; throws SyscallError (EPIPE, ...). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  checkFd(fd);
  let offset = 0;
  while (offset < bytes.byteLength) {
    const rest = bytes.subarray(offset);
    const wrote = Number(libc.write(fd, rest, rest));
    if (wrote >= 0) {
      offset += wrote;
      continue;
    }
    const errno = lastErrno();
    if (errno === LINUX.EINTR) continue;
    // A parent may hand us a non-blocking stdout; wait until it drains rather than lose lines.
    if (errno === LINUX.EAGAIN && fd < LINUX.FD_SETSIZE) {
      writableSet.clear();
      writableSet.add(fd);
      selectFds(fd + 1, null, writableSet, 1000);
      continue;
    }
    throw new SyscallError("write", errno);
  }
}
