// The output buffer and the seed format's byte path: exact bytes, early flushes, long lines, same text as the string path.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeSockaddr, SockaddrStorage } from "../native/index.ts";
import { CONSOLE_BUFFER_BYTES, OutputBuffer } from "../src/logging/output-buffer.ts";
import { Log } from "../src/logging/log.ts";
import { seedFormat } from "../src/logging/seed-format.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

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

  test("writes a line longer than the buffer whole, after what came before it", () => {
    const long = "x".repeat(CONSOLE_BUFFER_BYTES + 10);
    expect(written((out) => (out.line("first"), out.line(long), out.line("last")))).toBe(`first\n${long}\nlast\n`);
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
    expect(written((out) => new Log({ out, err: out, format: seedFormat }).connection(peer))).toBe("connection from ('::1', 5353, 0, 0)\n");
  });
});
