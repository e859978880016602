// The --log json format: one JSON object per event, with an ISO-8601 UTC time and the peer's address and port, for a log collector.
import type { SocketAddress } from "../../native/index.ts";
import type { LogFormat, Severity } from "./log-format.ts";

/** One event as a line; `time` first, so lines sort and scan by time; `level` as syslog names it, for a collector's filters. */
function line(now: () => number, level: Severity, event: string, fields: Record<string, string | number>): string {
  return JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields });
}

/** A peer as flat fields (collectors index flat keys without mapping nested objects). */
function peerFields(peer: SocketAddress): { peer_address: string; peer_port: number } {
  return { peer_address: peer.address, peer_port: peer.port };
}

/** The JSON format; `now` (Unix ms) is injectable for tests. */
export function jsonFormat(now: () => number = Date.now): LogFormat {
  return {
    listening: (port) => line(now, "notice", "listening", { port }),
    // A line a second saying nothing happened is noise to a collector: JSON logs events only.
    idle: () => null,
    connection: (peer) => line(now, "info", "connection", { transport: "tcp", ...peerFields(peer) }),
    datagram: (peer) => line(now, "info", "datagram", { transport: "udp", ...peerFields(peer) }),
    refused: (transport, peer, reason) => line(now, "warning", "refused", { transport, ...peerFields(peer), reason }),
    notice: (text, severity) => line(now, severity, severity === "error" ? "error" : "notice", { message: text }),
  };
}
