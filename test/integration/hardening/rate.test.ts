// Rate limits end to end: per source (TCP closed without data, UDP dropped), a global cap that never switches the service off.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { tcpServed, tcpTime } from "../../support/clients.ts";
import { readCounters, runLoad, udpAnswered } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

async function tcpServedInTurn(port: number, count: number, source?: string): Promise<boolean[]> {
  const served: boolean[] = [];
  for (let i = 0; i < count; i++) served.push(await tcpServed(port, source));
  return served;
}

// 1/h refills one token an hour: within a test the buckets hold exactly their burst.
describe("--rate and --burst (per source)", () => {
  test("a source gets its burst of TCP connections; the excess is closed without data; another source has its own bucket", async () => {
    const server = await startServer(["--rate", "1/h", "--burst", "3"]);
    expect(await tcpServedInTurn(server.port, 5, "127.0.0.3")).toEqual([true, true, true, false, false]);
    expect(await tcpServedInTurn(server.port, 2, "127.0.0.4")).toEqual([true, true]);
    expect(
      await server.stdout.waitFor(/^refused tcp from \('127\.0\.0\.3', \d+\): source over its rate limit$/),
    ).not.toBe("");
    expect((await readCounters(server)).refused_tcp_rate).toBe(2);
  });

  test("excess datagrams from one source are dropped, and TCP and UDP share the source's bucket", async () => {
    const server = await startServer(["--udp", "--rate", "1/h", "--burst", "3"]);
    expect(await tcpServed(server.port, "127.0.0.5")).toBe(true);
    expect(await udpAnswered(server.port, ["127.0.0.5:0", "127.0.0.5:0", "127.0.0.5:0", "127.0.0.6:0"])).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect((await readCounters(server)).refused_udp_rate).toBe(1);
  });

  test("without --rate a single source is never throttled", async () => {
    const server = await startServer(["--udp", "--quiet"]);
    const summary = await runLoad(server.port, { tcp: 1000, udp: 1000 });
    expect(summary.kinds).toEqual({ tcp: { ok: 1000 }, udp: { ok: 1000 } });
  });
});

describe("--global-rate", () => {
  test("caps all sources together", async () => {
    const server = await startServer(["--global-rate", "2/h"]);
    expect(await tcpServed(server.port, "127.0.0.7")).toBe(true);
    expect(await tcpServed(server.port, "127.0.0.8")).toBe(false);
    expect((await readCounters(server)).refused_tcp_global_rate).toBe(1);
  });

  test("a flood past the cap drops only the excess: the service is never switched off, the next token serves the next client", async () => {
    const server = await startServer(["--quiet", "--global-rate", "50/s"]);
    const flood = await runLoad(server.port, { tcp: 2000 }, { concurrency: 200 });
    expect(flood.kinds.tcp!.ok).toBeGreaterThanOrEqual(50);
    expect(flood.kinds.tcp!.empty).toBeGreaterThan(0);
    expect(Object.keys(flood.kinds.tcp!).sort()).toEqual(["empty", "ok"]);
    // Unlike xinetd's cps (off for N seconds), a refill of 20 ms serves again: poll until it does.
    let attempts = 1;
    while (!(await tcpServed(server.port))) attempts++;
    const counters = await readCounters(server);
    expect(counters.served_tcp! + counters.refused_tcp_global_rate!).toBe(2000 + attempts);
  });
});
