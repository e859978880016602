// Integer arguments checked before they reach libc or a struct: bun:ffi coerces silently where C would not compile.
import { LINUX } from "./platform.ts";

/** The one test behind every check here: an integer (not NaN, not 1.9, not "3") within min..max. */
function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** bun:ffi turns undefined into 0, 1.9 into 1 and 2**31 into a negative: so `close(undefined)` would close stdin. */
export function checkInt(name: string, value: number, min = -0x80000000, max = 0x7fffffff): number {
  if (!isIntegerIn(value, min, max))
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  return value;
}

export function checkFd(fd: number): number {
  return checkInt("fd", fd, 0);
}

/** A stricter bound than checkFd, for an fd that goes into an fd_set: select() with fd >= FD_SETSIZE corrupts memory. */
export function checkSelectableFd(fd: number): number {
  if (!isIntegerIn(fd, 0, LINUX.FD_SETSIZE - 1))
    throw new RangeError(`fd ${fd} cannot enter an fd_set (valid: 0 to ${LINUX.FD_SETSIZE - 1}, FD_SETSIZE)`);
  return fd;
}

/** A u32 struct field (sockaddr_in6's flowinfo and scope id), which no FFI argument check covers. */
export function checkU32(name: string, value: number): number {
  if (!isIntegerIn(value, 0, 0xffffffff)) throw new RangeError(`${name} ${value} is not a u32`);
  return value;
}
