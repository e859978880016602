// The TCP time service: accept in a bounded batch, send the 4-byte stamp, close. No connection outlives its accept.
import {
  LINUX,
  SockaddrStorage,
  acceptConnection,
  closeFd,
  errnoCode,
  sendBytes,
} from "../../native/index.ts";
import type { ServiceContext } from "./service-context.ts";
import type { Listener } from "./listeners.ts";
import { drainInput } from "./drain.ts";

/** Accepts per readable event: enough to amortise select(), small enough that other sockets get their turn. */
export const ACCEPT_BATCH = 128;
/** How long the listener sits out of select() when the process or system is out of fds or memory. */
export const ACCEPT_BACKOFF_MS = 100;

const ACCEPT_FLAGS = LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC;
/** A connection that failed before we took it; Linux reports these from accept4 (see accept(2)). Go on. */
const RETRY_ACCEPT = new Set(["ECONNABORTED", "EPROTO", "EINTR", "ENETDOWN", "ENOPROTOOPT", "EHOSTDOWN", "ENONET", "EHOSTUNREACH", "EOPNOTSUPP", "ENETUNREACH", "EPERM"]);
/** Out of fds or kernel memory: accepting again at once would spin, since the listener stays readable. */
const BACK_OFF = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

export function tcpService(listener: Listener, context: ServiceContext): () => void {
  const { loop, log, counters } = context;
  const [served, refusedClock] = [counters.requests.labels("tcp"), counters.refusals.labels("tcp", "clock")];
  const currentPolicy = context.policyFor(listener);
  let policy = currentPolicy();
  const peer = new SockaddrStorage();
  const stamp = new Uint8Array(new ArrayBuffer(4));

  function serve(fd: number): void {
    try {
      if (policy.admit !== null && !policy.admit(peer)) return; // refused: closed below without a byte
      if (log.eventLines) log.connection(peer);
      if (!policy.clock.stamp(stamp)) {
        refusedClock.inc(); // no time rather than a wrong one: closed without a byte
        return;
      }
      // A fresh socket's send buffer is empty, so 4 bytes go out whole; MSG_NOSIGNAL: a reset peer is not a SIGPIPE.
      sendBytes(fd, stamp, LINUX.MSG_NOSIGNAL);
      served.inc();
      // Read what the client sent first, so that close() ends in FIN rather than RST (drain.ts).
      drainInput(fd, context);
    } catch (error) {
      context.clientFailed("tcp", error);
    } finally {
      closeFd(fd);
    }
  }

  return function acceptBatch(): void {
    policy = currentPolicy();
    for (let i = 0; i < ACCEPT_BATCH; i++) {
      let fd: number | null;
      try {
        fd = acceptConnection(listener.fd, ACCEPT_FLAGS, log.eventLines || policy.admit ? peer : null);
      } catch (error) {
        const code = errnoCode(error);
        if (code && RETRY_ACCEPT.has(code)) {
          context.clientFailed("tcp", error);
          continue;
        }
        if (code && BACK_OFF.has(code)) {
          const backoffs = counters.acceptBackoffs.labels(code);
          backoffs.inc();
          if (context.firstTime.of(backoffs)) log.notice(`${(error as Error).message}; pausing accepts for ${ACCEPT_BACKOFF_MS} ms (counted from now on)`);
          loop.pause(listener.fd, ACCEPT_BACKOFF_MS);
          return;
        }
        throw error;
      }
      if (fd === null) return;
      serve(fd);
    }
  };
}
