// The --log json format: one JSON object per event, with an ISO-8601 UTC time and the peer's address and port, for a log collector.
import type { SocketAddress } from "../../native/index.ts";
import type { LogFormat } from "./log-format.ts";

/** One event as a line; `time` first, so lines sort and scan by time. */
function line(now: () => number, event: string, fields: Record<string, string | number>): string {
  return JSON.stringify({ time: new Date(now()).toISOString(), event, ...fields });
}

/** A peer as flat fields (collectors index flat keys without mapping nested objects). */
function peerFields(peer: SocketAddress): { peer_address: string; peer_port: number } {
  return { peer_address: peer.address, peer_port: peer.port };
}

/** The JSON format; `now` (Unix ms) is injectable for tests. */
export function jsonFormat(now: () => number = Date.now): LogFormat {
  return {
    listening: (port) => line(now, "listening", { port }),
    // A line a second saying nothing happened is noise to a collector: JSON logs events only.
    idle: () => null,
    connection: (peer) => line(now, "connection", { transport: "tcp", ...peerFields(peer) }),
    datagram: (peer) => line(now, "datagram", { transport: "udp", ...peerFields(peer) }),
    refused: (transport, peer, reason) => line(now, "refused", { transport, ...peerFields(peer), reason }),
    notice: (text) => line(now, "notice", { message: text }),
    error: (text) => line(now, "error", { message: text }),
  };
}
