// Which metric family, and which labels, each Counters kind (the counters line's names) becomes.

/** A family's labelled samples are keyed by these names, in this order. */
export interface CounterSample {
  readonly family: string;
  readonly labels: readonly (readonly [string, string])[];
}

/** Counter families: name (without `_total`), HELP, and the samples present at 0 before anything is counted. */
export const COUNTER_FAMILIES: readonly { name: string; help: string; always: readonly CounterSample["labels"][] }[] = [
  { name: "rfc868_requests", help: "Requests answered with the time, by transport.", always: [[["transport", "tcp"]], [["transport", "udp"]]] },
  { name: "rfc868_refusals", help: "Requests refused by policy (access lists, UDP guard, rate limits, clock guard), by transport and reason.", always: [] },
  { name: "rfc868_client_errors", help: "Client connections or datagrams that failed (reset, vanished), by transport and errno.", always: [] },
  { name: "rfc868_tcp_drain_errors", help: "Errors while reading what a TCP client sent after it was answered, by errno; the client had its time.", always: [] },
  { name: "rfc868_udp_replies_dropped", help: "UDP replies dropped because the socket's send buffer was full.", always: [[]] },
  { name: "rfc868_accept_backoffs", help: "Times accept() ran out of fds or memory and the TCP listener paused, by errno.", always: [] },
  { name: "rfc868_log_lines_dropped", help: "Log lines dropped while the log's reader was not reading.", always: [[]] },
  { name: "rfc868_reloads", help: "Configuration reloads (SIGHUP), by result.", always: [[["result", "ok"]], [["result", "failed"]]] },
  { name: "rfc868_metrics_connections_rejected", help: "Metrics connections closed at once because the concurrent limit or the fd reserve was reached.", always: [[]] },
  { name: "rfc868_metrics_connections_timed_out", help: "Metrics connections closed because the request or the answer's reading took over 2 s.", always: [[]] },
  { name: "rfc868_events", help: "Any other counted event, by its name in the counters line.", always: [] },
];

const ERRNO = "([A-Z][A-Z0-9]*)";
const RULES: readonly [RegExp, (m: RegExpExecArray) => CounterSample][] = [
  [/^served_(tcp|udp)$/, (m) => ({ family: "rfc868_requests", labels: [["transport", m[1]!]] })],
  [/^refused_(tcp|udp)_([a-z_]+)$/, (m) => ({ family: "rfc868_refusals", labels: [["transport", m[1]!], ["reason", m[2]!]] })],
  [new RegExp(`^tcp_drain_${ERRNO}$`), (m) => ({ family: "rfc868_tcp_drain_errors", labels: [["errno", m[1]!]] })],
  [new RegExp(`^accept_backoff_${ERRNO}$`), (m) => ({ family: "rfc868_accept_backoffs", labels: [["errno", m[1]!]] })],
  [new RegExp(`^(tcp|udp|metrics)_${ERRNO}$`), (m) => ({ family: "rfc868_client_errors", labels: [["transport", m[1]!], ["errno", m[2]!]] })],
  [/^udp_reply_dropped$/, () => ({ family: "rfc868_udp_replies_dropped", labels: [] })],
  [/^log_lines_dropped$/, () => ({ family: "rfc868_log_lines_dropped", labels: [] })],
  [/^reload_(ok|failed)$/, (m) => ({ family: "rfc868_reloads", labels: [["result", m[1]!]] })],
  [/^metrics_rejected$/, () => ({ family: "rfc868_metrics_connections_rejected", labels: [] })],
  [/^metrics_timeout$/, () => ({ family: "rfc868_metrics_connections_timed_out", labels: [] })],
];

/** The family and labels of one Counters kind; a kind no rule knows is kept as rfc868_events_total{kind}, never lost. */
export function counterSample(kind: string): CounterSample {
  for (const [pattern, sample] of RULES) {
    const match = pattern.exec(kind);
    if (match) return sample(match);
  }
  return { family: "rfc868_events", labels: [["kind", kind]] };
}
