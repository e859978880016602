// The hardening flags: good values parsed into HardeningOptions; every bad value one clear line and exit 2, never a stack trace.
import { afterAll, describe, expect, test } from "bun:test";
import { parseGiven } from "../../../src/cli/server-flags.ts";
import { killAll, runServer } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

describe("parsing good values", () => {
  test("collects repeatable blocks, rates in any unit, the port list and the floor", () => {
    const options = parseGiven([
      "--allow",
      "192.0.2.0/24",
      "--allow",
      "2001:db8::/32",
      "--deny",
      "192.0.2.66",
      "--rate",
      "600/m",
      "--burst",
      "40",
      "--global-rate",
      "5000/s",
      "--udp-guard-ports",
      "0,7, 9",
      "--clock-floor",
      "2025-02-28",
      "--require-sync",
    ]);
    expect(options.hardening).toEqual({
      allow: ["192.0.2.0/24", "2001:db8::/32"],
      deny: ["192.0.2.66"],
      rate: 10,
      burst: 40,
      globalRate: 5000,
      udpGuardPorts: [0, 7, 9],
      clockFloorMs: Date.UTC(2025, 1, 28),
      requireSync: true,
    });
  });

  test("fractional and hourly rates; --no-udp-guard", () => {
    expect(parseGiven(["--rate", "0.5/s", "--global-rate", "36/h", "--no-udp-guard"]).hardening).toEqual({
      rate: 0.5,
      globalRate: 0.01,
      udpGuard: false,
    });
  });

  test("no hardening flag leaves the options without a hardening record (nothing to build)", () => {
    expect(parseGiven(["--port", "0"]).hardening).toBeUndefined();
  });
});

describe("bad values exit 2 with one line", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "a CIDR with host bits",
      ["--allow", "10.0.0.1/8"],
      /^rfc868: --allow: host bits are set after \/8 .*"10\.0\.0\.1\/8"$/,
    ],
    ["a CIDR prefix too long", ["--deny", "::/129"], /^rfc868: --deny: the prefix must be a number from 0 to 128/],
    ["a name instead of an address", ["--deny", "localhost"], /^rfc868: --deny: expected ADDRESS or ADDRESS\/PREFIX/],
    ["a rate without a unit", ["--rate", "20"], /^rfc868: --rate: expected a rate such as 20\/s/],
    ["a rate of zero", ["--global-rate", "0/s"], /^rfc868: --global-rate: expected a rate .*above 0/],
    ["a negative burst", ["--rate", "1/s", "--burst", "-1"], /^rfc868: --burst: expected an integer from 1 to 1000000/],
    ["--burst without --rate", ["--burst", "5"], /^rfc868: --burst needs --rate$/],
    [
      "a guard port out of range",
      ["--udp-guard-ports", "7,65536"],
      /^rfc868: --udp-guard-ports: expected an integer from 0 to 65535, got "65536"$/,
    ],
    ["an empty guard port", ["--udp-guard-ports", "7,,9"], /^rfc868: --udp-guard-ports: expected an integer/],
    [
      "guard ports with the guard off",
      ["--no-udp-guard", "--udp-guard-ports", "7"],
      /^rfc868: --udp-guard-ports and --no-udp-guard contradict/,
    ],
    [
      "an impossible date",
      ["--clock-floor", "2024-02-30"],
      /^rfc868: --clock-floor: expected a date YYYY-MM-DD \(UTC\), got "2024-02-30"$/,
    ],
    ["a date with a time", ["--clock-floor", "2024-01-01T00:00"], /^rfc868: --clock-floor: expected a date/],
    ["a value for a switch", ["--require-sync=yes"], /^rfc868: --require-sync takes no value$/],
  ];
  // Each case binds loopback port 0 if a bad value slipped through, so a regression never takes a real port.
  test.each(cases)("%s", async (_, args, message) => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr.filter((line) => line !== "")).toEqual([expect.stringMatching(message)]);
    expect(run.stdout.filter((line) => line !== "")).toEqual([]);
  });
});
