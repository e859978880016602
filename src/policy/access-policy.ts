// --allow / --deny: deny wins; when any --allow is given, only allowed sources are served.
import { AddressSet, type RangeTables } from "./address-set.ts";
import { parseCidr, type Cidr } from "./cidr.ts";
import { ipv4Offset } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";
import type { RefusalReason } from "../base/server-metrics.ts";

/** A refusal reason (counted in rfc868_refusals, as refused_<transport>_<reason> in the counters line), or null to go on. */
export type SourceCheck = (sockaddr: Uint8Array) => RefusalReason | null;

/** The --allow and --deny lists built into sets: on the loop's thread at start-up, on the reload's worker thread after. */
export interface AccessLists {
  readonly allow: AddressSet;
  readonly deny: AddressSet;
}

/** AccessLists as plain typed arrays, to post to another thread (accessTables) and wrap there (accessListsFrom). */
export interface AccessTables {
  readonly allow: RangeTables;
  readonly deny: RangeTables;
}

function parseAll(texts: readonly string[], flag: string): Cidr[] {
  return texts.map((text) => {
    try {
      return parseCidr(text);
    } catch (error) {
      throw new ConfigError(`--${flag} ${JSON.stringify(text)}: ${(error as Error).message}`);
    }
  });
}

/** Parse and build both lists; a bad block throws ConfigError naming its flag. */
export function buildAccessLists(allowTexts: readonly string[], denyTexts: readonly string[]): AccessLists {
  // Sorted ranges, not a scan: a 100,000-entry list costs a request about 17 comparisons (bench/RESULTS.md).
  return { allow: new AddressSet(parseAll(allowTexts, "allow")), deny: new AddressSet(parseAll(denyTexts, "deny")) };
}

/** The lists' tables and the buffers to transfer with them (the lists are then unusable on this thread). */
export function accessTables({ allow, deny }: AccessLists): { tables: AccessTables; transfer: ArrayBuffer[] } {
  const tables = { allow: allow.tables, deny: deny.tables };
  const transfer = [tables.allow, tables.deny].flatMap(({ v4, v6 }) =>
    [v4.firsts, v4.lasts, v6.firsts, v6.lasts].map((words) => words.buffer as ArrayBuffer),
  );
  return { tables, transfer };
}

/** The lists whose tables another thread built, wrapped as they are: no parsing, no sorting, no copy. */
export function accessListsFrom(tables: AccessTables): AccessLists {
  return { allow: new AddressSet(tables.allow), deny: new AddressSet(tables.deny) };
}

/**
 * The access check for these lists, or null when both are empty (then nothing is checked at all).
 * Precedence: a source in any --deny block is refused ("denied"); otherwise, if there is any
 * --allow block, a source outside all of them is refused ("not_allowed"); everything else is served.
 */
export function accessCheck({ allow, deny }: AccessLists): SourceCheck | null {
  // Every block leaves at least one range, so no ranges is no blocks.
  if (allow.ranges === 0 && deny.ranges === 0) return null;
  const allowList = allow.ranges > 0;
  return (sockaddr) => {
    const v4 = ipv4Offset(sockaddr);
    if (deny.has(sockaddr, v4)) return "denied";
    if (allowList && !allow.has(sockaddr, v4)) return "not_allowed";
    return null;
  };
}
