// Buffered console output: lines collect in memory and go out in one write(2) per loop iteration.
import { writeAll } from "../native/index.ts";

const encoder = new TextEncoder();

export class Console {
  #pending: string[] = [];
  #broken = false;

  constructor(readonly fd: number) {}

  line(text: string): void {
    if (!this.#broken) this.#pending.push(text);
  }

  /** Write everything pending. A reader that went away (EPIPE) ends console output, not the service. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const text = this.#pending.join("\n") + "\n";
    this.#pending = [];
    try {
      writeAll(this.fd, encoder.encode(text));
    } catch {
      this.#broken = true;
    }
  }
}
