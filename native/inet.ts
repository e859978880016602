// IP address text <-> bytes through libc's inet_pton/inet_ntop, so parsing and printing match C and Python exactly.
import { libc } from "./libc.ts";
import { LINUX } from "./platform.ts";

/** An IP address family, named as Python and Node name it. */
export type Family = "IPv4" | "IPv6";

export interface IpBytes {
  family: Family;
  bytes: Uint8Array;
}

const INET6_ADDRSTRLEN = 46;
const textBuffer = new Uint8Array(new ArrayBuffer(INET6_ADDRSTRLEN));
// Reused by every parseIp call: allocating them per call was most of its cost, far more than
// inet_pton itself (bench/PROFILE.md).
const encoder = new TextEncoder();
const sourceBuffer = new Uint8Array(new ArrayBuffer(INET6_ADDRSTRLEN * 3 + 1)); // the longest accepted text in UTF-8, and its NUL
const addressBuffer = new Uint8Array(new ArrayBuffer(16));

/** Parse a numeric IPv4 or IPv6 literal (no names, no brackets, no scope); null if it is not one. */
export function parseIp(text: string): IpBytes | null {
  // No literal is this long; a longer text is not an address. A NUL would end the C string early.
  if (text.length >= INET6_ADDRSTRLEN || text.includes("\0")) return null;
  sourceBuffer[encoder.encodeInto(text, sourceBuffer).written] = 0;
  if (libc.inet_pton(LINUX.AF_INET, sourceBuffer, addressBuffer) === 1)
    return { family: "IPv4", bytes: addressBuffer.slice(0, 4) };
  if (libc.inet_pton(LINUX.AF_INET6, sourceBuffer, addressBuffer) === 1)
    return { family: "IPv6", bytes: addressBuffer.slice(0, 16) };
  return null;
}

/** Text form of 4 or 16 address bytes, exactly as inet_ntop (and so Python) prints it. */
export function formatIp(family: Family, bytes: Uint8Array): string {
  const size = family === "IPv4" ? 4 : 16;
  if (bytes.byteLength !== size) throw new RangeError(`${family} address needs ${size} bytes, got ${bytes.byteLength}`);
  const source = new Uint8Array(new ArrayBuffer(size));
  source.set(bytes);
  const af = family === "IPv4" ? LINUX.AF_INET : LINUX.AF_INET6;
  if (libc.inet_ntop(af, source, textBuffer, INET6_ADDRSTRLEN) === null) throw new Error("inet_ntop failed");
  return new TextDecoder().decode(textBuffer.subarray(0, textBuffer.indexOf(0)));
}
