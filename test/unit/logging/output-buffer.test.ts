// The output buffer and the seed format's byte path: exact bytes, early flushes, long lines, same text as the string path.
import { afterAll, describe, expect, test } from "bun:test";
import { heapStats } from "bun:jsc";
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeSockaddr, SockaddrStorage, writeSome } from "../../../native/index.ts";
import { CONSOLE_BUFFER_BYTES, OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { Log, NOTICE_MAX_CHARS } from "../../../src/logging/log.ts";
import { seedFormat } from "../../../src/logging/seed-format.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const dir = mkdtempSync(join(tmpdir(), "rfc868-console-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `write` against a OutputBuffer on a fresh file, flush, and return what reached the file. */
function written(write: (out: OutputBuffer) => void): string {
  const path = join(dir, `out-${Math.random()}`);
  const fd = openSync(path, "w");
  try {
    const out = new OutputBuffer(fd);
    write(out);
    out.flush();
  } finally {
    closeSync(fd);
  }
  return readFileSync(path, "utf8");
}

describe("OutputBuffer", () => {
  test("writes lines and decimals exactly, nothing before flush", () => {
    const text = written((out) => {
      out.line("listening on port 8037");
      out.reserve(32);
      for (const n of [0, 9, 10, 65535, 4294967295]) {
        out.appendDecimal(n);
        out.appendByte(0x0a);
      }
      out.line("héllo ✓");
    });
    expect(text).toBe("listening on port 8037\n0\n9\n10\n65535\n4294967295\nhéllo ✓\n");
  });

  test("flushes early when the buffer fills, keeping every line in order", () => {
    const count = Math.ceil((3 * CONSOLE_BUFFER_BYTES) / 20);
    const text = written((out) => {
      for (let i = 0; i < count; i++) out.line(`line ${i}`);
    });
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(count);
    expect(lines.every((line, i) => line === `line ${i}`)).toBe(true);
  });

  test("a line that fits only once encoded (3 UTF-16 units would not) goes out whole", () => {
    const long = "x".repeat(CONSOLE_BUFFER_BYTES / 2);
    expect(written((out) => (out.line("first"), out.line(long), out.line("last")))).toBe(`first\n${long}\nlast\n`);
  });

  test("drops and counts a line longer than the buffer instead of writing it in waits for the reader", () => {
    let lost = -1;
    const long = "x".repeat(CONSOLE_BUFFER_BYTES + 10);
    expect(written((out) => (out.line("first"), out.line(long), out.line("last"), (lost = out.takeLost())))).toBe(
      "first\nlast\n",
    );
    expect(lost).toBe(1);
  });

  test("a flush makes no view of its buffer: a thousand flushes leave no Uint8Array behind", () => {
    // A view per write was the seed-logging server's extra garbage, and its extra peak RSS (bench/PROFILE.md).
    // Cells allocated since the last collection count as live in heapStats(), so garbage shows up here.
    const views = () => heapStats().objectTypeCounts.Uint8Array ?? 0;
    written((out) => {
      for (let i = 0; i < 100; i++) (out.line("warm-up"), out.flush());
      Bun.gc(true);
      const before = views();
      for (let i = 0; i < 1000; i++) {
        out.reserve(8);
        out.appendDecimal(i);
        out.appendByte(0x0a);
        out.flush();
      }
      expect(views() - before).toBeLessThan(10);
    });
  });
});

describe("Log.notice", () => {
  test("cuts a notice quoting a huge value, saying how much it cut: one line, well inside the buffer", () => {
    const huge = "x".repeat(400_000);
    const text = written((out) => new Log({ out, err: out, format: seedFormat }).notice(`reload refused: ${huge}`));
    const cut = 400_000 + "reload refused: ".length - NOTICE_MAX_CHARS;
    expect(text).toBe(
      `rfc868: reload refused: ${"x".repeat(NOTICE_MAX_CHARS - "reload refused: ".length)}... (${cut} more characters cut)\n`,
    );
  });
});

describe("writeSome", () => {
  function writtenRange(bytes: Uint8Array, start?: number, end?: number): string {
    const path = join(dir, `range-${Math.random()}`);
    const fd = openSync(path, "w");
    try {
      // A regular file takes every byte in one write.
      expect(writeSome(fd, bytes, start, end)).toBe((end ?? bytes.byteLength) - (start ?? 0));
    } finally {
      closeSync(fd);
    }
    return readFileSync(path, "latin1");
  }
  const bytes = new TextEncoder().encode("0123456789");

  test("writes the whole buffer, or exactly the range it is given", () => {
    expect(writtenRange(bytes)).toBe("0123456789");
    expect(writtenRange(bytes, 3)).toBe("3456789");
    expect(writtenRange(bytes, 2, 5)).toBe("234");
    expect(writtenRange(bytes, 10, 10)).toBe("");
    expect(writtenRange(bytes.subarray(4, 8), 1, 3)).toBe("56");
  });

  test("on a full non-blocking pipe returns 0 (EAGAIN) instead of waiting for a reader; an OutputBuffer on it drops and counts", () => {
    const fifo = join(dir, `fifo-${Math.random()}`);
    execFileSync("mkfifo", [fifo]);
    // Read-write: the pipe has a reader (this fd) that never reads, as a stalled log reader.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const chunk = new Uint8Array(4096);
      let total = 0;
      let wrote: number;
      while ((wrote = writeSome(fd, chunk)) > 0) total += wrote;
      expect(wrote).toBe(0);
      expect(total).toBeGreaterThanOrEqual(4096);
      const out = new OutputBuffer(fd);
      for (let i = 0; i < 10_000; i++) out.line(`line ${i} of a log nobody reads`);
      out.flush();
      expect(out.takeDropped(true)).toBeGreaterThan(0);
    } finally {
      closeSync(fd);
    }
  });

  test("refuses a range outside the buffer before any write", () => {
    expect(() => writtenRange(bytes, 0, 11)).toThrow(RangeError);
    expect(() => writtenRange(bytes, 6, 5)).toThrow(RangeError);
    expect(() => writtenRange(bytes, -1)).toThrow(RangeError);
    expect(() => writtenRange(bytes.subarray(4, 8), 0, 5)).toThrow(RangeError);
  });
});

describe("the seed format's byte path", () => {
  const cases = [
    ["127.0.0.1", 1469],
    ["0.0.0.0", 0],
    ["255.255.255.255", 65535],
    ["10.20.30.40", 8037],
  ] as const;
  for (const [address, port] of cases) {
    test(`writes the same line as the string path for ('${address}', ${port})`, () => {
      const peer = new SockaddrStorage();
      const sockaddr = encodeSockaddr({ address, port });
      peer.bytes.set(sockaddr);
      peer.length[0] = sockaddr.byteLength;
      const text = written((out) => {
        const log = new Log({ out, err: out, format: seedFormat });
        log.connection(peer);
        log.datagram(peer);
      });
      const decoded = peer.decode();
      expect(text).toBe(`${seedFormat.connection(decoded)}\n${seedFormat.datagram(decoded)}\n`);
      expect(text).toBe(`connection from ('${address}', ${port})\ndatagram from ('${address}', ${port})\n`);
    });
  }

  test("leaves IPv6 peers to the string path, Python's 4-tuple", () => {
    const peer = new SockaddrStorage();
    const sockaddr = encodeSockaddr({ address: "::1", port: 5353 });
    peer.bytes.set(sockaddr);
    peer.length[0] = sockaddr.byteLength;
    expect(written((out) => new Log({ out, err: out, format: seedFormat }).connection(peer))).toBe(
      "connection from ('::1', 5353, 0, 0)\n",
    );
  });
});
