// select() over FdSets with a timeval re-armed on every call (Linux writes the time left back into it).
import { libc } from "./libc.ts";
import { fail, interrupted } from "./errno.ts";
import { FD_SETSIZE, type FdSet } from "./fdset.ts";
import { LINUX } from "./platform.ts";
import { checkInt } from "./checked-int.ts";

/**
 * struct timeval { int64 tv_sec; int64 tv_usec; } in its own ArrayBuffer, so its address is stable.
 * Written as little-endian 32-bit halves: BigInt stores would allocate on every call of an idle loop.
 */
const timeval = new Uint32Array(new ArrayBuffer(LINUX.sizeof_timeval));

/**
 * Wait until an fd in `readable` (or `writable`) is ready or `timeoutMs` passes.
 * Returns the number of ready fds (0 on timeout; the sets then hold only the ready fds),
 * or null when a signal interrupted the wait (EINTR: no events, as in Python's selectors).
 * The one wrapper that does not retry EINTR: a JS signal handler runs only once the loop yields, so
 * the interruption is the loop's cue to yield, and a retry would hold the signal until the next event.
 */
export function selectFds(
  nfds: number,
  readable: FdSet | null,
  writable: FdSet | null,
  timeoutMs: number,
): number | null {
  // nfds > FD_SETSIZE would let the kernel read and write past the 128-byte sets.
  checkInt("nfds", nfds, 0, FD_SETSIZE);
  checkInt("timeoutMs", timeoutMs, 0); // < 2^31 ms, so tv_sec fits the low half
  timeval[0] = Math.floor(timeoutMs / 1000); // tv_sec
  timeval[1] = 0;
  timeval[2] = (timeoutMs % 1000) * 1000; // tv_usec
  timeval[3] = 0;
  const ready = libc.select(nfds, readable?.bytes ?? null, writable?.bytes ?? null, null, timeval);
  if (ready >= 0) return ready;
  return interrupted(ready) ? null : fail("select");
}
