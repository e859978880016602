// The three man pages: rfc868(8) for the server, rfc868-client(1), rfc868.toml(5); OPTIONS and KEYS come from the CLI's own flag tables.
import { FLAGS as SERVER_FLAGS, parseArgs } from "../src/cli/server-flags.ts";
import type { ConfigType } from "../src/cli/flags.ts";
import { configKeys } from "../src/cli/config-keys.ts";
import { KEY_VALUES } from "../src/cli/config-diff.ts";
import { CLIENT_DEFAULTS, FLAGS as CLIENT_FLAGS } from "../src/cli/client-flags.ts";
import { SIGNALS } from "../src/ops/signals.ts";
import { RUNTIME_TUNING } from "../src/ops/runtime-tuning.ts";
import type { KeyDoc, ManPage } from "./roff.ts";

export const SERVER_PAGE: ManPage = {
  name: "rfc868",
  section: 8,
  summary: "RFC 868 Time Protocol server",
  synopsis: "[options]",
  description: [
    "rfc868 answers RFC 868 Time Protocol requests: a client connects over TCP (or sends a datagram over UDP, with --udp) and receives 4 bytes, big-endian, the seconds since 1900-01-01T00:00:00Z modulo 2^32.",
    "Started by systemd with socket activation (rfc868.socket, port 37), it serves the sockets systemd passed and ignores --host, --port, --backlog, --tcp and --udp. Started by hand, it binds them itself; as root on a port below 1024 it needs --user NAME (drop to that user once bound) or --allow-root.",
    `On start it re-executes itself once, same pid, with ${Object.entries(RUNTIME_TUNING)
      .map(([name, value]) => `${name}=${value}`)
      .join(", ")} added to the environment (less memory, fewer idle wake-ups); a value already set wins.`,
  ],
  flags: SERVER_FLAGS,
  sections: {
    SIGNALS: SIGNALS.map(({ signal, meaning }) => `${signal}: ${meaning}.`),
    METRICS: [
      "With --metrics ADDR:PORT, GET /metrics is the Prometheus (or OpenMetrics) page of the counters, the clock guard's state and the build.",
      "GET /readyz answers 200 ok while the server is serving time, and 503 with one line otherwise: clock below floor, clock unsynchronised, listener closed, or stopping (from the moment a stop begins). GET /livez answers 200 ok while the loop turns, and 503 once it has not turned for 10 s.",
      "Alert rules for Prometheus ship in deploy/prometheus/rfc868-alerts.yml of the source tree.",
    ],
    "EXIT STATUS": [
      "0 after a stop signal (SIGINT, SIGTERM, SIGQUIT); 1 after SIGXCPU (the CPU time limit), or when it cannot start (a port in use, permission denied, an unknown user), with one line on stderr; 2 for a usage mistake; 128 plus the signal's number when the runtime crashes (see SIGNALS).",
    ],
    FILES: [
      "/etc/rfc868/rfc868.toml: the configuration the units pass with --config (rfc868.toml(5)); every key is an option of the same name, each shown commented out with its default. Flags win over keys; SIGHUP (systemctl reload) re-reads it.",
      "/lib/systemd/system/rfc868.socket and rfc868.service: socket activation on port 37 (enabled by the package). rfc868-standalone.service: binds port 37 itself and drops to the user rfc868; not enabled, and not to be run together with the socket.",
    ],
    "SEE ALSO": [
      "rfc868-client(1), rfc868.toml(5), rdate(8), systemd.socket(5), RFC 868 (https://www.rfc-editor.org/rfc/rfc868).",
    ],
  },
};

export const CLIENT_PAGE: ManPage = {
  name: "rfc868-client",
  section: 1,
  summary: "ask an RFC 868 time server for the time, like rdate -p",
  synopsis: "HOST [options]",
  description: [
    "rfc868-client asks HOST for the time over TCP (or UDP with --udp) and prints the server's time, its offset from the local clock and the round trip. The reply must be exactly 4 bytes. It never sets the clock.",
    `HOST is an IPv4 or IPv6 address literal, or localhost (127.0.0.1); no other name is resolved (no DNS). The port defaults to ${CLIENT_DEFAULTS.port}.`,
    "The 32-bit value is read as OpenBSD's rdate does, in the unsigned window 1970-01-01 to 2106-02-07: a value below 2208988800 (which would be before 1970) is taken as after the 2036 wrap.",
    "It is the same executable as rfc868(8), installed as a symbolic link: invoked under this name, it runs the client.",
  ],
  flags: CLIENT_FLAGS,
  sections: {
    "EXIT STATUS": ["0 with a reply, 1 when the query fails (one line on stderr), 2 for a usage mistake."],
    "SEE ALSO": ["rfc868(8), rdate(8)."],
  },
};

const TYPE_NAMES: Record<Exclude<ConfigType, { switch: boolean }>, string> = {
  string: "string",
  date: "date (a TOML local date such as 2024-01-01, or that as a string)",
  integer: "integer",
  strings: "array of strings",
  integers: "array of integers",
};

/** A key's default, as it would be written in the file; "none" for a key that is off until set. */
function defaultOf(name: string, type: ConfigType): string {
  // The configuration an empty command line resolves to holds every default.
  const value = KEY_VALUES[name]!.read(parseArgs([]));
  if (value === undefined) return "none";
  if (type === "date") return new Date(value as number).toISOString().slice(0, 10);
  return JSON.stringify(value).replace(/,/g, ", ");
}

/** Every key of the config file: its flag's help, TOML type, default, and whether SIGHUP applies it. */
export function configKeyDocs(): KeyDoc[] {
  return [...configKeys(SERVER_FLAGS).values()].map((key) => {
    const flags = key.flags.map((name) => SERVER_FLAGS.find((flag) => flag.name === name)!);
    // A switch pair (tcp, no-tcp) is documented by its "on" flag; help texts are the table's own.
    const flag = flags.find((f) => typeof f.config !== "object" || f.config.switch) ?? flags[0]!;
    const type = flag.config!;
    const reloaded = KEY_VALUES[key.name]?.reload;
    if (reloaded === undefined)
      throw new Error(`config key ${key.name} has no option slot in the flag table (src/cli/server-flags.ts)`);
    const typeName = typeof type === "object" ? "boolean" : TYPE_NAMES[type];
    const reload =
      reloaded === "restart"
        ? "A change needs a restart; a reload leaves it as it was and logs so."
        : "A reload (SIGHUP) applies it.";
    return {
      term: `${key.name} = ${defaultOf(key.name, type)}`,
      text: `${flag.help}. Type: ${typeName}. Flags: ${key.flags.map((f) => `--${f}`).join(", ")}. ${reload}`,
    };
  });
}

export const CONFIG_PAGE: ManPage = {
  name: "rfc868.toml",
  section: 5,
  summary: "configuration file of the rfc868 time server",
  synopsis: "/etc/rfc868/rfc868.toml",
  description: [
    "rfc868 --config PATH reads its options from a TOML file; the packaged units pass /etc/rfc868/rfc868.toml. Every key is the command-line option of the same name (a switch pair such as --tcp and --no-tcp is one boolean key), and a flag given on the command line wins over the file. An unknown key, or a value of the wrong type, is refused with one line naming the key, and the server does not start.",
    "SIGHUP (systemctl reload) re-reads the file. The logging and admission keys take effect at once; a change of a key that shapes the sockets or the process identity is logged and waits for a restart. A file that does not parse on reload changes nothing.",
    "Each key below is shown as it would be written with its default value.",
  ],
  flags: [],
  keys: configKeyDocs(),
  sections: {
    EXAMPLE: ["port = 37", 'host = ["::"]', 'rate = "20/s"', 'deny = ["192.0.2.0/24"]'],
    FILES: ["/etc/rfc868/rfc868.toml: the packaged file, every key commented out with its default."],
    "SEE ALSO": ["rfc868(8), rfc868-client(1), systemctl(1), https://toml.io/en/v1.0.0."],
  },
};
