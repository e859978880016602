// Time clients that keep querying over TCP until told to stop (or the server is gone), counting what they got.
import { tcpTime } from "./clients.ts";

export interface QueryTally {
  /** Requests made. */
  sent: number;
  /** Replies of exactly 4 bytes. */
  answered: number;
  /** Connections refused because nothing listens any more (the server stopped). */
  refused: number;
  /** Anything else, by how it closed: closed without a byte, reset, short reply. */
  other: Record<string, number>;
}

/**
 * `workers` sequential clients on 127.0.0.1:`port`. A worker ends at stop() or at its first
 * ECONNREFUSED (nothing listens: the server stopped). `reached(n)` resolves once n replies are in.
 */
export function startQueryLoop(port: number, workers = 4) {
  const tally: QueryTally = { sent: 0, answered: 0, refused: 0, other: {} };
  let stopped = false;
  let waiters: { count: number; resolve: () => void }[] = [];

  async function worker(): Promise<void> {
    while (!stopped) {
      tally.sent++;
      const reply = await tcpTime(port);
      if (reply.bytes.length === 4) {
        tally.answered++;
        waiters = waiters.filter((w) => (tally.answered >= w.count ? (w.resolve(), false) : true));
      } else if (reply.close === "ECONNREFUSED" && reply.bytes.length === 0) {
        tally.refused++;
        return;
      } else {
        const kind = `${reply.close}:${reply.bytes.length}`;
        tally.other[kind] = (tally.other[kind] ?? 0) + 1;
      }
    }
  }

  const done = Promise.all(Array.from({ length: workers }, worker));
  return {
    tally,
    /** Resolves once `count` replies have arrived in all, or every worker has ended (the server is gone: the caller's checks then fail). */
    reached(count: number): Promise<void> {
      if (tally.answered >= count) return Promise.resolve();
      return Promise.race([new Promise<void>((resolve) => waiters.push({ count, resolve })), done.then(() => {})]);
    },
    /** Resolves when every worker has ended by itself (the server is gone). */
    ended: () => done.then(() => tally),
    async stop(): Promise<QueryTally> {
      stopped = true;
      await done;
      return tally;
    },
  };
}
