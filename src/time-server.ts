// The in-thread server: bind the listeners, run the select loop on the calling thread, stop cleanly (the CLI; src/embedding/ runs it on a Worker).
import type { SocketAddress } from "../native/index.ts";
import { buildAdmission, type HardeningOptions } from "./policy/admission.ts";
import type { AccessLists } from "./policy/access-policy.ts";
import { buildClockGuard } from "./policy/clock-guard.ts";
import { DEFAULTS } from "./base/defaults.ts";
export { ConfigError } from "./base/config-error.ts";
import { EventLoop } from "./core/event-loop.ts";
import { closeListeners, openConfiguredListeners, type ListenOptions, type Listener } from "./core/listeners.ts";
import { LOG_FORMATS, Log, type LogFormatName } from "./logging/log.ts";
import type { Clock, Transport } from "./base/rfc868.ts";
import { ServerMetrics } from "./base/server-metrics.ts";
import { ServiceContext } from "./core/service-context.ts";
import { tcpService } from "./core/tcp-service.ts";
import { udpService } from "./core/udp-service.ts";
import { parseMetricsAddress } from "./metrics/address.ts";
import { Health } from "./metrics/health.ts";
import { metricsPage } from "./metrics/metrics-page.ts";
import { openMetricsListener, startMetricsServer, type MetricsServer } from "./metrics/metrics-server.ts";

/** What startTimeServer is given; an option unset takes its default (src/base/defaults.ts), as the CLI's does. */
export interface TimeServerOptions extends ListenOptions {
  /** Turn the per-event lines (still waiting, connection from) off. */
  quiet?: boolean;
  /** Where the lines go; default stdout and stderr. */
  log?: Log;
  /** The line format when `log` is not given: "seed" (default, the original's lines) or "json". */
  logFormat?: LogFormatName;
  /** Sockets already open (systemd's, or bound before a privilege drop): then nothing is bound and hosts, port, backlog, tcp and udp are not used. */
  listeners?: readonly Listener[];
  /** Access lists, UDP guard, rate limits, clock guard (README, "Hardening"); unset: the UDP guard and the 2024 clock floor only. */
  hardening?: HardeningOptions;
  /** Unix time in ms; default Date.now. */
  clock?: Clock;
  /** Serve Prometheus metrics at http://ADDR:PORT/metrics (README, "Metrics"); e.g. "127.0.0.1:9975". Default off. */
  metrics?: string;
  /** The metrics socket already bound (openMetricsListener, before a privilege drop): served instead of binding `metrics`, closed like `listeners`. */
  metricsListener?: Listener;
  /** Called from the loop itself every `everyMs` while it turns (systemd's watchdog ping): a stalled loop stops calling it. */
  heartbeat?: { everyMs: number; beat: () => void };
  /** Stop by itself after this many seconds in which nothing was counted (the CLI allows it under socket activation only). */
  idleExitSeconds?: number;
}

/** What a running server can change without rebinding (TimeServer.reconfigure): each field given replaces the current one. */
export type LiveOptions = Pick<TimeServerOptions, "hardening" | "quiet" | "logFormat">;

export interface TimeServer {
  /** The first listener's bound address and port. */
  readonly address: string;
  readonly port: number;
  readonly listeners: readonly { transport: Transport; local: SocketAddress }[];
  /** Every counted event; `get("refused_tcp_denied")` reads one by its counters-line name. */
  readonly counters: ServerMetrics;
  /** Where the metrics endpoint listens, or null without `metrics`. */
  readonly metrics: SocketAddress | null;
  /** Resolves once the loop ended and the sockets are closed; rejects if the loop failed. */
  readonly closed: Promise<void>;
  /** Stop after the current select() returns (at most 1 s), close the sockets, flush the log. */
  stop(): Promise<void>;
  /** Log the counters as one line (the CLI does on SIGUSR1; the server does once more when it stops). */
  reportCounters(): void;
  /** Where its lines go (the CLI adds its reload lines). */
  readonly log: Log;
  /**
   * Apply `changes` in one step, from the next batch of requests on; the sockets stay open. A new
   * `hardening` replaces the old whole (rate buckets start full, the clock guard re-checks). Throws, changing nothing, when invalid.
   * `lists`: the new hardening's allow and deny lists built already (the reload's worker builds them), read instead of its strings.
   */
  reconfigure(changes: LiveOptions, lists?: AccessLists): void;
  /** An fd a Worker writes a byte to (native wakeLoop) after posting a message, so the loop takes it at once (the reload's parse thread). */
  wakeFd(): number;
}

/** What serving with `options` needs before any socket is opened: each built here, so a bad option throws before anything is bound. */
function buildPolicy(options: TimeServerOptions, log: Log, counters: ServerMetrics, clock: Clock) {
  const hardening = options.hardening ?? DEFAULTS.hardening;
  return {
    admission: buildAdmission(hardening, log, counters.refusals),
    clock: buildClockGuard(hardening, log, clock),
    metricsAddress:
      options.metrics === undefined || options.metricsListener ? null : parseMetricsAddress(options.metrics),
  };
}

/**
 * rfc868 --check-config: everything runTimeServer checks before it opens a socket, through the same
 * code, opening none. Throws what start-up would (ConfigError, StartupError); the log is never flushed,
 * so a check prints nothing but its verdict.
 */
export function checkTimeServerOptions(options: TimeServerOptions): void {
  buildPolicy(options, new Log({ eventLines: false }), new ServerMetrics(), Date.now);
}

/** Bind and start serving on this thread, which the loop then shares (between select() calls): see README, "Embedding". */
export async function runTimeServer(options: TimeServerOptions = {}): Promise<TimeServer> {
  const counters = new ServerMetrics();
  const linesDropped = counters.logLinesDropped.labels();
  const log =
    options.log ??
    new Log({
      eventLines: !(options.quiet ?? DEFAULTS.quiet),
      format: LOG_FORMATS[options.logFormat ?? DEFAULTS.logFormat],
      onDropped: (lines) => linesDropped.inc(lines),
    });
  // Before this function opens any socket: a bad policy must not leave one behind.
  const clockSource = options.clock ?? Date.now;
  const { admission, clock, metricsAddress } = buildPolicy(options, log, counters, clockSource);
  const reportCounters = () => log.notice(`counters: ${counters.counterLine()}`);
  const listeners = options.listeners ?? openConfiguredListeners(options);
  const loop = new EventLoop({ onIdle: () => log.idle(), beforeSleep: () => (log.flush(), health.turned()) });
  const context = new ServiceContext(loop, log, counters, admission, clock);
  const health = new Health(context, listeners);
  let metrics: MetricsServer | null = null;
  try {
    for (const listener of listeners) {
      loop.register(listener.fd, (listener.transport === "tcp" ? tcpService : udpService)(listener, context));
    }
    const metricsListener = options.metricsListener ?? (metricsAddress && openMetricsListener(metricsAddress));
    if (metricsListener) metrics = startMetricsServer(metricsListener, context, metricsPage(context), health.probes());
  } catch (error) {
    if (!options.listeners) closeListeners(listeners); // ours to close; the caller's are the caller's
    throw error;
  }

  if (options.heartbeat) {
    const { everyMs, beat } = options.heartbeat;
    const again = () => (beat(), loop.setTimer(everyMs, again));
    loop.setTimer(everyMs, again);
  }

  const stop = () => {
    health.stopping();
    loop.stop();
  };
  if (options.idleExitSeconds !== undefined) {
    const { idleExitSeconds } = options;
    let seen = counters.total();
    let quietSince = performance.now();
    const check = () => {
      const now = performance.now();
      const total = counters.total();
      if (total !== seen) [seen, quietSince] = [total, now];
      if (now - quietSince < idleExitSeconds * 1000) return void loop.setTimer(1000, check);
      log.notice(
        `nothing to do for ${idleExitSeconds} s (--idle-exit): exiting; the listening sockets stay open with whoever passed them`,
      );
      stop();
    };
    loop.setTimer(1000, check);
  }

  const first = listeners[0]!.local;
  log.listening(first.port);

  const closed = loop.run().finally(() => {
    metrics?.close();
    closeListeners(listeners);
    loop.close();
    log.finish(reportCounters);
  });
  return {
    address: first.address,
    port: first.port,
    listeners: listeners.map(({ transport, local }) => ({ transport, local })),
    counters,
    metrics: metrics?.local ?? null,
    closed,
    stop() {
      stop();
      return closed;
    },
    reportCounters,
    log,
    wakeFd: () => loop.wakeFd(),
    reconfigure(changes, lists) {
      // Everything that can fail is built before anything changes.
      const hardening = changes.hardening;
      const admission = hardening ? buildAdmission(hardening, log, counters.refusals, lists) : context.admission;
      const guard = hardening ? buildClockGuard(hardening, log, clockSource) : context.clock;
      const format = changes.logFormat ? LOG_FORMATS[changes.logFormat] : log.format;
      context.admission = admission;
      context.clock = guard;
      log.use(changes.quiet === undefined ? log.eventLines : !changes.quiet, format);
    },
  };
}
