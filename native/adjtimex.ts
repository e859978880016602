// The kernel's clocks as only it can tell: synchronised to a time source or not (ntp_adjtime, modes = 0), and CLOCK_MONOTONIC.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { LINUX } from "./platform.ts";

/** struct timex in its own ArrayBuffer (stable address); only `modes` is written, only `status` read. */
const timex = new Uint8Array(new ArrayBuffer(LINUX.sizeof_timex));
const view = new DataView(timex.buffer);

export interface KernelClockState {
  /** ntp_adjtime's return: TIME_OK (0) ... TIME_ERROR (5). */
  state: number;
  /** The STA_* bits. */
  status: number;
}

/** Read the kernel clock state without changing anything (modes = 0 needs no CAP_SYS_TIME). */
export function readKernelClock(): KernelClockState {
  timex.fill(0); // modes = 0: a pure read
  const state = libc.ntp_adjtime(timex);
  if (state < 0) fail("ntp_adjtime");
  return { state, status: view.getInt32(LINUX.offsetof_timex_status, true) };
}

/** What ntp_adjtime(2) calls unsynchronised: the TIME_ERROR state, or STA_UNSYNC in status. */
export function isUnsynchronised({ state, status }: KernelClockState): boolean {
  return state === LINUX.TIME_ERROR || (status & LINUX.STA_UNSYNC) !== 0;
}

/** struct timespec for clock_gettime, in its own ArrayBuffer. */
const timespec = new BigInt64Array(new ArrayBuffer(LINUX.sizeof_timespec));

/**
 * CLOCK_MONOTONIC in microseconds, the clock systemd's MONOTONIC_USEC= is compared against; Bun's
 * performance.now() counts from the process's start, not from boot.
 */
export function monotonicMicros(): bigint {
  if (libc.clock_gettime(LINUX.CLOCK_MONOTONIC, timespec) < 0) fail("clock_gettime CLOCK_MONOTONIC");
  const seconds = timespec[LINUX.offsetof_timespec_tv_sec / 8]!;
  const nanos = timespec[LINUX.offsetof_timespec_tv_nsec / 8]!;
  return seconds * 1_000_000n + nanos / 1000n;
}
