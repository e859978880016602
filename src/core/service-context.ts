// What every service handler shares: the loop, the log, the counters, admission, the guarded clock, and how a client's failure is handled.
import { errnoCode } from "../../native/index.ts";
import type { Admission, Admit } from "../policy/admission.ts";
import type { ClockGuard } from "../policy/clock-guard.ts";
import type { Counters } from "./counters.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Listener } from "./listeners.ts";
import type { Log } from "../logging/log.ts";

/** What one listener's requests go through: its admission check (null: none applies) and the guarded clock. */
export interface ListenerPolicy {
  admit: Admit | null;
  clock: ClockGuard;
}

export class ServiceContext {
  constructor(
    readonly loop: EventLoop,
    readonly log: Log,
    readonly counters: Counters,
    /** Which sources are served; a reload replaces it (TimeServer.reconfigure). */
    public admission: Admission,
    /** Writes the stamp, or refuses while the clock cannot be trusted; a reload replaces it with the admission. */
    public clock: ClockGuard,
  ) {}

  /**
   * A listener's policy, read once per batch: the check is rebuilt only when a reload replaced the
   * admission, so a reload applies from the next batch on and the hot path makes nothing per request.
   */
  policyFor(listener: Listener): () => ListenerPolicy {
    let seen: Admission | null = null;
    const policy: ListenerPolicy = { admit: null, clock: this.clock };
    return () => {
      if (seen !== this.admission) {
        seen = this.admission;
        policy.admit = seen.admitFor(listener.transport, listener.local.port);
      }
      policy.clock = this.clock;
      return policy;
    };
  }

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
