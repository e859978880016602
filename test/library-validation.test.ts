// startTimeServer refuses a bad policy before it binds anything: no socket is left behind, no loop starts.
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { startTimeServer } from "../src/time-server.ts";
import { OutputBuffer } from "../src/logging/output-buffer.ts";
import { Log } from "../src/logging/log.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

const openFds = () => readdirSync("/proc/self/fd").length;
const silent = () => new Log({ out: new OutputBuffer(1), err: new OutputBuffer(2), eventLines: false });

describe("startTimeServer with a bad hardening option", () => {
  const cases: [string, object][] = [
    ["a per-source rate of 0", { rate: 0 }],
    ["a burst below 1", { rate: 5, burst: 0.5 }],
    ["a rate that is not a number", { rate: Number.NaN }],
    ["a UDP guard port out of range", { udpGuardPorts: [70000] }],
  ];
  for (const [what, hardening] of cases) {
    test(`rejects ${what} with a RangeError and opens no socket`, async () => {
      const before = openFds();
      const start = startTimeServer({ hosts: ["127.0.0.1"], port: 0, udp: true, log: silent(), hardening });
      await expect(start).rejects.toBeInstanceOf(RangeError);
      expect(openFds()).toBe(before);
    });
  }
});
