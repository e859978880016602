// startTimeServer refuses a bad policy or metrics address before it binds anything, closes what it bound when the metrics port fails, and refuses options that cannot cross to its thread.
import { describe, expect, test } from "bun:test";
import { readdirSync, readlinkSync } from "node:fs";
import { startTimeServer } from "../../../src/embedding/library.ts";
import type { EmbeddedOptions } from "../../../src/embedding/messages.ts";
import { OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { Log } from "../../../src/logging/log.ts";
import { rejection } from "../../support/rejection.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** The sockets this process has open, by inode ("socket:[123]"). */
function openSockets(): Set<string> {
  const links = readdirSync("/proc/self/fd").map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return ""; // closed between the listing and the read (the listing's own fd, say)
    }
  });
  return new Set(links.filter((link) => link.startsWith("socket:")));
}

/**
 * The sockets open now that were not open at `before`. A count of fds also sees the runtime close one of
 * its own in between (seen once in a fresh-clone CI run: 12 before, 11 after, failing a correct start);
 * a socket this code leaked is a new inode whatever else closes.
 */
const socketsOpenedSince = (before: Set<string>) => [...openSockets()].filter((socket) => !before.has(socket));

describe("startTimeServer with a bad hardening option", () => {
  const cases: [string, object][] = [
    ["a per-source rate of 0", { rate: 0 }],
    ["a burst below 1", { rate: 5, burst: 0.5 }],
    ["a rate that is not a number", { rate: Number.NaN }],
    ["a UDP guard port out of range", { udpGuardPorts: [70000] }],
  ];
  for (const [what, hardening] of cases) {
    test(`rejects ${what} with a RangeError and opens no socket`, async () => {
      const before = openSockets();
      const start = startTimeServer({ hosts: ["127.0.0.1"], port: 0, udp: true, quiet: true, hardening });
      expect(await rejection(start)).toThrow(RangeError);
      expect(socketsOpenedSince(before)).toEqual([]);
    });
  }
});

describe("startTimeServer with a bad metrics option", () => {
  test("rejects an address that is not ADDR:PORT with a RangeError and opens no socket", async () => {
    const before = openSockets();
    expect(
      await rejection(startTimeServer({ hosts: ["127.0.0.1"], port: 0, quiet: true, metrics: "localhost:9975" })),
    ).toThrow(RangeError);
    expect(socketsOpenedSince(before)).toEqual([]);
  });

  test("closes the time sockets it bound when the metrics port cannot be bound", async () => {
    const before = openSockets();
    // A port another server listens on: bind fails after the second server has bound its own time socket.
    const first = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, quiet: true });
    const taken = `127.0.0.1:${first.port}`;
    expect(await rejection(startTimeServer({ hosts: ["127.0.0.1"], port: 0, quiet: true, metrics: taken }))).toThrow(
      "bind: Address already in use (EADDRINUSE)",
    );
    await first.stop();
    expect(socketsOpenedSince(before)).toEqual([]);
  });
});

describe("startTimeServer with an option that cannot cross to the server's thread", () => {
  const cases: [string, object][] = [
    ["log", { log: new Log({ out: new OutputBuffer(1), err: new OutputBuffer(2) }) }],
    ["clock", { clock: Date.now }],
  ];
  for (const [name, option] of cases) {
    test(`refuses "${name}" with a TypeError that names it and points to runTimeServer, and opens no socket`, async () => {
      const before = openSockets();
      const start = startTimeServer({ hosts: ["127.0.0.1"], port: 0, ...option } as EmbeddedOptions);
      expect(await rejection(start)).toThrow(TypeError);
      expect(await rejection(start)).toThrow(`"${name}"`);
      expect(await rejection(start)).toThrow("runTimeServer");
      expect(socketsOpenedSince(before)).toEqual([]);
    });
  }
});
