// errno, read synchronously after a failed call, and the one error class every failed syscall becomes.
import { read } from "bun:ffi";
import { libc } from "./libc.ts";
import { errnoName } from "./errno-names.ts";

// The address of this thread's errno; the server runs on the main thread only, so it is fixed.
const errnoAddress = libc.__errno_location();
if (errnoAddress === null) throw new Error("__errno_location returned NULL");

/** The calling thread's errno. Call it right after the failing call: anything in between may change it. */
export function lastErrno(): number {
  return read.i32(errnoAddress!, 0);
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
