// The embedded server's reconfigure(): a new policy applies from the next request on, and a bad one rejects without changing anything.
import { afterAll, describe, expect, test } from "bun:test";
import { startTimeServer } from "../../../src/embedding/library.ts";
import { LOG_FORMATS } from "../../../src/logging/log.ts";
import { tcpTime } from "../../support/clients.ts";
import { rejection } from "../../support/rejection.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

// The test reads the log's settings (logSettings()), not its output.
const server = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, quiet: true });
afterAll(() => server.stop());
const log = async () => {
  const { quiet, logFormat } = await server.logSettings();
  return { eventLines: !quiet, format: LOG_FORMATS[logFormat] };
};

const served = async () => (await tcpTime(server.port)).bytes.length === 4;

describe("reconfigure() on a running server", () => {
  test("a deny list applies from the next request on, and lifting it serves again, on the same socket", async () => {
    expect(await served()).toBe(true);
    await server.reconfigure({ hardening: { deny: ["127.0.0.1"] } });
    expect(await served()).toBe(false);
    await server.reconfigure({ hardening: {} });
    expect(await served()).toBe(true);
    expect((await server.counters()).get("refused_tcp_denied")).toBe(1);
  });

  test("a bad policy rejects with a RangeError and leaves the running one in place, log settings included", async () => {
    await server.reconfigure({ hardening: { deny: ["127.0.0.1"] } });
    expect(await rejection(server.reconfigure({ hardening: { rate: 0 }, quiet: false, logFormat: "json" }))).toThrow(
      RangeError,
    );
    expect((await log()).eventLines).toBe(false);
    expect((await log()).format.listening(1)).toBe("listening on port 1");
    return served().then((ok) => expect(ok).toBe(false));
  });

  test("quiet and the log format change without touching the policy", async () => {
    await server.reconfigure({ hardening: { deny: ["127.0.0.1"] }, quiet: true, logFormat: "seed" });
    await server.reconfigure({ quiet: false, logFormat: "json" });
    expect((await log()).eventLines).toBe(true);
    expect((await log()).format.listening(1)).toContain('"event":"listening"');
    expect(await served()).toBe(false);
  });
});
