// The two man pages: rfc868(8) for the server, rfc868-client(1); OPTIONS come from the CLI's own flag tables.
import { FLAGS as SERVER_FLAGS } from "../src/cli/server-flags.ts";
import { CLIENT_DEFAULTS, FLAGS as CLIENT_FLAGS } from "../src/cli/client-flags.ts";
import { SIGNALS } from "../src/ops/signals.ts";
import { RUNTIME_TUNING } from "../src/ops/runtime-tuning.ts";
import type { ManPage } from "./roff.ts";

export const SERVER_PAGE: ManPage = {
  name: "rfc868",
  section: 8,
  summary: "RFC 868 Time Protocol server",
  synopsis: "[options]",
  description: [
    "rfc868 answers RFC 868 Time Protocol requests: a client connects over TCP (or sends a datagram over UDP, with --udp) and receives 4 bytes, big-endian, the seconds since 1900-01-01T00:00:00Z modulo 2^32.",
    "Started by systemd with socket activation (rfc868.socket, port 37), it serves the sockets systemd passed and ignores --host, --port, --backlog, --tcp and --udp. Started by hand, it binds them itself; as root on a port below 1024 it needs --user NAME (drop to that user once bound) or --allow-root.",
    `On start it re-executes itself once, same pid, with ${Object.entries(RUNTIME_TUNING).map(([name, value]) => `${name}=${value}`).join(", ")} added to the environment (less memory, fewer idle wake-ups); a value already set wins.`,
  ],
  flags: SERVER_FLAGS,
  sections: {
    SIGNALS: SIGNALS.map(({ signal, meaning }) => `${signal}: ${meaning}.`),
    METRICS: [
      "With --metrics ADDR:PORT, GET /metrics is the Prometheus (or OpenMetrics) page of the counters, the clock guard's state and the build.",
      "GET /readyz answers 200 ok while the server is serving time, and 503 with one line otherwise: clock below floor, clock unsynchronised, listener closed, or stopping (from the moment a stop begins). GET /livez answers 200 ok while the loop turns, and 503 once it has not turned for 10 s.",
      "Alert rules for Prometheus ship in deploy/prometheus/rfc868-alerts.yml of the source tree.",
    ],
    "EXIT STATUS": ["0 after a stop signal (SIGINT, SIGTERM, SIGQUIT); 1 after SIGXCPU (the CPU time limit), or when it cannot start (a port in use, permission denied, an unknown user), with one line on stderr; 2 for a usage mistake; 128 plus the signal's number when the runtime crashes (see SIGNALS)."],
    FILES: [
      "/etc/rfc868/rfc868.toml: the configuration the units pass with --config; every key is an option of the same name, each shown commented out with its default. Flags win over keys; SIGHUP (systemctl reload) re-reads it.",
      "/lib/systemd/system/rfc868.socket and rfc868.service: socket activation on port 37 (enabled by the package). rfc868-standalone.service: binds port 37 itself and drops to the user rfc868; not enabled, and not to be run together with the socket.",
    ],
    "SEE ALSO": ["rfc868-client(1), rdate(8), systemd.socket(5), RFC 868 (https://www.rfc-editor.org/rfc/rfc868)."],
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
