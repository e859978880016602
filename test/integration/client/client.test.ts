// The rdate-like client (src/client.ts) against this server over TCP, UDP and IPv6; its 2036 window; its command line.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { runClient } from "../../support/client-process.ts";
import { scriptedTcpServer, valueBytes } from "../../support/scripted-servers.ts";
import { rfc868Seconds, readTimestamp, unixSecondsFromRfc868, writeTimestamp } from "../../../src/base/rfc868.ts";
import { expectNearNow } from "../../support/clients.ts";
import { checkoutCommit } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { version } from "../../../package.json";

useSuiteTimeout();

afterAll(killAll);

const nowSeconds = () => Date.now() / 1000;

describe("the client against this server", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(["--udp"]);
  });

  test("over TCP prints the server's time, the offset and the round trip, and exits 0", async () => {
    const run = await runClient(["127.0.0.1", "--port", String(server.port)]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: [] });
    const match = new RegExp(`^127\\.0\\.0\\.1 port ${server.port} \\(tcp\\): (\\S+)$`).exec(run.stdout[0] ?? "");
    expect(match).not.toBeNull();
    expectNearNow(Date.parse(match![1]!) / 1000);
    expect(run.stdout[1]).toMatch(/^offset [+-]\d+\.\d{3} s \(server minus local clock/);
    expect(run.stdout[2]).toMatch(/^round trip \d+\.\d{3} ms$/);
    expect(run.stdout).toHaveLength(3);
    expect(await server.stdout.waitFor(/^connection from \('127\.0\.0\.1', \d+\)$/)).not.toBe("");
  });

  test("over UDP with --json prints one object, and the server saw a datagram", async () => {
    const run = await runClient(["localhost", "--port", String(server.port), "--udp", "--json"]);
    expect({ code: run.code, stderr: run.stderr, lines: run.stdout.length }).toEqual({ code: 0, stderr: [], lines: 1 });
    const reply = JSON.parse(run.stdout[0]!);
    expect(reply).toMatchObject({ host: "localhost", port: server.port, transport: "udp", after_2036_wrap: false });
    expectNearNow(reply.unix_seconds);
    expect(reply.time).toBe(new Date(reply.unix_seconds * 1000).toISOString().replace(".000Z", "Z"));
    expect(Math.abs(reply.offset_seconds)).toBeLessThanOrEqual(2);
    expect(reply.round_trip_ms).toBeGreaterThanOrEqual(0);
    expect(await server.stdout.waitFor(/^datagram from \('127\.0\.0\.1', \d+\)$/)).not.toBe("");
  });

  test("asks an IPv6 literal", async () => {
    const v6 = await startServer(["--host", "::1", "--udp"]);
    for (const udp of [[], ["--udp"]]) {
      const run = await runClient(["::1", "--port", String(v6.port), "--json", ...udp]);
      expect(run.code).toBe(0);
      expectNearNow(JSON.parse(run.stdout[0]!).unix_seconds);
    }
  });
});

describe("the 2036 window (OpenBSD rdate's: 1970-01-01 to 2106-02-07)", () => {
  test.each([
    [2_208_988_800, "1970-01-01T00:00:00Z", false],
    [4_294_967_295, "2036-02-07T06:28:15Z", false],
    [0, "2036-02-07T06:28:16Z", true],
    [2_208_988_799, "2106-02-07T06:28:15Z", true],
  ])("reads the value %p as %s", async (value, time, afterWrap) => {
    const server = await scriptedTcpServer({ send: valueBytes(value), close: true });
    const run = await runClient(["127.0.0.1", "--port", String(server.port), "--json"]);
    await server.close();
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout[0]!)).toMatchObject({ value, time, after_2036_wrap: afterWrap });
  });

  test("unixSecondsFromRfc868 inverts rfc868Seconds from 1970 to 2106, across the wrap", () => {
    for (const year of [1970, 2000, 2036, 2037, 2100, 2106]) {
      const unixMs = Date.UTC(year, 1, 7, 6, 28, 15);
      const bytes = writeTimestamp(unixMs);
      expect(unixSecondsFromRfc868(readTimestamp(bytes))).toBe(unixMs / 1000);
      expect(readTimestamp(bytes)).toBe(rfc868Seconds(unixMs));
    }
  });
});

describe("the client's command line", () => {
  test("--help explains the 2036 window and that there is no DNS, and exits 0", async () => {
    const run = await runClient(["--help"]);
    expect(run.code).toBe(0);
    const help = run.stdout.join("\n");
    expect(help).toContain("a value below 2208988800 (which would be before 1970) is taken as after the 2036 wrap");
    expect(help).toContain("no DNS");
  });

  test("--version prints the version, the source tree's commit and the Bun version, and exits 0", async () => {
    const run = await runClient(["--version"]);
    const head = checkoutCommit();
    expect(run).toEqual({ code: 0, stdout: [version, `commit ${head}`, `bun ${Bun.version}`], stderr: [] });
  });

  test.each([
    [[], "HOST is missing (see --help)"],
    [
      ["time.example.org"],
      'HOST must be an IPv4 or IPv6 address literal or localhost (no DNS), got "time.example.org"',
    ],
    [["127.0.0.1", "::1"], 'one HOST only, got "127.0.0.1" and "::1"'],
    [["127.0.0.1", "--timeout", "0"], '--timeout: expected seconds, more than 0 and at most 3600, got "0"'],
    [["127.0.0.1", "--port", "0"], '--port: expected an integer from 1 to 65535, got "0"'],
    [["127.0.0.1", "--bogus"], 'unknown option "--bogus" (see --help)'],
  ])("%p is a usage error: one line, exit 2", async (args, message) => {
    const run = await runClient(args);
    expect(run).toEqual({ code: 2, stdout: [], stderr: [`rfc868-client: ${message}`] });
  });
});
