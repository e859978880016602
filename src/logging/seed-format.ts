// The default log format: the Python original's words and address tuples, IPv4 peer lines written without a string.
import { ipv4At, ipv4Offset, isIpv4Sockaddr, sourcePort, type SocketAddress } from "../../native/index.ts";
import type { LogFormat } from "./log-format.ts";
import type { OutputBuffer } from "./output-buffer.ts";

/** Python's repr of a socket address: ('127.0.0.1', 1469) or ('::1', 5353, 0, 0). */
export function pythonAddressRepr(peer: SocketAddress): string {
  return peer.family === "IPv4"
    ? `('${peer.address}', ${peer.port})`
    : `('${peer.address}', ${peer.port}, ${peer.flowinfo}, ${peer.scopeId})`;
}

const ascii = (text: string) => new TextEncoder().encode(text);
const CONNECTION_FROM = ascii("connection from ('");
const DATAGRAM_FROM = ascii("datagram from ('");

/**
 * `<prefix>127.0.0.1', 1469)` written straight into the buffer, the same line the string form gives
 * but with no object or string made per request. False for an IPv6 peer (an IPv4-mapped one included:
 * Python prints those as IPv6 tuples).
 */
function writeIpv4PeerLine(out: OutputBuffer, lead: Uint8Array, prefix: Uint8Array, sockaddr: Uint8Array): boolean {
  if (!isIpv4Sockaddr(sockaddr)) return false;
  if (!out.reserve(lead.byteLength + prefix.byteLength + 32)) return true; // dropped and counted: the reader is stalled
  out.appendBytes(lead);
  out.appendBytes(prefix);
  const address = ipv4At(sockaddr, ipv4Offset(sockaddr));
  for (let shift = 24; shift >= 0; shift -= 8) {
    out.appendDecimal((address >>> shift) & 0xff);
    if (shift > 0) out.appendByte(0x2e); // "."
  }
  out.appendByte(0x27); // "'"
  out.appendByte(0x2c); // ","
  out.appendByte(0x20); // " "
  out.appendDecimal(sourcePort(sockaddr));
  out.appendByte(0x29); // ")"
  out.appendByte(0x0a);
  return true;
}

export const seedFormat: LogFormat = {
  peerLine: (out, event, sockaddr, lead) =>
    writeIpv4PeerLine(out, lead, event === "connection" ? CONNECTION_FROM : DATAGRAM_FROM, sockaddr),
  listening: (port) => `listening on port ${port}`,
  idle: () => "still waiting",
  connection: (peer) => `connection from ${pythonAddressRepr(peer)}`,
  datagram: (peer) => `datagram from ${pythonAddressRepr(peer)}`,
  refused: (transport, peer, reason) => `refused ${transport} from ${pythonAddressRepr(peer)}: ${reason}`,
  // One plain line whatever the severity: the words say what happened, the journal's priority how much it matters.
  notice: (text) => `rfc868: ${text}`,
};
