// Refused requests: every one counted by kind, only the first few a second logged, so a flood of refusals is no flood of lines.
import type { SockaddrStorage } from "../../native/index.ts";
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

/** Where refusals are counted (the server's Counters): one call per refusal, by kind. */
export interface RefusalCounter {
  add(kind: string): boolean;
}

export class Refusals {
  readonly #lines: TokenBucket;
  #toldSuppressed = false;

  constructor(
    readonly log: Log,
    readonly counters: RefusalCounter,
    now?: MonotonicClock,
  ) {
    this.#lines = new TokenBucket(REFUSAL_LINES_PER_SECOND, REFUSAL_LINES_PER_SECOND, now);
  }

  /** Count a refused request as refused_<transport>_<reason>, and log it while under the line rate. */
  refuse(transport: string, peer: SockaddrStorage, reason: string): void {
    this.counters.add(`refused_${transport}_${reason}`);
    if (this.#lines.take()) {
      this.log.refused(transport, peer.decode(), REASONS[reason] ?? reason);
    } else if (!this.#toldSuppressed) {
      this.#toldSuppressed = true;
      this.log.notice(`more than ${REFUSAL_LINES_PER_SECOND} refusals a second: the rest are counted, not logged (see the counters line, SIGUSR1)`);
    }
  }
}
