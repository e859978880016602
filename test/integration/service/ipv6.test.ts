// IPv6 end to end: ::1, dual stack on ::, several --host addresses, and Python's 4-tuple log lines.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { tcpTime, udpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

function expectCurrent(reply: Buffer): void {
  expectNearNow(unixSecondsOf(reply));
}

describe("IPv6", () => {
  test("serves TCP and UDP on ::1 and logs peers as Python's 4-tuples", async () => {
    const server = await startServer(["--host", "::1", "--udp"]);
    const tcp = await tcpTime(server.port, "::1");
    expect(tcp.close).toBe("end");
    expectCurrent(tcp.bytes);
    expectCurrent(await udpTime(server.port, "::1"));
    expect(await server.stdout.waitFor(/^connection from \('::1', \d+, 0, 0\)$/)).not.toBe("");
    expect(await server.stdout.waitFor(/^datagram from \('::1', \d+, 0, 0\)$/)).not.toBe("");
    // ::1 is IPv6 only: the IPv4 loopback is not served.
    expect((await tcpTime(server.port, "127.0.0.1")).close).toBe("ECONNREFUSED");
  });

  test(":: is dual stack: one socket per transport answers 127.0.0.1 and ::1", async () => {
    const server = await startServer(["--host", "::", "--udp"]);
    for (const host of ["127.0.0.1", "::1"]) {
      const tcp = await tcpTime(server.port, host);
      expect(tcp.close).toBe("end");
      expectCurrent(tcp.bytes);
      expectCurrent(await udpTime(server.port, host));
    }
    // IPv4 peers of a dual-stack socket are IPv4-mapped, and Python prints them so.
    expect(await server.stdout.waitFor(/^connection from \('::ffff:127\.0\.0\.1', \d+, 0, 0\)$/)).not.toBe("");
    expect(await server.stdout.waitFor(/^datagram from \('::ffff:127\.0\.0\.1', \d+, 0, 0\)$/)).not.toBe("");
  });

  test("--host given twice binds both addresses on one port", async () => {
    const server = await startServer(["--host", "127.0.0.1", "--host", "::1", "--udp"]);
    for (const host of ["127.0.0.1", "::1"]) {
      expect((await tcpTime(server.port, host)).bytes.length).toBe(4);
      expect((await udpTime(server.port, host)).length).toBe(4);
    }
  });
});
