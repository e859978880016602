// A token bucket on a monotonic clock: `perSecond` tokens a second, holding at most `burst`.
import { ConfigError } from "../base/config-error.ts";

/** Milliseconds on a clock that never steps back (performance.now): wall-clock jumps must not refill or drain. */
export type MonotonicClock = () => number;

/** The default burst for a rate: one second's worth, and at least one request. */
export function oneSecondOf(perSecond: number): number {
  return Math.max(1, Math.ceil(perSecond));
}

/** Throws unless `perSecond` > 0 and `burst` >= 1: checked when a limit is configured, not at its first request. */
export function checkBucket(perSecond: number, burst: number): void {
  if (!(perSecond > 0) || !(burst >= 1))
    throw new ConfigError(`a token bucket needs a rate > 0 and a burst >= 1, got ${perSecond}/s and ${burst}`);
}

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    readonly now: MonotonicClock = performance.now.bind(performance),
  ) {
    checkBucket(perSecond, burst);
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  /** Take one token if there is one: true to serve, false to refuse. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#updatedAt) * this.perSecond) / 1000);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
