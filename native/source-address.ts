// A request's source read straight from the raw sockaddr bytes (no strings on the hot path), IPv4-mapped IPv6 unwrapped.
import { LINUX } from "./platform.ts";

const SIN_ADDR = LINUX.offsetof_sockaddr_in_sin_addr;
const SIN6_ADDR = LINUX.offsetof_sockaddr_in6_sin6_addr;
/** Where the IPv4 address sits inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d): its last 4 bytes. */
const MAPPED_IPV4 = SIN6_ADDR + 12;

/** The source port: big-endian at the same offset in sockaddr_in and sockaddr_in6. */
export function sourcePort(sockaddr: Uint8Array): number {
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: the two bytes land on bits 8-15 and 0-7.
  return (sockaddr[2]! << 8) | sockaddr[3]!;
}

function family(sockaddr: Uint8Array): number {
  const low = sockaddr[0]!;
  const high = sockaddr[1]!;
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: the two bytes land on bits 0-7 and 8-15.
  // Stryker disable next-line NumericLiteral: callers compare with AF_INET and AF_INET6 (< 256), and `high << 7` or `<< 9` is 0 exactly when `high << 8` is.
  return low | (high << 8);
}

/** True for a sockaddr_in (an IPv4 peer of an IPv4 socket; a mapped peer of a dual-stack socket is IPv6). */
export function isIpv4Sockaddr(sockaddr: Uint8Array): boolean {
  return family(sockaddr) === LINUX.AF_INET;
}

/** True for ::ffff:0:0/96, the form a dual-stack socket gives an IPv4 peer. */
function isMappedIpv4(sockaddr: Uint8Array): boolean {
  for (let i = SIN6_ADDR; i < SIN6_ADDR + 10; i++) if (sockaddr[i] !== 0) return false;
  return sockaddr[SIN6_ADDR + 10] === 0xff && sockaddr[SIN6_ADDR + 11] === 0xff;
}

/**
 * Where the source's IPv4 address starts in `sockaddr`: an IPv4 peer's, or an IPv4-mapped IPv6
 * peer's (so one rule covers both), or -1 for a native IPv6 peer.
 */
export function ipv4Offset(sockaddr: Uint8Array): number {
  const af = family(sockaddr);
  if (af === LINUX.AF_INET) return SIN_ADDR;
  if (af === LINUX.AF_INET6 && isMappedIpv4(sockaddr)) return MAPPED_IPV4;
  return -1;
}

/** The 4 address bytes at `offset` as an unsigned 32-bit number (192.0.2.1 is 0xc0000201). */
export function ipv4At(sockaddr: Uint8Array, offset: number): number {
  // prettier-ignore
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: each byte lands on its own 8 bits, so no two terms share a bit.
  return ((sockaddr[offset]! << 24) | (sockaddr[offset + 1]! << 16) | (sockaddr[offset + 2]! << 8) | sockaddr[offset + 3]!) >>> 0;
}

/** Where a native IPv6 source's 16 address bytes start (only meaningful when ipv4Offset is -1). */
export const IPV6_OFFSET = SIN6_ADDR;
