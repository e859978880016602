// The server's log: which events are written, in which format, to which output; lost lines counted and reported through the format.
import type { SockaddrStorage, SocketAddress } from "../../native/index.ts";
import { jsonFormat } from "./json-format.ts";
import type { LogFormat, Severity } from "./log-format.ts";
import { PRIORITY_BYTES, PRIORITY_TEXT, isJournalStream } from "./journal.ts";
import { OutputBuffer } from "./output-buffer.ts";
import { seedFormat } from "./seed-format.ts";

/** A notice quotes what it is given (a config value, say): past this many characters the rest is cut, so one line stays a line. */
export const NOTICE_MAX_CHARS = 2048;

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
  /** Told how many lines were lost (a stalled reader, once it reads again; a failed write; exit): the server counts them. */
  onDropped?: (lines: number) => void;
  /** Which outputs are the journal (lines get sd-daemon priorities, no idle heartbeat); default: each fd checked against $JOURNAL_STREAM. */
  journal?: { out: boolean; err: boolean };
}

const NO_LEAD = new Uint8Array(0);

/** `text` at most NOTICE_MAX_CHARS long, saying how much was cut. */
function cut(text: string): string {
  return text.length > NOTICE_MAX_CHARS
    ? `${text.slice(0, NOTICE_MAX_CHARS)}... (${text.length - NOTICE_MAX_CHARS} more characters cut)`
    : text;
}

export class Log {
  readonly out: OutputBuffer;
  readonly err: OutputBuffer;
  /** Both replaced together by use() on a reload. */
  eventLines: boolean;
  format: LogFormat;
  readonly #onDropped: ((lines: number) => void) | undefined;
  /** Every line lost so far, for the last notice at exit. */
  #lostInAll = 0;
  /** stdout and stderr are the journal: each line starts with its priority. */
  readonly #journalOut: boolean;
  readonly #journalErr: boolean;

  constructor(options: LogOptions = {}) {
    this.out = options.out ?? new OutputBuffer(1);
    this.err = options.err ?? new OutputBuffer(2);
    this.eventLines = options.eventLines ?? true;
    this.format = options.format ?? seedFormat;
    this.#onDropped = options.onDropped;
    this.#journalOut = options.journal?.out ?? isJournalStream(this.out.fd);
    this.#journalErr = options.journal?.err ?? isJournalStream(this.err.fd);
  }

  /** `text` on stdout at `severity`: with its priority when stdout is the journal. */
  #out(text: string, severity: Severity): void {
    this.out.line(this.#journalOut ? PRIORITY_TEXT[severity] + text : text);
  }

  /** Switch the per-event lines and the format together (a reload); lines already buffered keep their format. */
  use(eventLines: boolean, format: LogFormat): void {
    this.eventLines = eventLines;
    this.format = format;
  }

  listening(port: number): void {
    this.#out(this.format.listening(port), "notice");
  }

  /** The idle heartbeat, except in the journal: there it would be 86,400 lines a day saying nothing happened. */
  idle(): void {
    const line = this.eventLines && !this.#journalOut ? this.format.idle() : null;
    if (line !== null) this.out.line(line);
  }

  /** One per request: the format's byte path when it has one, so the hot path makes no garbage. */
  connection(peer: SockaddrStorage): void {
    if (!this.format.peerLine?.(this.out, "connection", peer.bytes, this.#journalOut ? PRIORITY_BYTES.info : NO_LEAD)) {
      this.#out(this.format.connection(peer.decode()), "info");
    }
  }

  datagram(peer: SockaddrStorage): void {
    if (!this.format.peerLine?.(this.out, "datagram", peer.bytes, this.#journalOut ? PRIORITY_BYTES.info : NO_LEAD)) {
      this.#out(this.format.datagram(peer.decode()), "info");
    }
  }

  /** A request turned away by policy (access list, loop guard, rate limit, clock); callers bound the rate. */
  refused(transport: string, peer: SocketAddress, reason: string): void {
    this.#out(this.format.refused(transport, peer, reason), "warning");
  }

  /** A line for the operator on stderr: start, stop, reloads, the counters ("notice"), or at the severity given. */
  notice(text: string, severity: Severity = "notice"): void {
    const line = this.format.notice(cut(text), severity);
    this.err.line(this.#journalErr ? PRIORITY_TEXT[severity] + line : line);
  }

  /** Something an operator should look at: refusals, dropped lines, a refused reload, exhausted fds, failing clients. */
  warning(text: string): void {
    this.notice(text, "warning");
  }

  /** A fault of the server's own that it survived (an internal error, a bug). */
  error(text: string): void {
    this.notice(text, "error");
  }

  /** Write out what the outputs take now; then count lost lines, and report, in this format, what a stalled reader cost and the first write error. */
  flush(): void {
    this.out.flush();
    this.err.flush();
    this.#report(this.out, "output");
    this.#report(this.err, "notice output");
  }

  /**
   * At exit, after the loop: flush what the outputs take now, count as lost whatever they will never
   * take (a stalled reader's lines), then `lastWords` (the counters line, which so includes them) and a
   * last notice of every line lost, flushed as far as stderr takes it. Never waits for a reader.
   */
  finish(lastWords: () => void): void {
    this.flush();
    this.out.discard();
    for (const output of [this.out, this.err]) this.#count(output.takeDropped(true) + output.takeLost());
    lastWords();
    if (this.#lostInAll > 0)
      this.warning(`${this.#lostInAll} log lines lost in all (log_lines_dropped): the output could not take them`);
    this.err.flush();
  }

  #report(output: OutputBuffer, name: string): void {
    this.#count(output.takeLost());
    const failure = output.takeFailure();
    if (failure)
      this.warning(
        `the ${name} (fd ${output.fd}) failed, ${failure.message}: lines it does not take are dropped and counted as log_lines_dropped`,
      );
    const dropped = output.takeDropped();
    if (dropped === 0) return;
    this.#count(dropped);
    this.warning(`${dropped} log lines dropped while the ${name} (fd ${output.fd}) was not being read`);
  }

  #count(lines: number): void {
    if (lines === 0) return;
    this.#lostInAll += lines;
    this.#onDropped?.(lines);
  }
}
