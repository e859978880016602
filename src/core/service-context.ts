// What every service handler shares: the loop, the log, the counters, admission, the guarded clock, and how a client's failure is handled.
import { errnoCode } from "../../native/index.ts";
import type { Admission, Admit } from "../policy/admission.ts";
import type { ClockGuard } from "../policy/clock-guard.ts";
import type { EventLoop } from "./event-loop.ts";
import type { Listener } from "./listeners.ts";
import { FirstTime } from "../logging/first-time.ts";
import type { Log } from "../logging/log.ts";
import type { Series } from "../base/metrics-registry.ts";
import type { ServerMetrics } from "../base/server-metrics.ts";

/** What one listener's requests go through: its admission check (null: none applies) and the guarded clock. */
export interface ListenerPolicy {
  admit: Admit | null;
  clock: ClockGuard;
}

/** Whose connection or datagram failed: a service's client, the metrics endpoint's, or a TCP client being drained after its answer. */
export type FailureKind = "tcp" | "udp" | "metrics" | "tcp_drain";

export class ServiceContext {
  /** Which troubles have had their line already. */
  readonly firstTime = new FirstTime();
  /** Where each kind of failure is counted, by errno. */
  readonly #failures: Record<FailureKind, (errno: string) => Series>;

  constructor(
    readonly loop: EventLoop,
    readonly log: Log,
    readonly counters: ServerMetrics,
    /** Which sources are served; a reload replaces it (TimeServer.reconfigure). */
    public admission: Admission,
    /** Writes the stamp, or refuses while the clock cannot be trusted; a reload replaces it with the admission. */
    public clock: ClockGuard,
  ) {
    this.#failures = {
      tcp: (errno) => counters.clientErrors.labels("tcp", errno),
      udp: (errno) => counters.clientErrors.labels("udp", errno),
      metrics: (errno) => counters.metricsErrors.labels(errno),
      tcp_drain: (errno) => counters.tcpDrainErrors.labels(errno),
    };
  }

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
  clientFailed(transport: FailureKind, error: unknown): void {
    const code = errnoCode(error);
    if (!code) throw error;
    const failures = this.#failures[transport](code);
    failures.inc();
    if (this.firstTime.of(failures)) {
      this.log.warning(`${transport} client: ${(error as Error).message}; further ones are counted`);
    }
  }
}
