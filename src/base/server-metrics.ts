// The server's metric families, each declared once: its Prometheus name, help, labels and counters-line name.
import { MetricsRegistry } from "./metrics-registry.ts";
import type { Transport } from "./rfc868.ts";

const TRANSPORTS: readonly Transport[] = ["tcp", "udp"];

/** Why a request was refused: a source check's answer (policy/), or the clock guard's. */
export const REFUSAL_REASONS = [
  "denied",
  "not_allowed",
  "loop_port",
  "bad_source",
  "rate",
  "global_rate",
  "clock",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The listeners that back off when out of fds or memory. */
export const BACKOFF_LISTENERS = ["tcp", "udp", "metrics"] as const;
export type BackoffListener = (typeof BACKOFF_LISTENERS)[number];

export class ServerMetrics extends MetricsRegistry {
  readonly requests = this.family<[Transport]>({
    name: "rfc868_requests",
    help: "Requests answered with the time, by transport.",
    type: "counter",
    labels: [{ name: "transport", values: TRANSPORTS }],
    always: [["tcp"], ["udp"]],
    line: "served_{transport}",
  });

  readonly refusals = this.family<[Transport, RefusalReason]>({
    name: "rfc868_refusals",
    help: "Requests refused by policy (access lists, UDP guard, rate limits, clock guard), by transport and reason.",
    type: "counter",
    labels: [
      { name: "transport", values: TRANSPORTS },
      { name: "reason", values: REFUSAL_REASONS },
    ],
    line: "refused_{transport}_{reason}",
  });

  readonly clientErrors = this.family<[Transport, string]>({
    name: "rfc868_client_errors",
    help: "Client connections or datagrams that failed (reset, vanished), by transport and errno.",
    type: "counter",
    labels: [{ name: "transport", values: TRANSPORTS }, { name: "errno" }],
    line: "{transport}_{errno}",
  });

  readonly metricsErrors = this.family<[string]>({
    name: "rfc868_metrics_errors",
    help: "Metrics connections that failed (reset, vanished) and accepts that failed, by errno.",
    type: "counter",
    labels: [{ name: "errno" }],
    line: "metrics_{errno}",
  });

  readonly tcpDrainErrors = this.family<[string]>({
    name: "rfc868_tcp_drain_errors",
    help: "Errors while reading what a TCP client sent after it was answered, by errno; the client had its time.",
    type: "counter",
    labels: [{ name: "errno" }],
    line: "tcp_drain_{errno}",
  });

  readonly tcpRepliesDropped = this.family<[]>({
    name: "rfc868_tcp_replies_dropped",
    help: "TCP answers not sent whole (the send buffer took fewer than 4 bytes, or none): the client got no time.",
    type: "counter",
    labels: [],
    always: [[]],
    line: "tcp_reply_dropped",
  });

  readonly udpRepliesDropped = this.family<[]>({
    name: "rfc868_udp_replies_dropped",
    help: "UDP replies dropped because the socket's send buffer was full.",
    type: "counter",
    labels: [],
    always: [[]],
    line: "udp_reply_dropped",
  });

  readonly acceptBackoffs = this.family<[BackoffListener, string]>({
    name: "rfc868_accept_backoffs",
    help: "Times a listener ran out of fds or memory and paused: TCP or metrics accepts, UDP receives; by listener and errno.",
    type: "counter",
    // The TCP listener's keeps the name it had before UDP and metrics back-offs were counted here too.
    labels: [{ name: "listener", values: BACKOFF_LISTENERS, inLine: { tcp: "accept" } }, { name: "errno" }],
    line: "{listener}_backoff_{errno}",
  });

  readonly logLinesDropped = this.family<[]>({
    name: "rfc868_log_lines_dropped",
    help: "Log lines dropped while the log's reader was not reading.",
    type: "counter",
    labels: [],
    always: [[]],
    line: "log_lines_dropped",
  });

  readonly reloads = this.family<["ok" | "failed"]>({
    name: "rfc868_reloads",
    help: "Configuration reloads (SIGHUP), by result.",
    type: "counter",
    labels: [{ name: "result", values: ["ok", "failed"] }],
    always: [["ok"], ["failed"]],
    line: "reload_{result}",
  });

  readonly metricsRejected = this.family<[]>({
    name: "rfc868_metrics_connections_rejected",
    help: "Metrics connections closed at once because the concurrent limit or the fd reserve was reached.",
    type: "counter",
    labels: [],
    always: [[]],
    line: "metrics_rejected",
  });

  readonly metricsTimedOut = this.family<[]>({
    name: "rfc868_metrics_connections_timed_out",
    help: "Metrics connections closed because the request or the answer's reading took over 2 s.",
    type: "counter",
    labels: [],
    always: [[]],
    line: "metrics_timeout",
  });
}
