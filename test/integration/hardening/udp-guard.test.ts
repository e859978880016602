// The UDP loop and reflection guard end to end: small-service and own source ports, forged sources, the toggles, bounded logging.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { IS_ROOT, readCounters, runLoad, skipNotice, spoofUdp, udpAnswered } from "../../support/hardening.ts";
import { udpTime } from "../../support/clients.ts";
import { REFUSAL_LINES_PER_SECOND } from "../../../src/policy/refusals.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);
skipNotice("hardening-udp-guard.test.ts", "the spoofed-source-port and forged-address tests");

const SMALL_SERVICES = ["7", "9", "13", "19", "37"];

describe.skipIf(!IS_ROOT)("the UDP guard, on by default", () => {
  test("no reply to source ports 7, 9, 13, 19, 37 or the server's own port; ordinary ports are answered", async () => {
    const server = await startServer(["--udp", "--no-tcp"]);
    // The last, port 0, is an ephemeral port: any fixed one in that range could be taken by another socket.
    const sources = [
      ...SMALL_SERVICES.map((port) => `127.0.0.1:${port}`),
      `127.0.0.2:${server.port}`,
      "127.0.0.1:1023",
      "127.0.0.1:0",
    ];
    expect(await udpAnswered(server.port, sources)).toEqual([false, false, false, false, false, false, true, true]);
    expect((await readCounters(server)).refused_udp_loop_port).toBe(6);
    expect(
      await server.stdout.waitFor(
        /^refused udp from \('127\.0\.0\.1', 7\): source port is a small service or this server's port/,
      ),
    ).not.toBe("");
  });

  test("guards IPv6 sources, and IPv4 sources that reach a dual-stack socket as ::ffff:a.b.c.d", async () => {
    const v6 = await startServer(["--host", "::1", "--udp", "--no-tcp"]);
    expect(await udpAnswered(v6.port, ["[::1]:7", "[::1]:0"], "::1")).toEqual([false, true]);
    const dual = await startServer(["--host", "::", "--udp", "--no-tcp"]);
    expect(await udpAnswered(dual.port, ["127.0.0.1:19", "127.0.0.1:0"])).toEqual([false, true]);
  });

  test("no reply to forged sources no client has: 0.0.0.0/8, multicast, broadcast, ::, mapped, and source port 0", async () => {
    const server = await startServer(["--host", "::", "--udp", "--no-tcp"]);
    await spoofUdp(server.port, [
      "0.0.0.5:1234",
      "224.0.0.1:1234",
      "239.1.2.3:1234",
      "255.255.255.255:1234",
      "[::]:1234",
      "[::ffff:0.0.0.1]:1234",
      "127.0.0.9:0",
    ]);
    await udpTime(server.port); // answered in order: every forged datagram before it has been handled
    const counters = await readCounters(server);
    expect({
      bad: counters.refused_udp_bad_source,
      port: counters.refused_udp_loop_port,
      served: counters.served_udp,
    }).toEqual({ bad: 6, port: 1, served: 1 });
  });

  test("refusals are logged at a bounded rate and all counted", async () => {
    const server = await startServer(["--udp", "--no-tcp", "--quiet"]);
    const startedAt = performance.now();
    const summary = await runLoad(server.port, { udp_loop: 300 });
    expect(summary.leaked).toBe(0);
    expect((await readCounters(server)).refused_udp_loop_port).toBe(300);
    const seconds = (performance.now() - startedAt) / 1000;
    expect(await server.stop()).toBe(0);
    await Promise.all([server.stdout.ended(), server.stderr.ended()]);
    const lines = server.stdout.count(/^refused udp from /);
    expect(lines).toBeGreaterThanOrEqual(REFUSAL_LINES_PER_SECOND);
    expect(lines).toBeLessThanOrEqual(REFUSAL_LINES_PER_SECOND * (1 + seconds) + 1);
    expect(server.stderr.count(/refusals a second: the rest are counted, not logged/)).toBe(1);
  });
});

describe.skipIf(!IS_ROOT)("the UDP guard's flags", () => {
  test("--no-udp-guard answers a source on port 7", async () => {
    const server = await startServer(["--udp", "--no-tcp", "--no-udp-guard"]);
    expect(await udpAnswered(server.port, ["127.0.0.1:7", `127.0.0.2:${server.port}`])).toEqual([true, true]);
  });

  test("--udp-guard-ports replaces the list; the server's own port stays guarded", async () => {
    const server = await startServer(["--udp", "--no-tcp", "--udp-guard-ports", "5353,123"]);
    const answered = await udpAnswered(server.port, [
      "127.0.0.1:7",
      "127.0.0.1:5353",
      "127.0.0.1:123",
      `127.0.0.2:${server.port}`,
    ]);
    expect(answered).toEqual([true, false, false, false]);
  });

  // Both ports lie above Linux's default ephemeral range (32768-60999), so no other socket holds them by chance.
  test("--udp-guard-ports 0,65535 guards the top of the port range: source port 65535 refused, 65534 answered", async () => {
    const server = await startServer(["--udp", "--no-tcp", "--udp-guard-ports", "0,65535"]);
    expect(await udpAnswered(server.port, ["127.0.0.1:65535", "127.0.0.1:65534", "127.0.0.1:7"])).toEqual([
      false,
      true,
      true,
    ]);
    expect((await readCounters(server)).refused_udp_loop_port).toBe(1);
  });
});
