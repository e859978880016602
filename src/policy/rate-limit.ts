// Rate limits: a token bucket per source address in a fixed-size table, then one global bucket. Excess is refused, never the service.
import type { SourceCheck } from "./access-policy.ts";
import { IPV6_OFFSET, ipv4At, ipv4Offset } from "../../native/index.ts";
import { TokenBucket, checkBucket, oneSecondOf, type MonotonicClock } from "./token-bucket.ts";

/** Sources remembered at once: about 2 MB at most, however many addresses a flood spoofs. */
export const SOURCE_TABLE_SIZE = 16384;

export interface RateLimitOptions {
  /** Per-source requests a second, and how many may come at once; absent: no per-source limit. */
  perSource?: { perSecond: number; burst: number };
  /** All requests together, a second; the burst is one second's worth (at least 1). */
  globalPerSecond?: number;
  tableSize?: number;
  now?: MonotonicClock;
}

/**
 * The table key of a source: an IPv4 (or IPv4-mapped) address as its 32-bit number; an IPv6
 * source by its /64, since one host is handed a whole /64 and could otherwise rotate through it.
 */
export function sourceKey(sockaddr: Uint8Array): number | string {
  const v4 = ipv4Offset(sockaddr);
  // Stryker disable next-line EqualityOperator,NumericLiteral: v4 is 4, 20 (sockaddr offsets) or -1: `> 0` and `>= 1` read the same.
  if (v4 >= 0) return ipv4At(sockaddr, v4);
  // Stryker disable next-line StringLiteral: any fixed start keeps the keys of two /64s apart, and strings never equal the numbers of IPv4 keys.
  let key = "";
  // The /64 as four 16-bit units.
  for (let unit = 0; unit < 4; unit++) {
    const at = IPV6_OFFSET + 2 * unit;
    // Stryker disable next-line OrXor: the two bytes land on bits 8-15 and 0-7: `^` is the same sum.
    key += String.fromCharCode((sockaddr[at]! << 8) | sockaddr[at + 1]!);
  }
  return key;
}

/** Per-source buckets, least recently used first, never more than `capacity` of them. */
export class SourceBuckets {
  readonly #buckets = new Map<number | string, TokenBucket>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    readonly capacity: number,
    readonly now: MonotonicClock,
  ) {
    checkBucket(perSecond, burst); // buckets are made per source later: a bad limit must fail now
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Take a token from this source's bucket (a new source starts full). */
  take(key: number | string): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key); // re-inserted below: Map order is the recency order
    } else {
      // Evicting the least recently seen source forgets little: an idle bucket has refilled anyway.
      if (this.#buckets.size >= this.capacity) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
    }
    this.#buckets.set(key, bucket);
    return bucket.take();
  }
}

/** The rate check ("rate", then "global_rate"), or null when no limit is configured. */
export function rateCheck(options: RateLimitOptions): SourceCheck | null {
  const now = options.now ?? performance.now.bind(performance);
  const { perSource, globalPerSecond } = options;
  if (!perSource && globalPerSecond === undefined) return null;
  const sources =
    perSource && new SourceBuckets(perSource.perSecond, perSource.burst, options.tableSize ?? SOURCE_TABLE_SIZE, now);
  const global =
    globalPerSecond !== undefined ? new TokenBucket(globalPerSecond, oneSecondOf(globalPerSecond), now) : null;
  return (sockaddr) => {
    // Per source first: a source over its own limit must not use up everyone's global budget.
    if (sources && !sources.take(sourceKey(sockaddr))) return "rate";
    if (global && !global.take()) return "global_rate";
    return null;
  };
}
