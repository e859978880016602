// A bounded wait for tests of a server that might stall: a stopped or blocked server makes the test fail on an assertion, not on the suite's timeout.

/** How long a test waits for answers (or an exit) before concluding the server stalled: generous, a blocked loop never answers. */
export const STALL_GUARD_MS = 10_000;

/** `promise`'s value, or "stalled" once STALL_GUARD_MS have passed without it. */
export async function withinGuard<T>(promise: Promise<T>): Promise<T | "stalled"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<"stalled">((resolve) => (timer = setTimeout(() => resolve("stalled"), STALL_GUARD_MS)));
  const result = await Promise.race([promise, guard]);
  clearTimeout(timer);
  return result;
}
