// Buffered console output: lines collect in one fixed byte buffer and go out in one write(2) per loop iteration.
import { writeAll } from "../native/index.ts";

/** Lines held between flushes; a fuller buffer is written out early. Fixed, so logging grows no heap. */
export const CONSOLE_BUFFER_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

export class Console {
  readonly #buffer = new Uint8Array(new ArrayBuffer(CONSOLE_BUFFER_BYTES));
  #length = 0;
  #broken = false;

  constructor(readonly fd: number) {}

  /** Append `text` and a newline. */
  line(text: string): void {
    if (this.#broken) return;
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const worst = text.length * 3 + 1;
    if (worst > CONSOLE_BUFFER_BYTES) {
      this.flush();
      return this.#write(encoder.encode(`${text}\n`));
    }
    this.reserve(worst);
    this.#length += encoder.encodeInto(text, this.#buffer.subarray(this.#length)).written;
    this.#buffer[this.#length++] = NEWLINE;
  }

  /** Make room for `bytes` more (at most CONSOLE_BUFFER_BYTES), flushing if needed, for the append methods. */
  reserve(bytes: number): void {
    if (this.#length + bytes > CONSOLE_BUFFER_BYTES) this.flush();
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

  /** Write everything pending. A reader that went away (EPIPE) ends console output, not the service. */
  flush(): void {
    if (this.#length === 0) return;
    const pending = this.#buffer.subarray(0, this.#length);
    this.#length = 0;
    this.#write(pending);
  }

  #write(bytes: Uint8Array): void {
    if (this.#broken) return;
    try {
      writeAll(this.fd, bytes);
    } catch {
      this.#broken = true;
    }
  }
}
