// CIDR blocks (192.0.2.0/24, 2001:db8::/32), parsed once through inet_pton; address-set.ts matches them.
import { parseIp } from "../../native/index.ts";
import { ConfigError } from "../base/config-error.ts";

export interface Cidr {
  /** As given, for messages. */
  readonly text: string;
  /** An IPv4 block (an IPv4-mapped IPv6 block such as ::ffff:10.0.0.0/104 becomes one). */
  readonly ipv4: boolean;
  /** 0-32 for an IPv4 block, 0-128 for an IPv6 one. */
  readonly prefix: number;
  /** The network's address bytes: 4 for an IPv4 block, 16 for an IPv6 one; every host bit is 0. */
  readonly bytes: Uint8Array;
}

/** Whether the first 12 bytes are ::ffff:0:0/96, the block of IPv4-mapped addresses. */
function isMapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Whether any bit from `prefix` on is set. */
function hasHostBits(bytes: Uint8Array, prefix: number): boolean {
  // Stryker disable next-line ShiftSign: the prefix is a non-negative count of bits: `>>` and `>>>` agree.
  const partial = prefix >> 3;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ShiftSign: at partial = length, bytes[partial] is undefined and undefined & m is 0; 0xff is positive: `>>>` is `>>`.
  if (partial < bytes.length && (bytes[partial]! & (0xff >> (prefix & 7))) !== 0) return true;
  for (let i = partial + 1; i < bytes.length; i++) if (bytes[i] !== 0) return true;
  return false;
}

/** `ADDR/PREFIX` or a bare address (a single host). Throws ConfigError saying what is wrong. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  // Stryker disable next-line EqualityOperator,NumericLiteral: slash 0 leaves an empty address, which parseIp refuses just as it refuses the whole text.
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip || text.includes("/", slash + 1))
    throw new ConfigError("expected ADDRESS or ADDRESS/PREFIX with an IPv4 or IPv6 address literal");
  const bits = ip.family === "IPv4" ? 32 : 128;
  // Stryker disable next-line EqualityOperator,NumericLiteral: slash 0 has thrown above.
  const prefixText = slash < 0 ? null : text.slice(slash + 1);
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText))
    throw new ConfigError(`the prefix must be a number from 0 to ${bits}`);
  let prefix = prefixText === null ? bits : Number(prefixText);
  if (prefix > bits) throw new ConfigError(`the prefix must be a number from 0 to ${bits}`);
  let bytes = ip.bytes;
  // IPv4 peers of a dual-stack socket are matched as IPv4, so a mapped block is an IPv4 block (only an IPv6 prefix reaches 96).
  if (prefix >= 96 && isMapped(bytes)) {
    bytes = bytes.slice(12);
    prefix -= 96;
  }
  if (hasHostBits(bytes, prefix)) throw new ConfigError(`host bits are set after /${prefixText}`);
  return { text, ipv4: bytes.length === 4, prefix, bytes };
}
