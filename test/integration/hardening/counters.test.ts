// The counters line: every served, refused and failed kind on one stderr line, on SIGUSR1 (the server goes on) and at shutdown.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { tcpTime, udpTime } from "../../support/clients.ts";
import { parseCounters, readCounters } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

describe("the counters line", () => {
  test("SIGUSR1 prints one line with every kind so far, and the server keeps serving", async () => {
    const server = await startServer(["--udp", "--deny", "127.0.0.2"]);
    expect(await readCounters(server)).toEqual({});
    expect(server.stderr.all).toContain("rfc868: counters: no requests");
    await tcpTime(server.port);
    await tcpTime(server.port, "127.0.0.1", 10_000, "127.0.0.2");
    await udpTime(server.port);
    expect(await readCounters(server)).toEqual({ served_tcp: 1, refused_tcp_denied: 1, served_udp: 1 });
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });

  test("SIGTERM prints the final counters line, then exits 0", async () => {
    const server = await startServer();
    await tcpTime(server.port);
    await tcpTime(server.port);
    expect(await server.stop("SIGTERM")).toBe(0);
    await server.stderr.ended();
    const lines = server.stderr.all.filter((line) => line.startsWith("rfc868: counters: "));
    expect(lines.map(parseCounters)).toEqual([{ served_tcp: 2 }]);
  });
});
