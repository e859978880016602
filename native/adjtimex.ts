// The kernel's view of its clock, read with ntp_adjtime(modes = 0): synchronised to a time source or not.
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
