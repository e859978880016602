// sockaddr_in / sockaddr_in6 encode and decode, and a reusable sockaddr_storage for accept4/recvmmsg.
import { LINUX } from "./platform.ts";
import { formatIp, parseIp, type Family } from "./inet.ts";
import { checkU32 } from "./checked-int.ts";

export interface SocketAddress {
  family: Family;
  address: string;
  port: number;
  /** IPv6 only (0 for IPv4). */
  flowinfo: number;
  /** IPv6 only (0 for IPv4). */
  scopeId: number;
}

/** The C struct for an address: 16 bytes of sockaddr_in or 28 of sockaddr_in6, in its own ArrayBuffer. */
export function encodeSockaddr(addr: Pick<SocketAddress, "address" | "port"> & Partial<SocketAddress>): Uint8Array {
  if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 65535)
    throw new RangeError(`port ${addr.port} is out of range 0-65535`);
  const ip = parseIp(addr.address);
  if (!ip) throw new RangeError(`not an IP address literal: ${JSON.stringify(addr.address)}`);
  const v6 = ip.family === "IPv6";
  const bytes = new Uint8Array(new ArrayBuffer(v6 ? LINUX.sizeof_sockaddr_in6 : LINUX.sizeof_sockaddr_in));
  const view = new DataView(bytes.buffer);
  view.setUint16(0, v6 ? LINUX.AF_INET6 : LINUX.AF_INET, true);
  view.setUint16(2, addr.port, false);
  if (v6) {
    const flowinfo = addr.flowinfo ?? 0;
    const scopeId = addr.scopeId ?? 0;
    checkU32("flowinfo", flowinfo);
    checkU32("scope id", scopeId);
    view.setUint32(LINUX.offsetof_sockaddr_in6_sin6_flowinfo, flowinfo, false);
    bytes.set(ip.bytes, LINUX.offsetof_sockaddr_in6_sin6_addr);
    view.setUint32(LINUX.offsetof_sockaddr_in6_sin6_scope_id, scopeId, true);
  } else {
    bytes.set(ip.bytes, LINUX.offsetof_sockaddr_in_sin_addr);
  }
  return bytes;
}

/** Decode `length` bytes of a sockaddr written by the kernel. */
export function decodeSockaddr(bytes: Uint8Array, length: number): SocketAddress {
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: the two bytes land on bits 0-7 and 8-15.
  const family = bytes[0]! | (bytes[1]! << 8);
  // Stryker disable next-line OrXor: `^` for `|` is the same sum: the two bytes land on bits 8-15 and 0-7.
  const port = (bytes[2]! << 8) | bytes[3]!;
  if (family === LINUX.AF_INET && length >= LINUX.sizeof_sockaddr_in) {
    // Dotted quad in JS: this runs once per logged connection.
    const address = `${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}`;
    return { family: "IPv4", address, port, flowinfo: 0, scopeId: 0 };
  }
  if (family === LINUX.AF_INET6 && length >= LINUX.sizeof_sockaddr_in6) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return {
      family: "IPv6",
      // Stryker disable next-line StringLiteral: formatIp takes any family but "IPv4" as IPv6, so "" prints the same (the type forbids it).
      address: formatIp("IPv6", bytes.subarray(8, 24)),
      port,
      flowinfo: view.getUint32(LINUX.offsetof_sockaddr_in6_sin6_flowinfo, false),
      scopeId: view.getUint32(LINUX.offsetof_sockaddr_in6_sin6_scope_id, true),
    };
  }
  throw new RangeError(`unsupported sockaddr: family ${family}, length ${length}`);
}

/** A sockaddr_storage and its socklen_t, for calls that report a peer (accept4, recvmmsg, getsockname). */
export class SockaddrStorage {
  readonly bytes = new Uint8Array(new ArrayBuffer(LINUX.sizeof_sockaddr_storage));
  readonly length = new Uint32Array(new ArrayBuffer(LINUX.sizeof_socklen_t));

  /** Arm the length before a call: the kernel reads it as capacity and writes the real size back. */
  arm(): this {
    this.length[0] = this.bytes.byteLength;
    return this;
  }

  decode(): SocketAddress {
    return decodeSockaddr(this.bytes, this.length[0]!);
  }
}
