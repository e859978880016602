// CIDR blocks (192.0.2.0/24, 2001:db8::/32), parsed once through inet_pton and matched against raw sockaddr bytes.
import { IPV6_OFFSET, ipv4At, parseIp } from "../../native/index.ts";

export interface Cidr {
  /** As given, for messages. */
  readonly text: string;
  /** An IPv4 block (an IPv4-mapped IPv6 block such as ::ffff:10.0.0.0/104 becomes one). */
  readonly ipv4: boolean;
  readonly prefix: number;
  /** IPv4: the network and mask as unsigned 32-bit numbers. */
  readonly network: number;
  readonly mask: number;
  /** IPv6: the 16 network bytes. */
  readonly bytes: Uint8Array;
}

const MAPPED_PREFIX = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0; // `<< 32` is `<< 0` in JS
}

/** Whether the first `prefix` bits of a (at aOffset) and b (at bOffset) agree. */
function samePrefix(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number, prefix: number): boolean {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  const bits = prefix & 7;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[aOffset + whole]! & mask) === (b[bOffset + whole]! & mask);
}

/** `ADDR/PREFIX` or a bare address (a single host). Throws RangeError saying what is wrong. */
export function parseCidr(text: string): Cidr {
  const [address = "", prefixText, ...extra] = text.split("/");
  const ip = parseIp(address);
  if (!ip || extra.length > 0) throw new RangeError("expected ADDRESS or ADDRESS/PREFIX with an IPv4 or IPv6 address literal");
  const bits = ip.family === "IPv4" ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) throw new RangeError(`the prefix must be a number from 0 to ${bits}`);
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw new RangeError(`the prefix must be a number from 0 to ${bits}`);
  let bytes = ip.bytes;
  // IPv4 peers of a dual-stack socket are matched as IPv4, so a mapped block is an IPv4 block.
  if (ip.family === "IPv6" && prefix >= 96 && samePrefix(bytes, 0, MAPPED_PREFIX, 0, 96)) {
    bytes = bytes.subarray(12);
    prefix -= 96;
  }
  const ipv4 = bytes.length === 4;
  const full = ipv4 ? 32 : 128;
  for (let bit = prefix; bit < full; bit++) {
    if (bytes[bit >> 3]! & (0x80 >> (bit & 7))) throw new RangeError(`host bits are set after /${prefixText}`);
  }
  const mask = ipv4 ? ipv4Mask(prefix) : 0;
  return { text, ipv4, prefix, network: ipv4 ? ipv4At(bytes, 0) : 0, mask, bytes };
}

/**
 * Whether the source in `sockaddr` lies in `cidr`. `v4Offset` is ipv4Offset(sockaddr): IPv4 and
 * IPv4-mapped sources match only IPv4 blocks, native IPv6 sources only IPv6 blocks.
 */
export function cidrContains(cidr: Cidr, sockaddr: Uint8Array, v4Offset: number): boolean {
  if (v4Offset >= 0) return cidr.ipv4 && ((ipv4At(sockaddr, v4Offset) & cidr.mask) >>> 0) === cidr.network;
  return !cidr.ipv4 && samePrefix(sockaddr, IPV6_OFFSET, cidr.bytes, 0, cidr.prefix);
}

/** Whether any block of `list` holds the source. */
export function anyContains(list: readonly Cidr[], sockaddr: Uint8Array, v4Offset: number): boolean {
  for (let i = 0; i < list.length; i++) if (cidrContains(list[i]!, sockaddr, v4Offset)) return true;
  return false;
}
