// Whether this process may read the kernel clock state (ntp_adjtime, modes = 0), which --require-sync needs.
import { readKernelClock } from "../../native/index.ts";

/**
 * Why the read is refused here, or null when it works. The read needs no privilege, but a seccomp filter
 * can refuse the system call (clock_adjtime) with EPERM: systemd-nspawn's default filter does, unless
 * started with --system-call-filter=clock_adjtime. The server inherits the same filter from the test.
 */
export function kernelClockProblem(): string | null {
  try {
    readKernelClock();
    return null;
  } catch (error) {
    return `the kernel clock state cannot be read here (a container's system call filter?): ${(error as Error).message}`;
  }
}
