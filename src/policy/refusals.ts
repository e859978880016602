// Refused requests: every one counted by kind, only the first few a second logged, so a flood of refusals is no flood of lines.
import type { SockaddrStorage } from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import type { RefusalReason } from "../base/server-metrics.ts";
import type { Log } from "../logging/log.ts";
import { TokenBucket, type MonotonicClock } from "./token-bucket.ts";

/** Refusal lines a second (and at once); the rest only count. */
export const REFUSAL_LINES_PER_SECOND = 10;

/** What each refusal reason (a SourceCheck's answer) means, for the log line. */
const REASONS: Record<string, string> = {
  denied: "source matches a deny rule",
  not_allowed: "source outside every allow rule",
  loop_port: "source port is a small service or this server's port (UDP loop guard)",
  bad_source: "source is an address no client has (UDP reflection guard)",
  rate: "source over its rate limit",
  global_rate: "over the global rate limit",
};

/** Where refusals are counted (the server's rfc868_refusals family): one series per transport and reason, looked up without building a name. */
export interface RefusalCounter {
  labels(transport: Transport, reason: RefusalReason): { inc(): void };
}

export class Refusals {
  readonly #lines: TokenBucket;
  /** Each transport's series by reason, resolved at the first refusal of its kind: a flood of refusals looks up no label values. */
  readonly #counted: Record<Transport, Partial<Record<RefusalReason, { inc(): void }>>> = { tcp: {}, udp: {} };
  #toldSuppressed = false;

  constructor(
    readonly log: Log,
    readonly counters: RefusalCounter,
    now?: MonotonicClock,
  ) {
    this.#lines = new TokenBucket(REFUSAL_LINES_PER_SECOND, REFUSAL_LINES_PER_SECOND, now);
  }

  /** Count a refused request by transport and reason, and log it while under the line rate. */
  refuse(transport: Transport, peer: SockaddrStorage, reason: RefusalReason): void {
    (this.#counted[transport][reason] ??= this.counters.labels(transport, reason)).inc();
    if (this.#lines.take()) {
      this.log.refused(transport, peer.decode(), REASONS[reason] ?? reason);
    } else if (!this.#toldSuppressed) {
      this.#toldSuppressed = true;
      this.log.warning(
        `more than ${REFUSAL_LINES_PER_SECOND} refusals a second: the rest are counted, not logged (see the counters line, SIGUSR1)`,
      );
    }
  }
}
