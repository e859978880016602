// write(2) of a buffer's range to an fd (the console) that never waits: EINTR retried, EAGAIN is "nothing written now".
import { ptr } from "bun:ffi";
import { libc } from "./libc.ts";
import { interrupted, lastErrno, SyscallError } from "./errno.ts";
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
 * One write of bytes[start, end) (default: all of `bytes`) to `fd`: the count written, possibly short,
 * and 0 when a non-blocking fd is full (EAGAIN). Never waits for room: the log shares the loop with the
 * time service, so what does not fit now is the caller's to keep or drop. Throws SyscallError (EPIPE,
 * ENOSPC, ...). No view of the range is made, so a log flush allocates nothing: the views it made (two
 * per flush) doubled the seed-logging server's garbage and raised its peak RSS (bench/PROFILE.md).
 */
export function writeSome(fd: number, bytes: Uint8Array, start = 0, end = bytes.byteLength): number {
  checkFd(fd);
  checkInt("end", end, 0, bytes.byteLength);
  checkInt("start", start, 0, end);
  if (start === end) return 0;
  let wrote: number;
  // The address is used only inside this synchronous call, while the caller still holds `bytes`.
  do wrote = Number(libc.write(fd, ptr(bytes, start), end - start));
  while (interrupted(wrote));
  if (wrote >= 0) return wrote;
  const errno = lastErrno();
  if (errno === LINUX.EAGAIN) return 0;
  throw new SyscallError("write", errno);
}
