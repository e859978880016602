// Debian's rdate (an independent RFC 868 client in C) reads the time from the spawned server over TCP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { findCommand, runCommand } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const rdate = findCommand("rdate");
if (!rdate)
  console.log("rdate.test.ts: skipped, rdate is not installed (CI installs it; locally: apt-get install -y rdate)");

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The instant in rdate -p's line, printed with strftime "%a %b %e %H:%M:%S %Z %Y" (TZ=UTC, C locale),
 * optionally after an "rdate: [host]" prefix as some versions print. NaN if the line is not that.
 */
function parseRdateLine(line: string): number {
  const match =
    /^(?:rdate: \[[^\]]*\]\s+)?[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/.exec(
      line,
    );
  if (!match) return Number.NaN;
  const [, month, day, hour, minute, second, year] = match;
  const monthIndex = MONTHS.indexOf(month!);
  if (monthIndex < 0) return Number.NaN;
  return Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second));
}

describe.skipIf(!rdate)("rdate against the server", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });

  test("rdate -p -o PORT 127.0.0.1 prints a date within a few seconds of now", async () => {
    const before = Date.now();
    const run = await runCommand([rdate!, "-p", "-o", String(server.port), "127.0.0.1"], {
      env: { TZ: "UTC", LC_ALL: "C" },
    });
    const after = Date.now();
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBe(1);
    const shown = parseRdateLine(lines[0]!);
    if (Number.isNaN(shown)) throw new Error(`cannot parse rdate's output: ${JSON.stringify(run.stdout)}`);
    // rdate shows whole seconds: the stamp lies in [before, after], floored, give or take a few seconds.
    expect(shown).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 3000);
    expect(shown).toBeLessThanOrEqual(after + 3000);
  });
});

describe("parsing rdate's output", () => {
  test("reads the strftime form rdate prints, with and without the rdate: [host] prefix", () => {
    expect(parseRdateLine("Thu Nov 26 20:13:27 UTC 2026")).toBe(Date.UTC(2026, 10, 26, 20, 13, 27));
    expect(parseRdateLine("Sun Feb  1 00:00:05 UTC 2026")).toBe(Date.UTC(2026, 1, 1, 0, 0, 5));
    expect(parseRdateLine("rdate: [127.0.0.1]\tSun Feb  1 00:00:05 UTC 2026")).toBe(Date.UTC(2026, 1, 1, 0, 0, 5));
    expect(parseRdateLine("Sun Feb  1 00:00:05 CET 2026")).toBeNaN();
    expect(parseRdateLine("")).toBeNaN();
  });
});
