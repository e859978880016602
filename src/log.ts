// The server's console lines, in the Python original's words and tuple format by default.
import type { SocketAddress } from "../native/index.ts";
import { Console } from "./console.ts";

/** Python's repr of a socket address: ('127.0.0.1', 1469) or ('::1', 5353, 0, 0). */
export function pythonAddressRepr(peer: SocketAddress): string {
  return peer.family === "IPv4"
    ? `('${peer.address}', ${peer.port})`
    : `('${peer.address}', ${peer.port}, ${peer.flowinfo}, ${peer.scopeId})`;
}

export class Log {
  constructor(
    readonly out: Console = new Console(1),
    readonly err: Console = new Console(2),
    /** false turns the per-event lines (still waiting, connection from) off. */
    readonly events = true,
  ) {}

  listening(port: number): void {
    this.out.line(`listening on port ${port}`);
  }

  idle(): void {
    if (this.events) this.out.line("still waiting");
  }

  connection(peer: SocketAddress): void {
    this.out.line(`connection from ${pythonAddressRepr(peer)}`);
  }

  datagram(peer: SocketAddress): void {
    this.out.line(`datagram from ${pythonAddressRepr(peer)}`);
  }

  /** A request turned away by policy (access list, loop guard, rate limit, clock); callers bound the rate. */
  refused(transport: string, peer: SocketAddress, reason: string): void {
    this.out.line(`refused ${transport} from ${pythonAddressRepr(peer)}: ${reason}`);
  }

  /** A line for the operator (a survived error, a back-off, the counters); goes to stderr. */
  notice(text: string): void {
    this.err.line(`rfc868: ${text}`);
  }

  flush(): void {
    this.out.flush();
    this.err.flush();
  }
}
