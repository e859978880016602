// The client's command line: HOST and a flag table, parsed by the same mechanism as the server's (flags.ts).
import { quoted } from "./quote.ts";
import { parseIp } from "../../native/index.ts";
import { UsageError, flagRows, parseFlags, parseInteger, type Flag } from "./flags.ts";

export interface ClientOptions {
  /** HOST as given. */
  host?: string;
  port: number;
  udp: boolean;
  timeoutMs: number;
  json: boolean;
  help: boolean;
  version: boolean;
}

export const CLIENT_DEFAULTS = { port: 37, timeoutSeconds: 5 } as const;
/** The one name known without DNS; anything else must be an address literal. */
const LOCALHOST = "127.0.0.1";

/** Seconds, fractions allowed ("0.5"), more than 0 and at most an hour; returned in ms, rounded up. */
export function parseSeconds(flag: string, text: string): number {
  // From the digits, not a float: 1024.005 * 1000 is 1024005.0000000001, which rounded up to 1024006 ms.
  const [whole, fraction = ""] = text.split(".");
  const ms =
    Number(whole) * 1000 + Number(fraction.slice(0, 3).padEnd(3, "0")) + (/[1-9]/.test(fraction.slice(3)) ? 1 : 0);
  if (!/^\d+(\.\d+)?$/.test(text) || ms <= 0 || ms > 3_600_000) {
    throw new UsageError(`--${flag}: expected seconds, more than 0 and at most 3600, got ${quoted(text)}`);
  }
  return ms;
}

/** The client's flag table: parsing, --help and the man page come from it. */
export const FLAGS: Flag<ClientOptions>[] = [
  {
    name: "port",
    value: "N",
    help: `the server's port (default ${CLIENT_DEFAULTS.port})`,
    apply: (o, v) => void (o.port = parseInteger("port", v, 1, 65535)),
  },
  {
    name: "udp",
    help: "ask over UDP (default TCP); an unanswered request times out",
    apply: (o) => void (o.udp = true),
  },
  {
    name: "timeout",
    value: "S",
    help: `give up after S seconds (default ${CLIENT_DEFAULTS.timeoutSeconds}; fractions allowed)`,
    apply: (o, v) => void (o.timeoutMs = parseSeconds("timeout", v)),
  },
  { name: "json", help: "print one JSON object instead of text", apply: (o) => void (o.json = true) },
  { name: "help", help: "show this help and exit", apply: (o) => void (o.help = true) },
  {
    name: "version",
    help: "print the version, the git commit and the Bun version, and exit",
    apply: (o) => void (o.version = true),
  },
];

/** The --help text; `program` as invoked (src/base/invocation.ts). */
export function clientUsage(program: string): string {
  return [
    `usage: ${program} HOST [options]`,
    "",
    "Ask an RFC 868 time server for the time, like rdate -p: print the server's time, its offset from",
    "the local clock and the round trip. The reply must be exactly 4 bytes.",
    "",
    "HOST is an IPv4 or IPv6 address literal, or localhost (127.0.0.1); no other name is resolved (no DNS).",
    "",
    "The 32-bit value is read as OpenBSD's rdate does, in the unsigned window 1970-01-01 to 2106-02-07:",
    "a value below 2208988800 (which would be before 1970) is taken as after the 2036 wrap.",
    "",
    "options:",
    ...flagRows(FLAGS),
    "",
    "exit status: 0 with a reply, 1 when the query fails (one line on stderr), 2 for a usage mistake.",
  ].join("\n");
}

/** HOST as an address literal: itself when it is one, 127.0.0.1 for localhost. */
export function resolveHost(host: string): string {
  if (host === "localhost") return LOCALHOST;
  if (!parseIp(host))
    throw new UsageError(`HOST must be an IPv4 or IPv6 address literal or localhost (no DNS), got ${quoted(host)}`);
  return host;
}

export function parseClientArgs(argv: readonly string[]): ClientOptions {
  const defaults: ClientOptions = {
    port: CLIENT_DEFAULTS.port,
    udp: false,
    timeoutMs: CLIENT_DEFAULTS.timeoutSeconds * 1000,
    json: false,
    help: false,
    version: false,
  };
  const options = parseFlags(argv, FLAGS, defaults, (o, arg) => {
    if (o.host !== undefined) throw new UsageError(`one HOST only, got ${quoted(o.host)} and ${quoted(arg)}`);
    o.host = arg;
  });
  if (!options.help && !options.version && options.host === undefined)
    throw new UsageError("HOST is missing (see --help)");
  return options;
}
