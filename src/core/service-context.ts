// What every service handler shares: the loop, the log, the counters, admission, the guarded clock, and how a client's failure is handled.
import { errnoCode } from "../../native/index.ts";
import type { Admission } from "../policy/admission.ts";
import type { ClockGuard } from "../policy/clock-guard.ts";
import type { Counters } from "./counters.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Log } from "../logging/log.ts";

export class ServiceContext {
  constructor(
    readonly loop: EventLoop,
    readonly log: Log,
    readonly counters: Counters,
    /** Which sources are served. */
    readonly admission: Admission,
    /** Writes the stamp, or refuses while the clock cannot be trusted. */
    readonly clock: ClockGuard,
  ) {}

  /**
   * A client's connection or datagram failed (reset, vanished, aborted): count it by errno, log the
   * first of each kind, go on. Anything that is not a syscall error is a bug and propagates.
   */
  clientFailed(transport: string, error: unknown): void {
    const code = errnoCode(error);
    if (!code) throw error;
    if (this.counters.add(`${transport}_${code}`)) {
      this.log.notice(`${transport} client: ${(error as Error).message}; further ones are counted`);
    }
  }
}
