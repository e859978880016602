// The shape of a log format: how each event becomes one line (Log decides which events are written and where).
import type { SocketAddress } from "../../native/index.ts";
import type { OutputBuffer } from "./output-buffer.ts";

/** How much an operator must care, as syslog's levels: errors, warnings (refusals, drops), notices (start, stop, reloads), info (per request). */
export type Severity = "error" | "warning" | "notice" | "info";

export interface LogFormat {
  /** Optional fast path for the per-request lines: write `lead` (a journal priority, or nothing) and the line straight into `out`; false to use the string form. */
  peerLine?(out: OutputBuffer, event: "connection" | "datagram", sockaddr: Uint8Array, lead: Uint8Array): boolean;
  listening(port: number): string;
  /** null: this format leaves the idle heartbeat out. */
  idle(): string | null;
  connection(peer: SocketAddress): string;
  datagram(peer: SocketAddress): string;
  refused(transport: string, peer: SocketAddress, reason: string): string;
  /** A line for the operator, at `severity`: "error" for a failure the server survived (a bug, exhausted fds, a broken output). */
  notice(text: string, severity: Severity): string;
}
