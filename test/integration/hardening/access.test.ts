// --allow and --deny end to end: TCP closed without data, UDP drained without reply, IPv4, IPv6 and IPv4-mapped sources.
import { afterAll, describe, expect, test } from "bun:test";
import { LARGE_LIST_ENTRIES, allowListConfig } from "../../../bench/allow-list.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { killAll, startServer } from "../../support/server-process.ts";
import { expectNearNow, tcpServed, tcpTime, udpTime, unixSecondsOf } from "../../support/clients.ts";
import { readCounters, runLoad, udpAnswered } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();

afterAll(async () => {
  await killAll();
  files.remove();
});

describe("--deny", () => {
  test("a denied TCP source is closed without data and logged; others are served", async () => {
    const server = await startServer(["--deny", "127.0.0.2/32"]);
    expect(await tcpServed(server.port, "127.0.0.2", "127.0.0.1")).toBe(false);
    expect(await tcpServed(server.port, "127.0.0.3", "127.0.0.1")).toBe(true);
    expect(
      await server.stdout.waitFor(/^refused tcp from \('127\.0\.0\.2', \d+\): source matches a deny rule$/),
    ).not.toBe("");
    expect(server.stdout.count(/^connection from \('127\.0\.0\.2'/)).toBe(0);
    expect((await readCounters(server)).refused_tcp_denied).toBe(1);
  });

  test("denied UDP datagrams are drained and dropped: no reply, and the socket keeps serving everyone else", async () => {
    const server = await startServer(["--udp", "--no-tcp", "--quiet", "--deny", "127.0.0.2"]);
    const summary = await runLoad(server.port, { udp_denied: 300, udp: 300 });
    expect(summary.leaked).toBe(0);
    expect(summary.kinds.udp_probe).toEqual({ ok: 300 });
    expect(summary.kinds.udp).toEqual({ ok: 300 });
    expect((await readCounters(server)).refused_udp_denied).toBe(300);
  });
});

describe("--allow", () => {
  test("with --allow, only sources inside an allowed block are served, over TCP and UDP", async () => {
    const server = await startServer(["--udp", "--allow", "127.0.0.0/30", "--allow", "127.0.1.0/24"]); // 127.0.1.x: the UDP probes
    expect(await tcpServed(server.port, "127.0.0.3", "127.0.0.1")).toBe(true);
    expect(await tcpServed(server.port, "127.0.0.4", "127.0.0.1")).toBe(false);
    expect(await udpAnswered(server.port, ["127.0.0.2:0", "127.0.0.9:0"])).toEqual([true, false]);
    expect(
      await server.stdout.waitFor(/^refused udp from \('127\.0\.0\.9', \d+\): source outside every allow rule$/),
    ).not.toBe("");
    const counters = await readCounters(server);
    expect([counters.refused_tcp_not_allowed, counters.refused_udp_not_allowed]).toEqual([1, 1]);
  });

  test("deny wins over allow", async () => {
    const server = await startServer(["--allow", "127.0.0.0/8", "--deny", "127.0.0.5"]);
    expect(await tcpServed(server.port, "127.0.0.5", "127.0.0.1")).toBe(false);
    expect(await tcpServed(server.port, "127.0.0.6", "127.0.0.1")).toBe(true);
  });
});

describe("a 100,000-entry --allow list (issue 16: an operator's country or abuse list)", () => {
  test("from a --config file: the listed client is served over TCP and UDP, under load too, and others are refused", async () => {
    // The file's blocks are random IPv4 and IPv6 blocks outside 127.0.0.0/8, then 127.0.0.1 (bench/allow-list.ts).
    const server = await startServer(["--udp", "--config", files.write(allowListConfig(LARGE_LIST_ENTRIES))]);
    expect(await tcpServed(server.port, "127.0.0.1")).toBe(true);
    expect(await tcpServed(server.port, "127.0.0.2")).toBe(false);
    expectNearNow(unixSecondsOf(await udpTime(server.port)));
    const load = await runLoad(server.port, { tcp: 500, udp: 500 });
    expect(load.kinds).toEqual({ tcp: { ok: 500 }, udp: { ok: 500 } });
    const counters = await readCounters(server);
    expect([counters.refused_tcp_not_allowed, counters.served_tcp]).toEqual([1, 501]);
  });
});

describe("IPv6 and IPv4-mapped sources", () => {
  test("on a dual-stack socket an IPv4 client (::ffff:127.0.0.1) is matched by IPv4 blocks, ::1 by IPv6 ones", async () => {
    const server = await startServer([
      "--host",
      "::",
      "--udp",
      "--deny",
      "127.0.0.0/8",
      "--allow",
      "::1/128",
      "--allow",
      "0.0.0.0/0",
    ]);
    expect(await tcpServed(server.port, "127.0.0.1", "127.0.0.1")).toBe(false);
    expect(await tcpServed(server.port, "::1", "::1")).toBe(true);
    expect(
      await server.stdout.waitFor(
        /^refused tcp from \('::ffff:127\.0\.0\.1', \d+, 0, 0\): source matches a deny rule$/,
      ),
    ).not.toBe("");
    expect(await udpAnswered(server.port, ["[::1]:0"], "::1")).toEqual([true]);
  });

  test("an IPv6 --deny refuses ::1", async () => {
    const server = await startServer(["--host", "::1", "--deny", "::1"]);
    expect(await tcpServed(server.port, "::1", "::1")).toBe(false);
    expect((await readCounters(server)).refused_tcp_denied).toBe(1);
  });
});
