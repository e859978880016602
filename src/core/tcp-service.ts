// The TCP time service: accept in a bounded batch, send the 4-byte stamp, close. No connection outlives its accept.
import { LINUX, SockaddrStorage, closeFd, sendBytes } from "../../native/index.ts";
import type { ServiceContext } from "./service-context.ts";
import type { Listener } from "./listeners.ts";
import { drainInput } from "./drain.ts";
import { acceptEach, type ListenerFailures } from "./socket-io.ts";

/** Accepts per readable event: enough to amortise select(), small enough that other sockets get their turn. */
export const ACCEPT_BATCH = 128;
const FAILURES: ListenerFailures = { client: "tcp", listener: "tcp", taking: "accepts" };

export function tcpService(listener: Listener, context: ServiceContext): () => void {
  const { log, counters } = context;
  const [served, refusedClock, dropped] = [
    counters.requests.labels("tcp"),
    counters.refusals.labels("tcp", "clock"),
    counters.tcpRepliesDropped.labels(),
  ];
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
      // Should it be full (null) or take fewer, the client has no time: never counted as served, and not waited for.
      if (sendBytes(fd, stamp, LINUX.MSG_NOSIGNAL) !== stamp.byteLength) {
        dropped.inc();
        return;
      }
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
    acceptEach(context, listener.fd, FAILURES, ACCEPT_BATCH, log.eventLines || policy.admit ? peer : null, serve);
  };
}
