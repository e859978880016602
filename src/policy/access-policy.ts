// --allow / --deny: deny wins; when any --allow is given, only allowed sources are served.
import { AddressSet } from "./address-set.ts";
import { parseCidr, type Cidr } from "./cidr.ts";
import { ipv4Offset } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";
import type { RefusalReason } from "../base/server-metrics.ts";

/** A refusal reason (counted in rfc868_refusals, as refused_<transport>_<reason> in the counters line), or null to go on. */
export type SourceCheck = (sockaddr: Uint8Array) => RefusalReason | null;

function parseAll(texts: readonly string[], flag: string): Cidr[] {
  return texts.map((text) => {
    try {
      return parseCidr(text);
    } catch (error) {
      throw new ConfigError(`--${flag} ${JSON.stringify(text)}: ${(error as Error).message}`);
    }
  });
}

/**
 * The access check for these lists, or null when both are empty (then nothing is checked at all).
 * Precedence: a source in any --deny block is refused ("denied"); otherwise, if there is any
 * --allow block, a source outside all of them is refused ("not_allowed"); everything else is served.
 */
export function accessCheck(allowTexts: readonly string[], denyTexts: readonly string[]): SourceCheck | null {
  if (allowTexts.length === 0 && denyTexts.length === 0) return null;
  // Sorted ranges, not a scan: a 100,000-entry list costs a request about 17 comparisons (bench/RESULTS.md).
  const allow = new AddressSet(parseAll(allowTexts, "allow"));
  const deny = new AddressSet(parseAll(denyTexts, "deny"));
  const allowList = allowTexts.length > 0;
  return (sockaddr) => {
    const v4 = ipv4Offset(sockaddr);
    if (deny.has(sockaddr, v4)) return "denied";
    if (allowList && !allow.has(sockaddr, v4)) return "not_allowed";
    return null;
  };
}
