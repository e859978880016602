// Soak: 100,000 mixed well-behaved and hostile requests; every well-behaved one gets the right time and no fd is leaked.
import { afterAll, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { IS_ROOT, openFdCount, readCounters, runLoad, skipNotice, waitForFdCount } from "../../support/hardening.ts";
import { netnsProblem, privateNetns } from "../../support/netns.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);
skipNotice("hardening-soak.test.ts", "the soak (its hostile UDP clients send from ports 7 to 37)");

/** A hostile UDP kind counts twice: its datagram, and the well-behaved probe sent after it (see load.py). */
const MIX = {
  tcp: 30_000,
  udp: 20_000,
  tcp_half_close: 5_000,
  tcp_write_first: 5_000,
  tcp_reset: 8_000,
  tcp_noread: 8_000,
  tcp_denied: 4_000,
  udp_denied: 5_000,
  udp_loop: 5_000,
};
const REQUESTS = Object.values(MIX).reduce((a, b) => a + b, 0) + MIX.udp_denied + MIX.udp_loop;

const netns = netnsProblem();
if (IS_ROOT && netns) console.log(`hardening-soak.test.ts: skipping the soak: ${netns}`);

// In a private network namespace: once anything (podman's port publishing, say) has put a nat rule on the
// host, conntrack tracks every loopback connection there, and 100,000 of them in a minute could fill a
// small host's table, which then drops packets; a fresh namespace tracks nothing.
test.skipIf(!IS_ROOT || netns !== null)(
  `${REQUESTS.toLocaleString("en")} mixed requests: the well-behaved all answered right, fds back to baseline`,
  async () => {
    expect(REQUESTS).toBe(100_000);
    const ns = await privateNetns();
    const server = await startServer(
      ["--udp", "--quiet", "--allow", "127.0.0.0/8", "--deny", "127.0.0.2"],
      {},
      ns.enter,
    );
    const pid = server.proc.pid;
    // One request of each transport first, so the baseline counts whatever the server opens on first use.
    expect((await runLoad(server.port, { tcp: 1, udp: 1 }, { wrapper: ns.enter })).kinds).toEqual({
      tcp: { ok: 1 },
      udp: { ok: 1 },
    });
    const baseline = openFdCount(pid);

    const summary = await runLoad(server.port, MIX, { concurrency: 64, wrapper: ns.enter });
    const fdsAfter = await waitForFdCount(pid, baseline);
    const counters = await readCounters(server);

    // Well-behaved: every one answered with a second between its request and its reply.
    expect(summary.kinds.tcp).toEqual({ ok: MIX.tcp });
    expect(summary.kinds.udp).toEqual({ ok: MIX.udp });
    expect(summary.kinds.udp_probe).toEqual({ ok: MIX.udp_denied + MIX.udp_loop });
    expect(summary.kinds.tcp_half_close).toEqual({ ok: MIX.tcp_half_close });
    // Hostile: refused ones got nothing, and nothing ever went back to a guarded port or a denied address.
    expect(summary.kinds.tcp_denied).toEqual({ empty: MIX.tcp_denied });
    expect(summary.leaked).toBe(0);
    expect(summary.kinds.tcp_reset).toEqual({ sent: MIX.tcp_reset });
    expect(summary.kinds.tcp_noread).toEqual({ held: MIX.tcp_noread });
    const writeFirst = summary.kinds.tcp_write_first!;
    expect((writeFirst.ok ?? 0) + (writeFirst.reset ?? 0)).toBe(MIX.tcp_write_first);

    // The server's own books balance: every accepted connection was served or failed with a counted errno.
    const tcpFailures = Object.entries(counters)
      .filter(([kind]) => /^tcp_E/.test(kind))
      .reduce((sum, [, n]) => sum + n, 0);
    const tcpAccepted = MIX.tcp + MIX.tcp_half_close + MIX.tcp_write_first + MIX.tcp_reset + MIX.tcp_noread + 1;
    expect(counters.served_tcp! + tcpFailures).toBe(tcpAccepted);
    expect(counters.served_udp).toBe(MIX.udp + MIX.udp_denied + MIX.udp_loop + 1);
    expect([counters.refused_tcp_denied, counters.refused_udp_denied, counters.refused_udp_loop_port]).toEqual([
      MIX.tcp_denied,
      MIX.udp_denied,
      MIX.udp_loop,
    ]);
    expect(fdsAfter).toBe(baseline);

    console.log(
      `soak: ${REQUESTS} requests in ${summary.seconds.toFixed(2)} s (${Math.round(REQUESTS / summary.seconds)}/s, load generator included); ` +
        `write-first clients: ${writeFirst.ok ?? 0} clean FIN, ${writeFirst.reset ?? 0} RST; open fds ${baseline} before, ${fdsAfter} after; ` +
        `counters: ${Object.entries(counters)
          .map(([kind, n]) => `${kind}=${n}`)
          .join(" ")}`,
    );
    expect(await server.stop("SIGTERM")).toBe(0);
  },
);
