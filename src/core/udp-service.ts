// The UDP time service: drain datagrams in a bounded batch, answer each (empty ones too) with one 4-byte datagram.
import { SockaddrStorage, receiveFrom, sendTo } from "../../native/index.ts";
import type { Listener } from "./listeners.ts";
import type { ServiceContext } from "./service-context.ts";

/** Datagrams per readable event: a UDP flood gets its share of each tick and no more, so TCP is never starved. */
export const RECEIVE_BATCH = 64;
/** Largest UDP payload over IPv6 is 65527 bytes; any datagram fits whole and is drained by one recvfrom. */
const DATAGRAM_BUFFER_BYTES = 65536;

export function udpService(listener: Listener, context: ServiceContext): () => void {
  const { log, counters } = context;
  const currentPolicy = context.policyFor(listener);
  let policy = currentPolicy();
  const peer = new SockaddrStorage();
  const request = new Uint8Array(new ArrayBuffer(DATAGRAM_BUFFER_BYTES));
  const stamp = new Uint8Array(new ArrayBuffer(4));

  /** Answer one datagram; false when the socket has nothing more queued. */
  function answerOne(): boolean {
    try {
      // A 0-byte datagram is a request (rdate -u sends one), not end-of-file: only null means "none queued".
      if (receiveFrom(listener.fd, request, 0, peer) === null) return false;
      if (policy.admit !== null && !policy.admit(peer)) return true; // refused: drained, and no reply
      if (log.eventLines) log.datagram(peer);
      if (!policy.clock.stamp(stamp)) {
        counters.add("refused_udp_clock"); // no time rather than a wrong one
        return true;
      }
      if (sendTo(listener.fd, stamp, 0, peer) === null) {
        // The send buffer is full: drop this one reply rather than block the loop.
        counters.add("udp_reply_dropped");
      } else {
        counters.add("served_udp");
      }
    } catch (error) {
      context.clientFailed("udp", error);
    }
    return true;
  }

  return function receiveBatch(): void {
    policy = currentPolicy();
    for (let i = 0; i < RECEIVE_BATCH && answerOne(); i++);
  };
}
