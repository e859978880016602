// One RFC 868 query through native/ (no runtime networking): non-blocking connect, select() against a deadline, exactly 4 bytes.
import { ConfigError } from "../base/config-error.ts";
import {
  FdSet,
  LINUX,
  checkConnected,
  closeFd,
  encodeSockaddr,
  errnoCode,
  openSocket,
  parseIp,
  receiveBytes,
  selectFds,
  sendBytes,
  startConnect,
} from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import { readTimestamp } from "../base/rfc868.ts";

export interface TimeQuery {
  /** An IPv4 or IPv6 literal. */
  address: string;
  port: number;
  transport: Transport;
  /** For the whole exchange: connecting, and the reply to its end. */
  timeoutMs: number;
}

export interface TimeReply {
  /** The 32-bit RFC 868 value. */
  value: number;
  /** Local Unix time (ms) when the query began. */
  sentAtMs: number;
  /** From the start of connect (TCP) or the request datagram (UDP) to the end of the reply. */
  roundTripMs: number;
}

/** The query failed; its message is one line ("connection refused", "short reply: 3 bytes ..."). */
export class QueryError extends Error {}

/** Waits on one fd with select() until a fixed point in time; a signal (EINTR) only shortens one wait. */
class Deadline {
  readonly #end: number;
  readonly #set = new FdSet();

  constructor(readonly timeoutMs: number) {
    this.#end = performance.now() + timeoutMs;
  }

  get text(): string {
    return `${this.timeoutMs / 1000} s`;
  }

  /** Wait until `fd` is readable (or writable); false when the deadline comes first. */
  wait(fd: number, until: "readable" | "writable"): boolean {
    for (;;) {
      const left = Math.ceil(this.#end - performance.now());
      if (left <= 0) return false;
      this.#set.clear();
      this.#set.add(fd);
      if (selectFds(fd + 1, until === "readable" ? this.#set : null, until === "writable" ? this.#set : null, left))
        return true;
    }
  }
}

function queryTcp(fd: number, sockaddr: Uint8Array, deadline: Deadline): Uint8Array {
  if (!startConnect(fd, sockaddr)) {
    if (!deadline.wait(fd, "writable")) throw new QueryError(`no connection within ${deadline.text}`);
    checkConnected(fd);
  }
  // Room for a fifth byte: that is how a long reply shows.
  const reply = new Uint8Array(new ArrayBuffer(5));
  let length = 0;
  for (;;) {
    if (!deadline.wait(fd, "readable")) {
      throw new QueryError(
        length === 0
          ? `no reply within ${deadline.text}`
          : `the server sent ${length} bytes and did not close within ${deadline.text}`,
      );
    }
    const received = receiveBytes(fd, reply.subarray(length), 0);
    if (received === null) continue;
    if (received === 0) break; // the server closed: the reply is complete
    length += received;
    if (length > 4) throw new QueryError("long reply: more than 4 bytes, expected exactly 4");
  }
  if (length === 0) throw new QueryError("the server closed without sending anything, expected exactly 4 bytes");
  if (length < 4) throw new QueryError(`short reply: ${length} bytes, expected exactly 4`);
  return reply.subarray(0, 4);
}

function queryUdp(fd: number, sockaddr: Uint8Array, deadline: Deadline): Uint8Array {
  // A connected UDP socket takes datagrams from the server only, and hears its ICMP "port unreachable" as ECONNREFUSED.
  startConnect(fd, sockaddr);
  // RFC 868: "Send an empty datagram to port 37". A fresh socket's send buffer is empty: it never blocks.
  sendBytes(fd, new Uint8Array(new ArrayBuffer(0)), 0);
  // Any datagram fits whole, so its real size is known and a long one cannot pass as 4 bytes.
  const datagram = new Uint8Array(new ArrayBuffer(65536));
  for (;;) {
    if (!deadline.wait(fd, "readable"))
      throw new QueryError(`no reply within ${deadline.text} (UDP: the request or the reply may have been lost)`);
    const length = receiveBytes(fd, datagram, 0);
    if (length === null) continue;
    if (length === 4) return datagram.subarray(0, 4);
    throw new QueryError(`${length < 4 ? "short" : "long"} reply: a ${length}-byte datagram, expected exactly 4 bytes`);
  }
}

/** A failed syscall as the one line an operator needs. */
function asQueryError(error: unknown, transport: Transport): Error {
  switch (errnoCode(error)) {
    case "ECONNREFUSED":
      return new QueryError(
        transport === "tcp"
          ? "connection refused (nothing listens on that port)"
          : "refused: port unreachable (no UDP service on that port)",
      );
    case "ECONNRESET":
      return new QueryError("connection reset by the server");
    case undefined:
      return error as Error;
    default:
      return new QueryError((error as Error).message);
  }
}

/** Ask `address`:`port` for the time once. Throws QueryError on refusal, timeout, or a reply that is not 4 bytes. */
export function queryTime(query: TimeQuery): TimeReply {
  const ip = parseIp(query.address);
  if (!ip) throw new ConfigError(`not an IP address literal: ${JSON.stringify(query.address)}`);
  const sockaddr = encodeSockaddr({ address: query.address, port: query.port });
  const type = query.transport === "tcp" ? LINUX.SOCK_STREAM : LINUX.SOCK_DGRAM;
  const fd = openSocket(
    ip.family === "IPv6" ? LINUX.AF_INET6 : LINUX.AF_INET,
    type | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC,
  );
  const deadline = new Deadline(query.timeoutMs);
  const sentAtMs = Date.now();
  const started = performance.now();
  try {
    const reply = (query.transport === "tcp" ? queryTcp : queryUdp)(fd, sockaddr, deadline);
    return { value: readTimestamp(reply), sentAtMs, roundTripMs: performance.now() - started };
  } catch (error) {
    throw asQueryError(error, query.transport);
  } finally {
    closeFd(fd);
  }
}
