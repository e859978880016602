// TimeServer.reconfigure: a new policy applies from the next request on, and a bad one throws without changing anything.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync } from "node:fs";
import { startTimeServer } from "../../../src/time-server.ts";
import { OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { Log } from "../../../src/logging/log.ts";
import { tcpTime } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

// The lines go nowhere: the test reads the log's settings, not its output.
const devNull = openSync("/dev/null", "w");
const log = new Log({ out: new OutputBuffer(devNull), err: new OutputBuffer(devNull), eventLines: false });
const server = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, log });
afterAll(async () => {
  await server.stop();
  closeSync(devNull);
});

const served = async () => (await tcpTime(server.port)).bytes.length === 4;

describe("reconfigure() on a running server", () => {
  test("a deny list applies from the next request on, and lifting it serves again, on the same socket", async () => {
    expect(await served()).toBe(true);
    server.reconfigure({ hardening: { deny: ["127.0.0.1"] } });
    expect(await served()).toBe(false);
    server.reconfigure({ hardening: {} });
    expect(await served()).toBe(true);
    expect(server.counters.get("refused_tcp_denied")).toBe(1);
  });

  test("a bad policy throws a RangeError and leaves the running one in place, log settings included", () => {
    server.reconfigure({ hardening: { deny: ["127.0.0.1"] } });
    expect(() => server.reconfigure({ hardening: { rate: 0 }, quiet: false, logFormat: "json" })).toThrow(RangeError);
    expect(log.eventLines).toBe(false);
    expect(log.format.listening(1)).toBe("listening on port 1");
    return served().then((ok) => expect(ok).toBe(false));
  });

  test("quiet and the log format change without touching the policy", async () => {
    server.reconfigure({ hardening: { deny: ["127.0.0.1"] }, quiet: true, logFormat: "seed" });
    server.reconfigure({ quiet: false, logFormat: "json" });
    expect(log.eventLines).toBe(true);
    expect(log.format.listening(1)).toContain('"event":"listening"');
    expect(await served()).toBe(false);
  });
});
