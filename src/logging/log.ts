// The server's console lines: which events are written and where; the Python original's words by default, JSON with --log json.
import { LINUX, type SockaddrStorage, type SocketAddress } from "../../native/index.ts";
import { Console } from "./output-buffer.ts";
import { jsonFormat } from "./json-format.ts";

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
 * `<prefix>127.0.0.1', 1469)` written straight from sockaddr_in bytes, the same line the seed
 * format gives but with no object or string made per request. False for any other family.
 */
function writeIpv4PeerLine(out: Console, prefix: Uint8Array, sockaddr: Uint8Array): boolean {
  if ((sockaddr[0]! | (sockaddr[1]! << 8)) !== LINUX.AF_INET) return false;
  if (!out.reserve(prefix.byteLength + 32)) return true; // dropped and counted: the reader is stalled
  out.appendBytes(prefix);
  for (let i = LINUX.offsetof_sockaddr_in_sin_addr; i < LINUX.offsetof_sockaddr_in_sin_addr + 4; i++) {
    if (i > LINUX.offsetof_sockaddr_in_sin_addr) out.appendByte(0x2e); // "."
    out.appendDecimal(sockaddr[i]!);
  }
  out.appendByte(0x27); // "'"
  out.appendByte(0x2c); // ","
  out.appendByte(0x20); // " "
  out.appendDecimal((sockaddr[2]! << 8) | sockaddr[3]!); // sin_port, big-endian
  out.appendByte(0x29); // ")"
  out.appendByte(0x0a);
  return true;
}

/** How each event becomes one line; Log decides which events are written and where. */
export interface LogFormat {
  /** Optional fast path for the per-request lines: write one straight into `out`; false to use the string form. */
  peerLine?(out: Console, event: "connection" | "datagram", sockaddr: Uint8Array): boolean;
  listening(port: number): string;
  /** null: this format leaves the idle heartbeat out. */
  idle(): string | null;
  connection(peer: SocketAddress): string;
  datagram(peer: SocketAddress): string;
  refused(transport: string, peer: SocketAddress, reason: string): string;
  notice(text: string): string;
}

/** The default: the Python original's words and tuples. */
export const seedFormat: LogFormat = {
  peerLine: (out, event, sockaddr) => writeIpv4PeerLine(out, event === "connection" ? CONNECTION_FROM : DATAGRAM_FROM, sockaddr),
  listening: (port) => `listening on port ${port}`,
  idle: () => "still waiting",
  connection: (peer) => `connection from ${pythonAddressRepr(peer)}`,
  datagram: (peer) => `datagram from ${pythonAddressRepr(peer)}`,
  refused: (transport, peer, reason) => `refused ${transport} from ${pythonAddressRepr(peer)}: ${reason}`,
  notice: (text) => `rfc868: ${text}`,
};

/** The formats `--log` names. */
export const LOG_FORMATS = { seed: seedFormat, json: jsonFormat() } as const;
export type LogFormatName = keyof typeof LOG_FORMATS;

export class Log {
  constructor(
    readonly out: Console = new Console(1),
    readonly err: Console = new Console(2),
    /** false turns the per-event lines (still waiting, connection from) off. */
    public events = true,
    public format: LogFormat = seedFormat,
  ) {}

  /** Switch the per-event lines and the format together (a reload); lines already buffered keep their format. */
  use(events: boolean, format: LogFormat): void {
    this.events = events;
    this.format = format;
  }

  listening(port: number): void {
    this.out.line(this.format.listening(port));
  }

  idle(): void {
    const line = this.events ? this.format.idle() : null;
    if (line !== null) this.out.line(line);
  }

  /** One per request: the format's byte path when it has one, so the hot path makes no garbage. */
  connection(peer: SockaddrStorage): void {
    if (!this.format.peerLine?.(this.out, "connection", peer.bytes)) this.out.line(this.format.connection(peer.decode()));
  }

  datagram(peer: SockaddrStorage): void {
    if (!this.format.peerLine?.(this.out, "datagram", peer.bytes)) this.out.line(this.format.datagram(peer.decode()));
  }

  /** A request turned away by policy (access list, loop guard, rate limit, clock); callers bound the rate. */
  refused(transport: string, peer: SocketAddress, reason: string): void {
    this.out.line(this.format.refused(transport, peer, reason));
  }

  /** A line for the operator (a survived error, a back-off, the counters); goes to stderr. */
  notice(text: string): void {
    this.err.line(this.format.notice(text));
  }

  flush(): void {
    this.out.flush();
    this.err.flush();
  }
}
