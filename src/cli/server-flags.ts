// Command-line flags: one declarative table, strict validation, a UsageError with one clear line.
import { quoted } from "./quote.ts";
import { parseIp } from "../../native/index.ts";
import { DEFAULTS, deepFreeze, withDefaults } from "../base/defaults.ts";
import { UsageError, flagRows, parseChoice, parseFlags, parseInteger, type Flag } from "./flags.ts";
import { LOG_FORMATS, type LogFormatName } from "../logging/log.ts";
import { HARDENING_FLAGS, checkHardeningFlags } from "./hardening-flags.ts";
import type { CliOptions, Config } from "./server-options.ts";
import { applyConfigFile } from "./config-file.ts";
import { signalRows } from "../ops/signals.ts";
import { parseMetricsAddress } from "../metrics/address.ts";

export { UsageError, parseInteger };

export function parseHost(text: string): string {
  if (!parseIp(text)) throw new UsageError(`--host: expected an IPv4 or IPv6 address literal, got ${quoted(text)}`);
  return text;
}

function parseMetrics(text: string): string {
  try {
    parseMetricsAddress(text);
  } catch (error) {
    throw new UsageError(`--metrics: ${(error as Error).message}`);
  }
  return text;
}

/** A key that needs a restart (the sockets or the process identity), or one a reload applies (the log). */
const restart = (field: keyof Config) => ({ field, reload: "restart" }) as const;
const live = (field: keyof Config) => ({ field, reload: "live" }) as const;

/** The server's one flag table: parsing, --help, the config file's keys (src/cli/config-keys.ts), the man page and the README's options block all come from it. */
export const FLAGS: readonly Flag<CliOptions>[] = [
  {
    name: "host",
    value: "ADDR",
    config: "strings",
    option: restart("hosts"),
    help: `address to bind, repeatable (default ${DEFAULTS.hosts[0]}; :: is dual stack)`,
    apply: (o, v) => void o.hosts.push(parseHost(v)),
  },
  {
    name: "port",
    value: "N",
    config: "integer",
    option: restart("port"),
    help: `port for the service (default ${DEFAULTS.port}; 0 picks a free one)`,
    apply: (o, v) => void (o.port = parseInteger("port", v, 0, 65535)),
  },
  {
    name: "backlog",
    value: "N",
    config: "integer",
    option: restart("backlog"),
    help: `listen() backlog (default ${DEFAULTS.backlog})`,
    apply: (o, v) => void (o.backlog = parseInteger("backlog", v, 1, 65535)),
  },
  {
    name: "reuse-port",
    config: { switch: true },
    option: restart("reusePort"),
    help: "SO_REUSEPORT: several instances share the port (docs/scaling.md)",
    apply: (o) => void (o.reusePort = true),
  },
  {
    name: "tcp",
    config: { switch: true },
    option: restart("tcp"),
    help: "serve TCP (default)",
    apply: (o) => void (o.tcp = true),
  },
  {
    name: "no-tcp",
    config: { switch: false },
    option: restart("tcp"),
    help: "do not serve TCP",
    apply: (o) => void (o.tcp = false),
  },
  {
    name: "udp",
    config: { switch: true },
    option: restart("udp"),
    help: "serve UDP too (default off: see README, UDP)",
    apply: (o) => void (o.udp = true),
  },
  {
    name: "no-udp",
    config: { switch: false },
    option: restart("udp"),
    help: "do not serve UDP (default)",
    apply: (o) => void (o.udp = false),
  },
  {
    name: "quiet",
    config: { switch: true },
    option: live("quiet"),
    help: "no per-event lines (still waiting, connection from)",
    apply: (o) => void (o.quiet = true),
  },
  {
    name: "log",
    value: "FORMAT",
    config: "string",
    option: live("logFormat"),
    help: "seed (default: the original's lines) or json (one object per event)",
    apply: (o, v) => void (o.logFormat = parseChoice("log", v, Object.keys(LOG_FORMATS) as LogFormatName[])),
  },
  {
    name: "user",
    value: "NAME",
    config: "string",
    option: restart("user"),
    help: "once bound, switch to this user for good (needs root)",
    apply: (o, v) => void (o.user = v),
  },
  {
    name: "group",
    value: "NAME",
    config: "string",
    option: restart("group"),
    help: "with --user: this group instead of the user's own",
    apply: (o, v) => void (o.group = v),
  },
  {
    name: "allow-root",
    config: { switch: true },
    option: restart("allowRoot"),
    help: "serve a port below 1024 as root without --user",
    apply: (o) => void (o.allowRoot = true),
  },
  ...HARDENING_FLAGS,
  {
    name: "metrics",
    value: "ADDR:PORT",
    config: "string",
    option: restart("metrics"),
    help: "serve Prometheus metrics at http://ADDR:PORT/metrics (default off; use loopback, e.g. 127.0.0.1:9975)",
    apply: (o, v) => void (o.metrics = parseMetrics(v)),
  },
  {
    name: "idle-exit",
    value: "SECONDS",
    config: "integer",
    option: restart("idleExitSeconds"),
    help: "with socket activation only: exit after this many seconds without a request; systemd keeps the socket and starts the server again on the next one (default off)",
    apply: (o, v) => void (o.idleExitSeconds = parseInteger("idle-exit", v, 1, 86400)),
  },
  {
    name: "config",
    value: "PATH",
    help: "read options from this TOML file (flags win; SIGHUP re-reads it: see README)",
    apply: (o, v) => void (o.config = v),
  },
  {
    name: "check-config",
    help: "check the flags and the --config file exactly as start-up and SIGHUP do, bind nothing, print ok or the error; exit 0 or 2",
    apply: (o) => void (o.checkConfig = true),
  },
  { name: "help", help: "show this help and exit", apply: (o) => void (o.help = true) },
  {
    name: "version",
    help: "print the version, the git commit and the Bun version, and exit",
    apply: (o) => void (o.version = true),
  },
];

/** The --help text; `program` as invoked (src/base/invocation.ts). */
export function usage(program: string): string {
  const rows = flagRows(FLAGS);
  return [
    `usage: ${program} [options]`,
    "",
    "An RFC 868 time server (TCP, and UDP with --udp) on libc through bun:ffi.",
    "",
    "options:",
    ...rows,
    "",
    "signals:",
    ...signalRows(),
  ].join("\n");
}

const fresh = (): CliOptions => ({ hosts: [], help: false, version: false, checkConfig: false });

/** The options the command line gives, over the --config file when one is named, checked across options; unset where nothing gave one. */
export function parseGiven(argv: readonly string[]): CliOptions {
  const given = new Set<string>();
  const recording = FLAGS.map((flag) => ({
    ...flag,
    apply: (o: CliOptions, v: string) => (given.add(flag.name), flag.apply(o, v)),
  }));
  const fromArgv = parseFlags(argv, recording, fresh());
  if (fromArgv.config === undefined || fromArgv.help || fromArgv.version) return checked(fromArgv);
  const fromFile = applyConfigFile(fromArgv.config, FLAGS, fresh(), given, fresh());
  try {
    return checked(parseFlags(argv, FLAGS, fromFile));
  } catch (error) {
    // A rule across options may be broken by the file, the command line or both: name the file too.
    throw error instanceof UsageError ? new UsageError(`${fromArgv.config}: ${error.message}`) : error;
  }
}

/** The options `given` with every unset one at its default, frozen. */
function resolveConfig(given: CliOptions): Config {
  const { hosts, hardening, help, version, checkConfig, ...rest } = given;
  return deepFreeze({
    ...withDefaults<Omit<Config, "hosts" | "hardening" | "help" | "version" | "checkConfig">>(
      { ...DEFAULTS, config: undefined },
      rest,
    ),
    hosts: hosts.length > 0 ? hosts : DEFAULTS.hosts,
    hardening: withDefaults<Config["hardening"]>(DEFAULTS.hardening, hardening),
    help,
    version,
    checkConfig,
  });
}

/** The command line, over the --config file when one is named, resolved: the same call re-reads the file on SIGHUP. */
export function parseArgs(argv: readonly string[]): Config {
  return resolveConfig(parseGiven(argv));
}

/** The rules across options, once every option is read. */
function checked(options: CliOptions): CliOptions {
  if ((options.tcp ?? DEFAULTS.tcp) === false && (options.udp ?? DEFAULTS.udp) === false) {
    throw new UsageError("--no-tcp without --udp leaves nothing to serve");
  }
  if (options.group !== undefined && options.user === undefined) throw new UsageError("--group needs --user");
  checkHardeningFlags(options);
  return options;
}
