// The self-pipe trick (Redis, libuv): a pipe whose read end select() watches, so another thread can end a wait at once.
import { libc } from "./libc.ts";
import { fail, interrupted, lastErrno, SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";
import { checkFd } from "./checked-int.ts";
import { writeSome } from "./write.ts";

export interface WakePipe {
  /** Watched by the loop: readable while a wake-up is pending. */
  readonly readFd: number;
  /** Written by whoever wakes the loop; a plain fd number, so it crosses to a Worker in a message. */
  readonly writeFd: number;
}

/** pipe2 with both ends non-blocking and close-on-exec. */
export function openWakePipe(): WakePipe {
  const fds = new Int32Array(new ArrayBuffer(8));
  if (libc.pipe2(fds, LINUX.O_NONBLOCK | LINUX.O_CLOEXEC) < 0) fail("pipe2");
  return { readFd: fds[0]!, writeFd: fds[1]! };
}

const one = new Uint8Array(new ArrayBuffer(1));

/**
 * Make the loop's select() return. A pipe that is full already holds a pending wake-up (EAGAIN), and the
 * byte stays until the loop reads it, so a wake-up sent just before select() starts is not lost.
 */
export function wakeLoop(writeFd: number): void {
  writeSome(writeFd, one);
}

const scratch = new Uint8Array(new ArrayBuffer(64));

/** Empty the pipe (the loop's read handler): every wake-up sent so far is taken by this one turn. */
export function drainWakePipe(readFd: number): void {
  checkFd(readFd);
  let got: number;
  do got = Number(libc.read(readFd, scratch, scratch));
  while (got > 0 || interrupted(got));
  if (got === 0) return;
  const errno = lastErrno();
  if (errno === LINUX.EAGAIN) return;
  throw new SyscallError("read", errno);
}
