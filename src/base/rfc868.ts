// RFC 868 time: seconds since 1900-01-01T00:00:00Z, mod 2^32, sent as 4 big-endian bytes.

/** Seconds from 1900-01-01 to 1970-01-01 (70 years, 17 of them leap). */
export const SECONDS_1900_TO_1970 = 2208988800;
const TWO_POW_32 = 2 ** 32;

/** RFC 868 is served over both: a TCP connection, or a UDP datagram. */
export type Transport = "tcp" | "udp";

/** Milliseconds since 1970-01-01T00:00:00Z, like Date.now (injectable for tests). */
export type Clock = () => number;

/** The 32-bit RFC 868 value for a Unix time in ms; wraps to 0 at 2036-02-07T06:28:16Z. */
export function rfc868Seconds(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000) + SECONDS_1900_TO_1970;
  // Not `| 0` (signed) nor writeUInt32BE (throws at 2^32): an explicit, always-positive modulo.
  return ((seconds % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
}

/** Write the 4-byte big-endian stamp for `unixMs` into `out` (reused on the hot path) and return it. */
export function writeTimestamp(unixMs: number, out: Uint8Array = new Uint8Array(4)): Uint8Array {
  const value = rfc868Seconds(unixMs);
  // Stryker disable next-line ShiftSign: `>>` for `>>>` differs only in bits above the 8 a Uint8Array keeps.
  out[0] = value >>> 24;
  // Stryker disable next-line ShiftSign: `>>` for `>>>` differs only in bits that `& 0xff` clears.
  out[1] = (value >>> 16) & 0xff;
  // Stryker disable next-line ShiftSign: `>>` for `>>>` differs only in bits that `& 0xff` clears.
  out[2] = (value >>> 8) & 0xff;
  out[3] = value & 0xff;
  return out;
}

/** The 32-bit value in 4 big-endian bytes (the inverse of writeTimestamp's byte order). */
export function readTimestamp(bytes: Uint8Array): number {
  if (bytes.byteLength !== 4) throw new RangeError(`an RFC 868 timestamp is 4 bytes, got ${bytes.byteLength}`);
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: each byte lands on its own 8 bits, so no two terms share a bit.
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/**
 * Unix seconds for a 32-bit value, read in OpenBSD rdate's unsigned window 1970-01-01 .. 2106-02-07T06:28:15Z:
 * a value below SECONDS_1900_TO_1970 would be before 1970, so it is taken as after the 2036 wrap.
 */
export function unixSecondsFromRfc868(value: number): number {
  const seconds = value - SECONDS_1900_TO_1970;
  return seconds >= 0 ? seconds : seconds + TWO_POW_32;
}
