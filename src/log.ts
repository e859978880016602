// The server's console lines: which events are written and where; the Python original's words by default, JSON with --log json.
import type { SocketAddress } from "../native/index.ts";
import { Console } from "./console.ts";
import { jsonFormat } from "./json-log.ts";

/** Python's repr of a socket address: ('127.0.0.1', 1469) or ('::1', 5353, 0, 0). */
export function pythonAddressRepr(peer: SocketAddress): string {
  return peer.family === "IPv4"
    ? `('${peer.address}', ${peer.port})`
    : `('${peer.address}', ${peer.port}, ${peer.flowinfo}, ${peer.scopeId})`;
}

/** How each event becomes one line; Log decides which events are written and where. */
export interface LogFormat {
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
    readonly events = true,
    readonly format: LogFormat = seedFormat,
  ) {}

  listening(port: number): void {
    this.out.line(this.format.listening(port));
  }

  idle(): void {
    const line = this.events ? this.format.idle() : null;
    if (line !== null) this.out.line(line);
  }

  connection(peer: SocketAddress): void {
    this.out.line(this.format.connection(peer));
  }

  datagram(peer: SocketAddress): void {
    this.out.line(this.format.datagram(peer));
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
