// The shape of a log format: how each event becomes one line (Log decides which events are written and where).
import type { SocketAddress } from "../../native/index.ts";
import type { OutputBuffer } from "./output-buffer.ts";

export interface LogFormat {
  /** Optional fast path for the per-request lines: write one straight into `out`; false to use the string form. */
  peerLine?(out: OutputBuffer, event: "connection" | "datagram", sockaddr: Uint8Array): boolean;
  listening(port: number): string;
  /** null: this format leaves the idle heartbeat out. */
  idle(): string | null;
  connection(peer: SocketAddress): string;
  datagram(peer: SocketAddress): string;
  refused(transport: string, peer: SocketAddress, reason: string): string;
  notice(text: string): string;
  /** A failure the server survived that is a fault of its own, not of the input or the system (a bug). */
  error(text: string): string;
}
