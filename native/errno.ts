// errno, read synchronously after a failed call; the one error class every failed syscall becomes, and the one table of what to do about each.
import { read } from "bun:ffi";
import { libc } from "./libc.ts";
import { errnoName } from "./errno-names.ts";
import { LINUX } from "./platform.ts";

// The address of this thread's errno; the server runs on the main thread only, so it is fixed.
const errnoAddress = libc.__errno_location();
if (errnoAddress === null) throw new Error("__errno_location returned NULL");

/** The calling thread's errno. Call it right after the failing call: anything in between may change it. */
export function lastErrno(): number {
  return read.i32(errnoAddress!, 0);
}

/**
 * Whether a call that returned `result` was interrupted by a signal (-1 with EINTR) and must be made again:
 * every wrapper retries in a `do ... while (interrupted(result))`, as libuv does, so EINTR never reaches a
 * caller. The one exception is select(), whose EINTR is how a signal reaches the loop (native/select.ts).
 */
export function interrupted(result: number): boolean {
  return result < 0 && lastErrno() === LINUX.EINTR;
}

/** A failed system call: `bind: Address already in use (EADDRINUSE)`. */
export class SyscallError extends Error {
  override readonly name = "SyscallError";
  constructor(
    readonly syscall: string,
    readonly errno: number,
    readonly code: string = errnoName(errno),
  ) {
    super(`${syscall}: ${libc.strerror(errno)} (${code})`);
  }
}

/** Throw the SyscallError for the current errno; for a call that returned -1. */
export function fail(syscall: string): never {
  throw new SyscallError(syscall, lastErrno());
}

/** The errno code of an error, when it is a SyscallError. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof SyscallError ? error.code : undefined;
}

/**
 * What a server does about a failed accept, receive or send:
 * - "transient": one client's trouble (it reset, vanished, or a network error was pending on it): count it, take the next;
 * - "backoff": the process or the system is out of fds or memory: the socket stays readable, so trying again at once would spin;
 * - "fatal": a bug or a broken socket (EBADF, EINVAL, EFAULT, ENOTSOCK, and anything not listed): it propagates.
 */
export type ErrnoClass = "transient" | "backoff" | "fatal";

/**
 * The one table. Transient includes what accept(2) ("Error handling") says Linux passes on from the new
 * connection, to be treated like EAGAIN, and EPERM, which a firewall rule gives. EINTR is not here: no wrapper returns it.
 */
const ERRNO_CLASSES: Readonly<Record<string, ErrnoClass>> = {
  EAGAIN: "transient", // also EWOULDBLOCK, the same number on Linux
  ECONNABORTED: "transient",
  ECONNRESET: "transient",
  ECONNREFUSED: "transient",
  EPIPE: "transient",
  ETIMEDOUT: "transient",
  EPROTO: "transient",
  EPERM: "transient",
  ENETDOWN: "transient",
  ENETUNREACH: "transient",
  ENOPROTOOPT: "transient",
  EHOSTDOWN: "transient",
  EHOSTUNREACH: "transient",
  ENONET: "transient",
  EOPNOTSUPP: "transient",
  EMFILE: "backoff",
  ENFILE: "backoff",
  ENOBUFS: "backoff",
  ENOMEM: "backoff",
};

/** The class of a failed call's error; anything that is not a SyscallError is a bug, so "fatal". */
export function errnoClass(error: unknown): ErrnoClass {
  const code = errnoCode(error);
  return (code && ERRNO_CLASSES[code]) || "fatal";
}
