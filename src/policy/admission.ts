// Which sources are served: the access lists, the UDP guard and the rate limits, built once from the options.
import type { SockaddrStorage } from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import type { Log } from "../logging/log.ts";
import { accessCheck, buildAccessLists, type AccessLists, type SourceCheck } from "./access-policy.ts";
import { rateCheck } from "./rate-limit.ts";
import { Refusals, type RefusalCounter } from "./refusals.ts";
import { oneSecondOf } from "./token-bucket.ts";
import { checkGuardPorts, udpGuardCheck } from "./udp-guard.ts";
import { DEFAULTS, withDefaults } from "../base/defaults.ts";

/** Every hardening knob; all optional, an unset one takes its default (src/base/defaults.ts): then only the UDP guard and the 2024 clock floor apply. */
export interface HardeningOptions {
  /** CIDR blocks (or addresses) to serve; when any is given, only these. */
  allow?: readonly string[];
  /** CIDR blocks never served; deny wins over allow. */
  deny?: readonly string[];
  /** The UDP loop and reflection guard (default true). */
  udpGuard?: boolean;
  /** Source ports the guard refuses (default 0, 7, 9, 13, 19, 37); the server's own port always. */
  udpGuardPorts?: readonly number[];
  /** Per-source requests a second, a token bucket (default none: unthrottled). */
  rate?: number;
  /** Per-source requests at once (default: one second's worth of --rate, at least 1). */
  burst?: number;
  /** All requests together, a second (default none). */
  globalRate?: number;
  /** Unix ms before which the clock is not believed (default 2024-01-01). */
  clockFloorMs?: number;
  /** Refuse while the kernel reports the clock unsynchronised (default false). */
  requireSync?: boolean;
}

/** Serve the request whose source `peer` holds? On false it has been counted and (rate-bounded) logged. */
export type Admit = (peer: SockaddrStorage) => boolean;

export interface Admission {
  /** The check for the requests of a socket on `localPort`, or null when none applies: the hot path then reads no address at all. */
  admitFor(transport: Transport, localPort: number): Admit | null;
}

function admitThrough(transport: Transport, checks: readonly SourceCheck[], refusals: Refusals): Admit {
  return (peer) => {
    for (let i = 0; i < checks.length; i++) {
      const reason = checks[i]!(peer.bytes);
      if (reason !== null) {
        refusals.refuse(transport, peer, reason);
        return false;
      }
    }
    return true;
  };
}

/**
 * Build the checks once; a bad CIDR, rate or guard port throws ConfigError. `lists`: the options' allow and
 * deny lists built already (off this thread), read instead of `given`'s.
 */
export function buildAdmission(
  given: HardeningOptions,
  log: Log,
  counters: RefusalCounter,
  lists?: AccessLists,
): Admission {
  const options = withDefaults(DEFAULTS.hardening, given);
  const access = accessCheck(lists ?? buildAccessLists(options.allow, options.deny));
  checkGuardPorts(options.udpGuardPorts); // used per listener later, checked now
  const perSource =
    options.rate === undefined
      ? undefined
      : { perSecond: options.rate, burst: options.burst ?? oneSecondOf(options.rate) };
  const rate = rateCheck({ perSource, globalPerSecond: options.globalRate });
  const refusals = new Refusals(log, counters);
  return {
    admitFor(transport, localPort) {
      const guard = transport === "udp" && options.udpGuard ? udpGuardCheck(options.udpGuardPorts, localPort) : null;
      // Cheapest first, and the rate check last: only a request that would be served spends a token.
      const checks = [guard, access, rate].filter((check): check is SourceCheck => check !== null);
      return checks.length === 0 ? null : admitThrough(transport, checks, refusals);
    },
  };
}
