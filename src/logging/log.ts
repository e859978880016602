// The server's log: which events are written, in which format, to which output; dropped lines reported through the format.
import type { SockaddrStorage, SocketAddress } from "../../native/index.ts";
import { jsonFormat } from "./json-format.ts";
import type { LogFormat } from "./log-format.ts";
import { OutputBuffer } from "./output-buffer.ts";
import { seedFormat } from "./seed-format.ts";

/** The formats `--log` names. */
export const LOG_FORMATS = { seed: seedFormat, json: jsonFormat() } as const;
export type LogFormatName = keyof typeof LOG_FORMATS;

export interface LogOptions {
  /** Event lines (listening, still waiting, connection from, refused); default stdout. */
  out?: OutputBuffer;
  /** Notices for the operator; default stderr. */
  err?: OutputBuffer;
  /** false turns the per-event lines (still waiting, connection from) off; default true. */
  eventLines?: boolean;
  format?: LogFormat;
  /** Told how many lines a stalled reader cost, once it reads again (the server counts them). */
  onDropped?: (lines: number) => void;
}

export class Log {
  readonly out: OutputBuffer;
  readonly err: OutputBuffer;
  /** Both replaced together by use() on a reload. */
  eventLines: boolean;
  format: LogFormat;
  readonly #onDropped: ((lines: number) => void) | undefined;

  constructor(options: LogOptions = {}) {
    this.out = options.out ?? new OutputBuffer(1);
    this.err = options.err ?? new OutputBuffer(2);
    this.eventLines = options.eventLines ?? true;
    this.format = options.format ?? seedFormat;
    this.#onDropped = options.onDropped;
  }

  /** Switch the per-event lines and the format together (a reload); lines already buffered keep their format. */
  use(eventLines: boolean, format: LogFormat): void {
    this.eventLines = eventLines;
    this.format = format;
  }

  listening(port: number): void {
    this.out.line(this.format.listening(port));
  }

  idle(): void {
    const line = this.eventLines ? this.format.idle() : null;
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

  /** Write out what the outputs take now; then report, in this format, lines a stalled reader cost. */
  flush(): void {
    this.out.flush();
    this.err.flush();
    this.#reportDropped(this.out, "output");
    this.#reportDropped(this.err, "notice output");
  }

  #reportDropped(output: OutputBuffer, name: string): void {
    const dropped = output.takeDropped();
    if (dropped === 0) return;
    this.#onDropped?.(dropped);
    this.notice(`${dropped} log lines dropped while the ${name} (fd ${output.fd}) was not being read`);
  }
}
