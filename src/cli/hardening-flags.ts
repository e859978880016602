// The hardening flags (--allow, --deny, the UDP guard, rate limits, the clock guard): table rows for server-flags.ts and their value parsers.
import { quoted } from "./quote.ts";
import type { HardeningOptions } from "../policy/admission.ts";
import { parseCidr } from "../policy/cidr.ts";
import { UsageError, parseInteger, type Flag } from "./flags.ts";
import { DEFAULTS } from "../base/defaults.ts";

/** The hardening options as the flags collect them: a list grows by one entry a flag. */
export type CollectedHardening = {
  -readonly [Key in keyof HardeningOptions]: HardeningOptions[Key] extends readonly (infer Entry)[] | undefined
    ? Entry[]
    : HardeningOptions[Key];
};

interface WithHardening {
  hardening?: CollectedHardening;
}

/** Every hardening option is live: a reload rebuilds the policy (TimeServer.reconfigure). */
const live = (field: keyof HardeningOptions) => ({ field: `hardening.${field}`, reload: "live" }) as const;

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600 } as const;

/** A CIDR block or bare address, checked now so that a typo is a usage error, not a start-up failure. */
export function parseCidrFlag(flag: string, text: string): string {
  try {
    parseCidr(text);
  } catch (error) {
    throw new UsageError(
      `--${flag}: ${(error as Error).message} (such as 192.0.2.0/24 or 2001:db8::/32), got ${quoted(text)}`,
    );
  }
  return text;
}

/** `N/s`, `N/m` or `N/h` (N may have a fraction) as requests a second. */
export function parseRate(flag: string, text: string): number {
  const match = /^(\d{1,9}(?:\.\d{1,6})?)\/([smh])$/.exec(text);
  // Stryker disable next-line NumericLiteral: the count without a match is never read (!match throws first).
  const count = match ? Number(match[1]) : 0;
  if (!match || count <= 0)
    throw new UsageError(`--${flag}: expected a rate such as 20/s, 600/m or 10/h (above 0), got ${quoted(text)}`);
  return count / SECONDS_PER_UNIT[match[2] as keyof typeof SECONDS_PER_UNIT];
}

/** A comma-separated list of ports, such as 0,7,9,13,19,37. */
export function parsePortList(flag: string, text: string): number[] {
  return text.split(",").map((port) => parseInteger(flag, port.trim(), 0, 65535));
}

/** A UTC date, YYYY-MM-DD, as Unix ms at its midnight. */
export function parseDate(flag: string, text: string): number {
  // Stryker disable next-line Regex: the anchors are belt and braces: the round trip below rejects any text around the date.
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const ms = match ? new Date(0).setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  // Date.UTC rolls 2024-02-30 over into March: a real date prints back as itself.
  // Stryker disable next-line LogicalOperator: with a match, ms is never NaN (4-digit years, 2-digit fields are in Date's range).
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--${flag}: expected a date YYYY-MM-DD (UTC), got ${quoted(text)}`);
  }
  return ms;
}

/** The options' hardening record, created on first use. */
function hardening(options: WithHardening): CollectedHardening {
  return (options.hardening ??= {});
}

export const HARDENING_FLAGS: Flag<WithHardening>[] = [
  {
    name: "allow",
    value: "CIDR",
    config: "strings",
    option: live("allow"),
    help: "serve only sources in these blocks, repeatable (IPv4 or IPv6)",
    apply: (o, v) => void (hardening(o).allow ??= []).push(parseCidrFlag("allow", v)),
  },
  {
    name: "deny",
    value: "CIDR",
    config: "strings",
    option: live("deny"),
    help: "never serve sources in these blocks, repeatable; deny wins over allow",
    apply: (o, v) => void (hardening(o).deny ??= []).push(parseCidrFlag("deny", v)),
  },
  {
    name: "udp-guard-ports",
    value: "LIST",
    config: "integers",
    option: live("udpGuardPorts"),
    help: `UDP source ports never answered (default ${DEFAULTS.hardening.udpGuardPorts.join(",")}; our own port always)`,
    apply: (o, v) => void (hardening(o).udpGuardPorts = parsePortList("udp-guard-ports", v)),
  },
  {
    name: "no-udp-guard",
    config: { switch: false },
    option: live("udpGuard"),
    help: "answer UDP from any source port and address (loop and reflection guard off)",
    apply: (o) => void (hardening(o).udpGuard = false),
  },
  {
    name: "rate",
    value: "N/s",
    config: "string",
    option: live("rate"),
    help: "per-source limit, a token bucket (also N/m, N/h; default unlimited)",
    apply: (o, v) => void (hardening(o).rate = parseRate("rate", v)),
  },
  {
    name: "burst",
    value: "N",
    config: "integer",
    option: live("burst"),
    help: "with --rate: requests a source may send at once (default one second's worth)",
    apply: (o, v) => void (hardening(o).burst = parseInteger("burst", v, 1, 1_000_000)),
  },
  {
    name: "global-rate",
    value: "N/s",
    config: "string",
    option: live("globalRate"),
    help: "cap on all requests together; the excess is dropped, never the service",
    apply: (o, v) => void (hardening(o).globalRate = parseRate("global-rate", v)),
  },
  {
    name: "clock-floor",
    value: "DATE",
    config: "date",
    option: live("clockFloorMs"),
    help: `send no time while the clock reads before this UTC date (default ${new Date(DEFAULTS.hardening.clockFloorMs).toISOString().slice(0, 10)})`,
    apply: (o, v) => void (hardening(o).clockFloorMs = parseDate("clock-floor", v)),
  },
  {
    name: "require-sync",
    config: { switch: true },
    option: live("requireSync"),
    help: "send no time while the kernel reports the clock unsynchronised",
    apply: (o) => void (hardening(o).requireSync = true),
  },
];

/** Checks across flags, once all are read. */
export function checkHardeningFlags(options: WithHardening): void {
  const { burst, rate, udpGuard, udpGuardPorts } = options.hardening ?? {};
  if (burst !== undefined && rate === undefined) throw new UsageError("--burst needs --rate");
  if (udpGuard === false && udpGuardPorts !== undefined)
    throw new UsageError("--udp-guard-ports and --no-udp-guard contradict each other");
}
