// The UDP loop and reflection guard: no reply to small-service ports, to our own port, or to sources no real client has.
import type { SourceCheck } from "./access-policy.ts";
import { IPV6_OFFSET, ipv4At, ipv4Offset, sourcePort } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";

/**
 * Sources a reply must never go to, spoofed to turn this server against a network: 0.0.0.0/8,
 * multicast 224.0.0.0/4, the limited broadcast 255.255.255.255 (also IPv4-mapped), and for IPv6
 * the unspecified :: and multicast ff00::/8.
 */
export function isBogusSource(sockaddr: Uint8Array): boolean {
  const v4 = ipv4Offset(sockaddr);
  // ipv4Offset's "none" is exactly -1 (an offset is 4 or 20): `>= 0` would read the same, but `> 0` too, an untestable twin.
  if (v4 !== -1) {
    const first = sockaddr[v4]!;
    return first === 0 || (first >= 224 && first <= 239) || ipv4At(sockaddr, v4) === 0xffffffff;
  }
  if (sockaddr[IPV6_OFFSET] === 0xff) return true;
  for (let i = IPV6_OFFSET; i < IPV6_OFFSET + 16; i++) if (sockaddr[i] !== 0) return false;
  return true;
}

/** Ports 0 to 65535: both the range checked and the size of the guard's table, so the two cannot disagree. */
const PORT_COUNT = 65536;

/** Throws for anything that is not a port number: a typed array ignores a write out of range, so a bad port would silently guard nothing. */
export function checkGuardPorts(ports: readonly number[]): void {
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 0 || port >= PORT_COUNT)
      throw new ConfigError(`UDP guard port ${port} is not a port number (0-${PORT_COUNT - 1})`);
  }
}

/**
 * The guard for a UDP socket on `ownPort`: "loop_port" for a guarded source port (a table lookup
 * on the raw bytes, so every datagram pays two array reads), "bad_source" for a bogus address.
 */
export function udpGuardCheck(ports: readonly number[], ownPort: number): SourceCheck {
  checkGuardPorts(ports);
  const guarded = new Uint8Array(PORT_COUNT);
  for (const port of ports) guarded[port] = 1;
  // Another time server on our port answering us would answer our answer: the same loop.
  guarded[ownPort] = 1;
  return (sockaddr) => {
    if (guarded[sourcePort(sockaddr)] === 1) return "loop_port";
    return isBogusSource(sockaddr) ? "bad_source" : null;
  };
}
