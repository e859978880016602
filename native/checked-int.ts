// Integer arguments checked before they reach libc: bun:ffi coerces silently where C would not compile.

/** bun:ffi turns undefined into 0, 1.9 into 1 and 2**31 into a negative: so `close(undefined)` would close stdin. */
export function checkInt(name: string, value: number, min = -0x80000000, max = 0x7fffffff): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

export function checkFd(fd: number): number {
  return checkInt("fd", fd, 0);
}
