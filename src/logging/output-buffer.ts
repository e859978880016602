// Buffered output to one fd: lines collect in one fixed byte buffer and go out once per loop iteration, never blocking.
import { isWritableNow, writeAll } from "../../native/index.ts";

/** Lines held between flushes; a fuller buffer is written out early. Fixed, so logging grows no heap. */
export const CONSOLE_BUFFER_BYTES = 64 * 1024;
/** Written at a time, each after select() said the fd is writable: a pipe then has room for it whole. */
const CHUNK_BYTES = 4096; // PIPE_BUF on Linux
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export class OutputBuffer {
  readonly #buffer = new Uint8Array(new ArrayBuffer(CONSOLE_BUFFER_BYTES));
  #length = 0;
  #broken = false;
  /** Lines dropped while the reader was not reading and the buffer was full; the log reports them (Log.flush). */
  #dropped = 0;

  constructor(readonly fd: number) {}

  /** Append `text` and a newline (dropped and counted if a stalled reader left no room). */
  line(text: string): void {
    if (this.#broken) return;
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const worst = text.length * 3 + 1;
    if (worst > CONSOLE_BUFFER_BYTES) {
      this.flush();
      if (this.#length === 0) this.#write(encoder.encode(`${text}\n`));
      else this.#dropped++;
      return;
    }
    if (!this.reserve(worst)) return;
    this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
    this.#buffer[this.#length++] = NEWLINE;
  }

  /**
   * Make room for `bytes` more (at most CONSOLE_BUFFER_BYTES), flushing if needed, for the append
   * methods. False when the reader is stalled and the buffer full: the line is dropped and counted.
   */
  reserve(bytes: number): boolean {
    if (this.#length + bytes > CONSOLE_BUFFER_BYTES) this.flush();
    if (this.#length + bytes <= CONSOLE_BUFFER_BYTES) return true;
    this.#dropped++;
    return false;
  }

  /** Append ASCII bytes as they are; the caller reserved the room. */
  appendBytes(bytes: Uint8Array): void {
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.byteLength;
  }

  appendByte(byte: number): void {
    this.#buffer[this.#length++] = byte;
  }

  /** Append a non-negative integer in decimal, digit by digit: no string is made. */
  appendDecimal(value: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let i = this.#length + digits - 1, rest = value; i >= this.#length; i--, rest = Math.floor(rest / 10)) {
      this.#buffer[i] = 0x30 + (rest % 10);
    }
    this.#length += digits;
  }

  /**
   * Write what the fd takes now, in chunks it has room for; keep the rest for the next flush. A reader
   * that stops reading (a stalled pipe) must never block the loop: it would stop the service and, with
   * the write restarted after every signal, SIGTERM too. A reader that went away (EPIPE) ends output.
   */
  flush(): void {
    let written = 0;
    while (written < this.#length && !this.#broken && isWritableNow(this.fd)) {
      const end = Math.min(this.#length, written + CHUNK_BYTES);
      this.#write(this.#buffer, written, end);
      written = end;
    }
    this.#buffer.copyWithin(0, written, this.#length);
    this.#length -= written;
  }

  /**
   * The lines dropped since the last call, once the reader has caught up (the buffer is empty), else 0:
   * reported while the reader is still stalled, the report would only be dropped too.
   */
  takeDropped(): number {
    if (this.#length > 0 || this.#dropped === 0) return 0;
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  #write(bytes: Uint8Array, start = 0, end = bytes.byteLength): void {
    if (this.#broken) return;
    try {
      writeAll(this.fd, bytes, start, end);
    } catch {
      this.#broken = true;
    }
  }
}
