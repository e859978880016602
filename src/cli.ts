// Command-line flags: one declarative table, strict validation, a UsageError with one clear line.
import { parseIp } from "../native/index.ts";
import { DEFAULTS, type TimeServerOptions } from "./time-server.ts";

export class UsageError extends Error {}

export interface CliOptions extends TimeServerOptions {
  hosts: string[];
  help: boolean;
  version: boolean;
}

interface Flag {
  name: string;
  /** Placeholder for the value; absent for a switch. */
  value?: string;
  help: string;
  apply(options: CliOptions, value: string): void;
}

export function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${flag}: expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

export function parseHost(text: string): string {
  if (!parseIp(text)) throw new UsageError(`--host: expected an IPv4 or IPv6 address literal, got ${JSON.stringify(text)}`);
  return text;
}

const FLAGS: Flag[] = [
  { name: "host", value: "ADDR", help: `address to bind, repeatable (default ${DEFAULTS.hosts[0]}; :: is dual stack)`, apply: (o, v) => void o.hosts.push(parseHost(v)) },
  { name: "port", value: "N", help: `port for the service (default ${DEFAULTS.port}; 0 picks a free one)`, apply: (o, v) => void (o.port = parseInteger("port", v, 0, 65535)) },
  { name: "backlog", value: "N", help: `listen() backlog (default ${DEFAULTS.backlog})`, apply: (o, v) => void (o.backlog = parseInteger("backlog", v, 1, 65535)) },
  { name: "tcp", help: "serve TCP (default)", apply: (o) => void (o.tcp = true) },
  { name: "no-tcp", help: "do not serve TCP", apply: (o) => void (o.tcp = false) },
  { name: "udp", help: "serve UDP too (default off: see README, UDP)", apply: (o) => void (o.udp = true) },
  { name: "no-udp", help: "do not serve UDP (default)", apply: (o) => void (o.udp = false) },
  { name: "quiet", help: "no per-event lines (still waiting, connection from)", apply: (o) => void (o.quiet = true) },
  { name: "help", help: "show this help and exit", apply: (o) => void (o.help = true) },
  { name: "version", help: "print the version and exit", apply: (o) => void (o.version = true) },
];

export function usage(): string {
  const rows = FLAGS.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ""}`.padEnd(20) + f.help);
  return ["usage: bun run src/server.ts [options]", "", "An RFC 868 time server (TCP, and UDP with --udp) on libc through bun:ffi.", "", "options:", ...rows].join("\n");
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { hosts: [], help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg === "-h" ? "--help" : arg);
    const flag = match && FLAGS.find((f) => f.name === match[1]);
    if (!match || !flag) throw new UsageError(`unknown option ${JSON.stringify(arg)} (see --help)`);
    let value = match[2];
    if (flag.value && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${flag.name} needs a value (${flag.value})`);
    } else if (!flag.value && value !== undefined) {
      throw new UsageError(`--${flag.name} takes no value`);
    }
    flag.apply(options, value ?? "");
  }
  if (options.hosts.length === 0) options.hosts = [...DEFAULTS.hosts];
  if ((options.tcp ?? DEFAULTS.tcp) === false && (options.udp ?? DEFAULTS.udp) === false) {
    throw new UsageError("--no-tcp without --udp leaves nothing to serve");
  }
  return options;
}
