// Buffered output to one fd: lines collect in one fixed byte buffer and go out once per loop iteration, never blocking; every line lost is counted.
import { isWritableNow, LINUX, SyscallError, writeSome } from "../../native/index.ts";

/** Lines held between flushes; a fuller buffer is written out early. Fixed, so logging grows no heap. */
export const CONSOLE_BUFFER_BYTES = 64 * 1024;
/** Written at a time, each after select() said the fd is writable: a pipe then has room for it whole. */
const CHUNK_BYTES = 4096; // PIPE_BUF on Linux
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export class OutputBuffer {
  readonly #buffer = new Uint8Array(new ArrayBuffer(CONSOLE_BUFFER_BYTES));
  #length = 0;
  /** The reader went away (EPIPE) or the fd is gone (EBADF): nothing is written again. */
  #broken = false;
  /** Lines dropped while the reader was not reading and the buffer was full; the log reports them (Log.flush). */
  #dropped = 0;
  /** Lines lost otherwise: a write that failed (ENOSPC, EIO, EPIPE, ...), a line longer than the buffer. */
  #lost = 0;
  /** The first write error, until the log has said so (once). */
  #failure: SyscallError | null = null;
  #failureSeen = false;

  constructor(readonly fd: number) {}

  /** Append `text` and a newline; dropped and counted if a stalled reader left no room or it can never fit. */
  line(text: string): void {
    if (this.#broken) return void this.#lost++;
    // UTF-8 needs at most 3 bytes per UTF-16 unit: only a line that may not fit is encoded apart.
    const worst = text.length * 3 + 1;
    if (worst <= CONSOLE_BUFFER_BYTES) {
      if (!this.reserve(worst)) return;
      this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
      this.#buffer[this.#length++] = NEWLINE;
      return;
    }
    const bytes = encoder.encode(text);
    // Longer than the buffer: writing it would take waits for the reader, which the loop never does.
    if (bytes.byteLength + 1 > CONSOLE_BUFFER_BYTES) return void this.#lost++;
    if (!this.reserve(bytes.byteLength + 1)) return;
    this.appendBytes(bytes);
    this.#buffer[this.#length++] = NEWLINE;
  }

  /**
   * Make room for `bytes` more (at most CONSOLE_BUFFER_BYTES), flushing if needed, for the append
   * methods. False when the reader is stalled and the buffer full: the line is dropped and counted.
   */
  reserve(bytes: number): boolean {
    if (this.#length + bytes > CONSOLE_BUFFER_BYTES) this.flush();
    if (this.#length + bytes <= CONSOLE_BUFFER_BYTES && !this.#broken) return true;
    if (this.#broken) this.#lost++;
    else this.#dropped++;
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
   * the write restarted after every signal, SIGTERM too. A chunk the fd refuses (ENOSPC on a full disk
   * or /dev/full) is lost and its lines counted; a reader that went away (EPIPE) ends output.
   */
  flush(): void {
    let written = 0;
    while (written < this.#length && !this.#broken && isWritableNow(this.fd)) {
      const wrote = this.#write(written, Math.min(this.#length, written + CHUNK_BYTES));
      if (wrote === 0) break;
      written += wrote;
    }
    if (this.#broken) {
      // Nothing held will ever go out: count it now rather than keep it.
      this.#countLost(written, this.#length);
      written = this.#length;
    }
    this.#buffer.copyWithin(0, written, this.#length);
    this.#length -= written;
  }

  /**
   * The lines dropped for a stalled reader since the last call, once it has caught up (the buffer is
   * empty), else 0: reported while the reader is still stalled, the report would only be dropped too.
   * `evenIfBehind`: all of them now (at exit, when there is no later).
   */
  takeDropped(evenIfBehind = false): number {
    if ((this.#length > 0 && !evenIfBehind) || this.#dropped === 0) return 0;
    const dropped = this.#dropped;
    this.#dropped = 0;
    return dropped;
  }

  /** The lines lost to write errors or their length since the last call. */
  takeLost(): number {
    const lost = this.#lost;
    this.#lost = 0;
    return lost;
  }

  /** The first write error, once: the log says so one time, not once per line. */
  takeFailure(): SyscallError | null {
    if (this.#failure === null || this.#failureSeen) return null;
    this.#failureSeen = true;
    return this.#failure;
  }

  /** At exit: the lines still held, which no reader will now get, are given up and counted as lost. */
  discard(): void {
    this.#countLost(0, this.#length);
    this.#length = 0;
  }

  /** Bytes written of [start, end); on an error the range counts as written, its lines as lost. */
  #write(start: number, end: number): number {
    try {
      return writeSome(this.fd, this.#buffer, start, end);
    } catch (error) {
      if (!(error instanceof SyscallError)) throw error;
      this.#failure ??= error;
      if (error.errno === LINUX.EPIPE || error.errno === LINUX.EBADF) this.#broken = true;
      this.#countLost(start, end);
      return end - start;
    }
  }

  /** Count the lines ending in [start, end) as lost. */
  #countLost(start: number, end: number): void {
    for (let i = start; i < end; i++) if (this.#buffer[i] === NEWLINE) this.#lost++;
  }
}
