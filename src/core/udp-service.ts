// The UDP time service: take every queued datagram with one recvmmsg, answer each admitted one (empty ones too) with one sendmmsg.
import { DatagramBatch } from "../../native/index.ts";
import type { Listener } from "./listeners.ts";
import type { ServiceContext } from "./service-context.ts";
import { receiveEach, type ListenerFailures } from "./socket-io.ts";

/** Datagrams per readable event: a UDP flood gets its share of each tick and no more, so TCP is never starved. */
export const RECEIVE_BATCH = 64;

const FAILURES: ListenerFailures = { client: "udp", listener: "udp", taking: "receives" };

export function udpService(listener: Listener, context: ServiceContext): () => void {
  const { log, counters } = context;
  const [served, refusedClock, dropped] = [
    counters.requests.labels("udp"),
    counters.refusals.labels("udp", "clock"),
    counters.udpRepliesDropped.labels(),
  ];
  const currentPolicy = context.policyFor(listener);
  let policy = currentPolicy();
  // Owns every buffer its structs point to; held by this closure for as long as the listener is served.
  const batch = new DatagramBatch(RECEIVE_BATCH);

  /** Queue a reply for each admitted datagram; the batch shares one stamp, read when the first is admitted. */
  function answer(received: number): void {
    let stamped: boolean | null = null;
    for (let i = 0; i < received; i++) {
      const peer = batch.peers[i]!;
      if (policy.admit !== null && !policy.admit(peer)) continue; // refused: drained, and no reply
      if (log.eventLines) log.datagram(peer);
      stamped ??= policy.clock.stamp(batch.reply);
      if (stamped) batch.queueReply(i);
      else refusedClock.inc(); // no time rather than a wrong one
    }
  }

  /** Send what is queued; a reply that fails costs only itself, and a full send buffer drops the rest rather than block. */
  function sendReplies(): void {
    while (batch.pending > 0) {
      try {
        const sent = batch.sendPending(listener.fd);
        if (sent === null) {
          dropped.inc(batch.dropPending());
          return;
        }
        served.inc(sent);
      } catch (error) {
        batch.skipReply();
        context.clientFailed("udp", error);
      }
    }
  }

  return function receiveBatch(): void {
    policy = currentPolicy();
    const received = receiveEach(context, listener.fd, FAILURES, batch);
    if (received === null) return;
    answer(received);
    sendReplies();
  };
}
