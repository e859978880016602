// Command-line flags: one declarative table, strict validation, a UsageError with one clear line.
import { parseIp } from "../../native/index.ts";
import { LISTEN_DEFAULTS } from "../core/listeners.ts";
import type { TimeServerOptions } from "../time-server.ts";
import { UsageError, flagRows, parseChoice, parseFlags, parseInteger, type Flag } from "./flags.ts";
import { LOG_FORMATS, type LogFormatName } from "../logging/log.ts";
import type { PrivilegeOptions } from "../ops/privileges.ts";
import { HARDENING_FLAGS, checkHardeningFlags } from "./hardening-flags.ts";

export { UsageError, parseInteger };

export interface CliOptions extends TimeServerOptions, PrivilegeOptions {
  hosts: string[];
  help: boolean;
  version: boolean;
}

export function parseHost(text: string): string {
  if (!parseIp(text)) throw new UsageError(`--host: expected an IPv4 or IPv6 address literal, got ${JSON.stringify(text)}`);
  return text;
}

const FLAGS: Flag<CliOptions>[] = [
  { name: "host", value: "ADDR", help: `address to bind, repeatable (default ${LISTEN_DEFAULTS.hosts[0]}; :: is dual stack)`, apply: (o, v) => void o.hosts.push(parseHost(v)) },
  { name: "port", value: "N", help: `port for the service (default ${LISTEN_DEFAULTS.port}; 0 picks a free one)`, apply: (o, v) => void (o.port = parseInteger("port", v, 0, 65535)) },
  { name: "backlog", value: "N", help: `listen() backlog (default ${LISTEN_DEFAULTS.backlog})`, apply: (o, v) => void (o.backlog = parseInteger("backlog", v, 1, 65535)) },
  { name: "tcp", help: "serve TCP (default)", apply: (o) => void (o.tcp = true) },
  { name: "no-tcp", help: "do not serve TCP", apply: (o) => void (o.tcp = false) },
  { name: "udp", help: "serve UDP too (default off: see README, UDP)", apply: (o) => void (o.udp = true) },
  { name: "no-udp", help: "do not serve UDP (default)", apply: (o) => void (o.udp = false) },
  { name: "quiet", help: "no per-event lines (still waiting, connection from)", apply: (o) => void (o.quiet = true) },
  { name: "log", value: "FORMAT", help: "seed (default: the original's lines) or json (one object per event)", apply: (o, v) => void (o.logFormat = parseChoice("log", v, Object.keys(LOG_FORMATS) as LogFormatName[])) },
  { name: "user", value: "NAME", help: "once bound, switch to this user for good (needs root)", apply: (o, v) => void (o.user = v) },
  { name: "group", value: "NAME", help: "with --user: this group instead of the user's own", apply: (o, v) => void (o.group = v) },
  { name: "allow-root", help: "serve a port below 1024 as root without --user", apply: (o) => void (o.allowRoot = true) },
  ...HARDENING_FLAGS,
  { name: "help", help: "show this help and exit", apply: (o) => void (o.help = true) },
  { name: "version", help: "print the version and exit", apply: (o) => void (o.version = true) },
];

export function usage(): string {
  const rows = flagRows(FLAGS);
  return ["usage: bun run src/server.ts [options]", "", "An RFC 868 time server (TCP, and UDP with --udp) on libc through bun:ffi.", "", "options:", ...rows].join("\n");
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options = parseFlags<CliOptions>(argv, FLAGS, { hosts: [], help: false, version: false });
  if (options.hosts.length === 0) options.hosts = [...LISTEN_DEFAULTS.hosts];
  if ((options.tcp ?? LISTEN_DEFAULTS.tcp) === false && (options.udp ?? LISTEN_DEFAULTS.udp) === false) {
    throw new UsageError("--no-tcp without --udp leaves nothing to serve");
  }
  if (options.group !== undefined && options.user === undefined) throw new UsageError("--group needs --user");
  checkHardeningFlags(options);
  return options;
}
