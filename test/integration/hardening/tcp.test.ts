// Misbehaving TCP clients cost only themselves: reset before reading, never reading, writing first, half-closing, thousands at once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { openFdCount, readCounters, runLoad, startLoad, waitForFdCount } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

let server: ServerProcess;
let baselineFds: number;

beforeAll(async () => {
  server = await startServer(["--quiet"]);
  expect((await tcpTime(server.port)).close).toBe("end");
  baselineFds = openFdCount(server.proc.pid);
});

/** Run `mix` with every client opened (connected, and written or reset) while the server is stopped: it then finds them all queued. */
async function whileStopped(mix: Record<string, number>) {
  const count = Object.values(mix).reduce((a, b) => a + b, 0);
  server.proc.kill("SIGSTOP");
  try {
    const load = startLoad(server.port, mix, { concurrency: count });
    await load.opened;
    server.proc.kill("SIGCONT");
    const summary = await load.summary;
    await load.release();
    return summary;
  } finally {
    server.proc.kill("SIGCONT");
  }
}

async function expectServing(): Promise<void> {
  const reply = await tcpTime(server.port);
  expect(reply.close).toBe("end");
  expectNearNow(unixSecondsOf(reply.bytes));
}

describe("misbehaving TCP clients", () => {
  test("a client that wrote before reading gets its 4 bytes and a clean FIN, not an RST (unread input is drained)", async () => {
    const summary = await whileStopped({ tcp_write_first: 200 });
    expect(summary.kinds.tcp_write_first).toEqual({ ok: 200 });
  });

  test("a client that half-closed (shutdown SHUT_WR) gets its 4 bytes and a FIN", async () => {
    const summary = await whileStopped({ tcp_half_close: 200 });
    expect(summary.kinds.tcp_half_close).toEqual({ ok: 200 });
  });

  test("clients that reset before the server read anything are counted and cost no fd", async () => {
    const before = await readCounters(server);
    const summary = await whileStopped({ tcp_reset: 200 });
    expect(summary.kinds.tcp_reset).toEqual({ sent: 200 });
    await expectServing();
    const after = await readCounters(server);
    // Each reset connection was either still served (its RST came later) or failed in send with an errno: every one is accounted for.
    const delta = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
    const failures = Object.keys(after)
      .filter((kind) => /^tcp_E/.test(kind))
      .reduce((sum, kind) => sum + delta(kind), 0);
    expect(delta("served_tcp") + failures).toBe(201);
    expect(failures).toBeGreaterThan(0);
    expect(await waitForFdCount(server.proc.pid, baselineFds)).toBe(baselineFds);
  });

  test("500 clients that connect and never read hold nothing of the server's: the next client is served at once", async () => {
    const load = startLoad(server.port, { tcp_noread: 500 }, { concurrency: 500, hold: true });
    expect((await load.summary).kinds.tcp_noread).toEqual({ held: 500 });
    await expectServing(); // while all 500 are still connected
    expect(await waitForFdCount(server.proc.pid, baselineFds)).toBe(baselineFds);
    await load.release();
  });

  test("3,000 connections opened at once are all answered with the right time", async () => {
    const summary = await runLoad(server.port, { tcp: 3000 }, { concurrency: 3000 });
    expect(summary.kinds.tcp).toEqual({ ok: 3000 });
    expect(await waitForFdCount(server.proc.pid, baselineFds)).toBe(baselineFds);
  });
});
