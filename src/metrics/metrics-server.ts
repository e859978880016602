// The metrics endpoint on the time service's own select loop: bounded connections, one GET each, a deadline, no blocking send.
import {
  FD_SETSIZE,
  LINUX,
  closeFd,
  fdLimit,
  receiveBytes,
  sendBytes,
  type SocketAddress,
} from "../../native/index.ts";
import { drainInput } from "../core/drain.ts";
import { closeListeners, openListener, type Listener } from "../core/listeners.ts";
import type { ServiceContext } from "../core/service-context.ts";
import { acceptEach, type ListenerFailures } from "../core/socket-io.ts";
import { metricsUrl, type MetricsAddress } from "./address.ts";
import { MAX_REQUEST_BYTES, headEnd, parseRequestHead } from "./http-request.ts";
import type { Probe } from "./health.ts";
import { answer, tooLarge, type Page } from "./responses.ts";

/**
 * Metrics connections open at once. Beyond it a new one is accepted and closed at once (counted), so
 * silent scrapers cost at most this many fds (fewer under a low fd limit: METRICS_FD_RESERVE) and never fill the time service's backlog.
 */
export const MAX_METRICS_CONNECTIONS = 16;
/**
 * fds the endpoint leaves to the rest of the server, whatever the fd limit: a metrics connection whose fd is
 * at or above the soft RLIMIT_NOFILE less this is closed at once (counted). The kernel hands out the lowest
 * free fd, so such an fd means fewer than this many were left. The time service holds one connection at a
 * time; a reload reads one config file; the runtime opens pipes and eventfds of its own. 8 covers them with
 * room to spare, and costs nothing under the usual limits (1024 and up).
 */
export const METRICS_FD_RESERVE = 8;
/** A client must have sent its whole request by then, and read the whole answer within as long again. */
export const METRICS_DEADLINE_MS = 2000;
/** Accepts per readable event, so a connection flood gets a share of each tick and the time service the rest. */
const ACCEPT_BATCH = 16;
/** A scraper's backlog: Prometheus keeps one connection; more is what the bound above is for. */
const METRICS_BACKLOG = 64;
/** Counted as metrics_<errno>, a back-off too: the endpoint's failures are its own, never the time service's. */
const FAILURES: ListenerFailures = { client: "metrics", listener: "metrics", taking: "metrics accepts" };

export interface MetricsServer {
  readonly local: SocketAddress;
  /** Close the listener and every open metrics connection. */
  close(): void;
}

/**
 * Bind the endpoint's socket (ListenError when it cannot). The CLI does it with the time service's sockets,
 * before a privilege drop, so that a port below 1024 works with --user and goes through the same root check.
 */
export function openMetricsListener(address: MetricsAddress): Listener {
  return openListener("tcp", address.host, address.port, METRICS_BACKLOG);
}

/** Serve `GET /metrics`, rendered by `page`, and the `probes` (Health's), on `listener` (openMetricsListener's) through the context's loop; close() closes the listener too. */
export function startMetricsServer(
  listener: Listener,
  context: ServiceContext,
  page: (accept: string | null) => Page,
  probes: Readonly<Record<string, Probe>> = {},
): MetricsServer {
  const { loop, counters, log } = context;
  const [timedOut, rejected] = [counters.metricsTimedOut.labels(), counters.metricsRejected.labels()];
  const open = new Map<number, () => void>(); // fd -> its close

  function serveConnection(fd: number): void {
    const request = new Uint8Array(new ArrayBuffer(MAX_REQUEST_BYTES));
    let received = 0;
    let reply: Uint8Array | null = null;
    let sent = 0;
    let deadline = armDeadline();

    function armDeadline() {
      return loop.setTimer(METRICS_DEADLINE_MS, () => {
        timedOut.inc();
        finish(false);
      });
    }

    function finish(drain: boolean): void {
      loop.clearTimer(deadline);
      loop.unregister(fd);
      open.delete(fd);
      // Whatever the client sent beyond its head is read first, so close() ends in FIN and not an RST that could cost it the answer.
      if (drain) drainInput(fd, context, "metrics");
      closeFd(fd);
    }

    function fail(error: unknown): void {
      finish(false);
      context.clientFailed("metrics", error);
    }

    function flush(): void {
      try {
        const n = sendBytes(fd, reply!.subarray(sent), LINUX.MSG_NOSIGNAL);
        sent += n ?? 0;
        if (sent === reply!.byteLength) return finish(true);
        loop.watchWritable(fd, flush); // the rest when the client has read some
        // Its input no longer matters, and a half-closed socket would be readable on every tick: left out until the deadline.
        loop.pause(fd, METRICS_DEADLINE_MS);
      } catch (error) {
        fail(error);
      }
    }

    function onReadable(): void {
      if (reply !== null) return; // answering already (the pause above ended a moment before the deadline)
      const scanned = received;
      try {
        // One recv per readable event, and only its new bytes are scanned: a slow sender costs each tick O(bytes it sent).
        const got = receiveBytes(fd, request.subarray(received), 0);
        if (got === null) return;
        if (got === 0) return finish(false); // gone before a whole request
        received += got;
      } catch (error) {
        return fail(error);
      }
      const end = headEnd(request, received, scanned);
      if (end < 0 && received < MAX_REQUEST_BYTES) return; // more to come, within the deadline
      reply = end < 0 ? tooLarge() : answer(parseRequestHead(request, end), page, probes);
      loop.clearTimer(deadline);
      deadline = armDeadline(); // as long again to read the answer
      flush();
    }

    loop.register(fd, onReadable);
    open.set(fd, () => finish(false));
  }

  function admit(fd: number): void {
    // getrlimit on every accept (one cheap syscall per metrics connection): the limit may change under a running server (prlimit).
    if (open.size >= MAX_METRICS_CONNECTIONS || fd >= FD_SETSIZE || fd >= fdLimit().soft - METRICS_FD_RESERVE) {
      rejected.inc();
      closeFd(fd);
      return;
    }
    serveConnection(fd);
  }

  // Out of fds or memory, the metrics wait and the time service does not; a connection that died in the queue costs only itself.
  const acceptBatch = () => acceptEach(context, listener.fd, FAILURES, ACCEPT_BATCH, null, admit);

  loop.register(listener.fd, acceptBatch);
  log.notice(`metrics on ${metricsUrl({ host: listener.local.address, port: listener.local.port })}`);
  return {
    local: listener.local,
    close() {
      for (const close of [...open.values()]) close();
      loop.unregister(listener.fd);
      closeListeners([listener]);
    },
  };
}
