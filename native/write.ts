// write(2) of a buffer's range to an fd (the console), retrying short writes and EINTR, waiting out EAGAIN.
import { ptr } from "bun:ffi";
import { libc } from "./libc.ts";
import { lastErrno, SyscallError } from "./errno.ts";
import { FdSet } from "./fdset.ts";
import { LINUX } from "./platform.ts";
import { checkFd, checkInt } from "./checked-int.ts";
import { selectFds } from "./select.ts";

const writableSet = new FdSet();

/** Whether a write to `fd` can proceed now (select with a zero timeout); for a pipe, at least PIPE_BUF bytes fit. */
export function isWritableNow(fd: number): boolean {
  writableSet.clear();
  writableSet.add(fd);
  return selectFds(fd + 1, null, writableSet, 0) === 1;
}

/**
 * Write bytes[start, end) (default: all of `bytes`) to `fd`; throws SyscallError (EPIPE, ...). No view of
 * the range is made, so a log flush allocates nothing: the views it made (two per flush) doubled the
 * seed-logging server's garbage and raised its peak RSS by ~1.5 MiB (bench/PROFILE.md).
 */
export function writeAll(fd: number, bytes: Uint8Array, start = 0, end = bytes.byteLength): void {
  checkFd(fd);
  checkInt("end", end, 0, bytes.byteLength);
  checkInt("start", start, 0, end);
  let offset = start;
  while (offset < end) {
    // The address is used only inside this synchronous call, while the caller still holds `bytes`.
    const wrote = Number(libc.write(fd, ptr(bytes, offset), end - offset));
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
