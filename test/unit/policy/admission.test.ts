// buildAdmission without a server: which checks apply per transport, their order, and what a refusal returns and counts.
import { describe, expect, test } from "bun:test";
import { SockaddrStorage, encodeSockaddr, type SocketAddress } from "../../../native/index.ts";
import { ServerMetrics } from "../../../src/base/server-metrics.ts";
import type { Log } from "../../../src/logging/log.ts";
import { buildAdmission, type HardeningOptions } from "../../../src/policy/admission.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** A peer as the kernel hands it to the loop: sockaddr bytes and their length. */
function peer(address: string, port = 40000): SockaddrStorage {
  const storage = new SockaddrStorage();
  const bytes = encodeSockaddr({ address, port });
  storage.bytes.set(bytes);
  storage.length[0] = bytes.length;
  return storage;
}

/** An admission whose refusals are recorded: the counter kinds in order, and the log lines. */
function admission(options: HardeningOptions) {
  const kinds: string[] = [];
  const lines: string[] = [];
  const log = {
    refused: (transport: string, source: SocketAddress, reason: string) =>
      void lines.push(`${transport} ${source.address}:${source.port} ${reason}`),
    notice: (text: string) => void lines.push(`notice ${text}`),
  } as unknown as Log;
  const { refusals } = new ServerMetrics();
  const built = buildAdmission(options, log, {
    labels: (transport, reason) => ({ inc: () => void kinds.push(refusals.labels(transport, reason).lineName) }),
  });
  return { built, kinds, lines };
}

/** The answers of `admit` to `times` requests from `source`. */
const answers = (admit: (peer: SockaddrStorage) => boolean, source: SockaddrStorage, times: number) =>
  Array.from({ length: times }, () => admit(source));

describe("which checks a listener gets", () => {
  test("with no options, TCP has no check at all (null: the hot path reads no address), UDP has the guard", () => {
    const { built } = admission({});
    expect(built.admitFor("tcp", 37)).toBeNull();
    expect(built.admitFor("udp", 37)).not.toBeNull();
  });

  test("the UDP guard applies to UDP only, by default and when set true; switched off, UDP with nothing else has no check", () => {
    for (const udpGuard of [undefined, true]) {
      const { built, kinds } = admission({ udpGuard, allow: ["0.0.0.0/0"] });
      expect(built.admitFor("tcp", 8037)!(peer("192.0.2.1", 7))).toBe(true);
      expect(built.admitFor("udp", 8037)!(peer("192.0.2.1", 7))).toBe(false);
      expect(kinds).toEqual(["refused_udp_loop_port"]);
    }
    const { built } = admission({ udpGuard: false });
    expect(built.admitFor("udp", 8037)).toBeNull();
    const open = admission({ udpGuard: false, allow: ["0.0.0.0/0"] }).built.admitFor("udp", 8037)!;
    expect(open(peer("192.0.2.1", 7))).toBe(true);
  });

  test("the guard guards the listener's own port and the configured ports, which replace the default ones", () => {
    const { built, kinds } = admission({ udpGuardPorts: [1234] });
    const admit = built.admitFor("udp", 5000)!;
    expect([1234, 5000, 7, 1235].map((port) => admit(peer("192.0.2.1", port)))).toEqual([false, false, true, true]);
    expect(kinds).toEqual(["refused_udp_loop_port", "refused_udp_loop_port"]);
    expect(admission({}).built.admitFor("udp", 5000)!(peer("192.0.2.1", 37))).toBe(false);
  });

  test("a bad guard port, rate or block throws when built, before any listener asks", () => {
    expect(() => buildAdmission({ udpGuardPorts: [65536] }, {} as Log, new ServerMetrics().refusals)).toThrow(
      RangeError,
    );
    expect(() => buildAdmission({ rate: 0 }, {} as Log, new ServerMetrics().refusals)).toThrow(RangeError);
    expect(() => buildAdmission({ deny: ["10.0.0.1/8"] }, {} as Log, new ServerMetrics().refusals)).toThrow(RangeError);
  });
});

describe("each check on its own", () => {
  test("allow and deny: refused sources return false and are counted and logged by transport and reason; others return true", () => {
    const { built, kinds, lines } = admission({ allow: ["192.0.2.0/24"], deny: ["192.0.2.9"] });
    const admit = built.admitFor("tcp", 8037)!;
    expect(admit(peer("192.0.2.1"))).toBe(true);
    expect(admit(peer("192.0.2.9"))).toBe(false);
    expect(admit(peer("198.51.100.1"))).toBe(false);
    expect(kinds).toEqual(["refused_tcp_denied", "refused_tcp_not_allowed"]);
    expect(lines).toEqual([
      "tcp 192.0.2.9:40000 source matches a deny rule",
      "tcp 198.51.100.1:40000 source outside every allow rule",
    ]);
  });

  test("--rate without --burst: a burst of one second's worth (rounded up); with --burst, that burst", () => {
    for (const [options, served] of [
      [{ rate: 3 }, 3],
      [{ rate: 2.5 }, 3],
      [{ rate: 2, burst: 5 }, 5],
      [{ rate: 5, burst: 1 }, 1],
    ] as const) {
      const { built, kinds } = admission(options);
      const admit = built.admitFor("tcp", 8037)!;
      const expected = Array.from({ length: served + 2 }, (_, i) => i < served);
      expect(answers(admit, peer("192.0.2.1"), served + 2), JSON.stringify(options)).toEqual(expected);
      expect(kinds).toEqual(["refused_tcp_rate", "refused_tcp_rate"]);
    }
  });

  test("--global-rate alone limits all sources together", () => {
    const { built, kinds } = admission({ globalRate: 2 });
    const admit = built.admitFor("tcp", 8037)!;
    expect(["192.0.2.1", "192.0.2.2", "192.0.2.3"].map((address) => admit(peer(address)))).toEqual([true, true, false]);
    expect(kinds).toEqual(["refused_tcp_global_rate"]);
  });
});

describe("the order of the checks", () => {
  test("every check is asked: a source passing the first is still refused by a later one", () => {
    const { built, kinds } = admission({ deny: ["192.0.2.9"], rate: 1, burst: 1 });
    const admit = built.admitFor("udp", 8037)!;
    expect(admit(peer("192.0.2.9"))).toBe(false); // passes the guard, refused by the second check
    expect(answers(admit, peer("192.0.2.1"), 2)).toEqual([true, false]); // passes guard and access, refused by the third
    expect(kinds).toEqual(["refused_udp_denied", "refused_udp_rate"]);
  });

  test("guard, then access, then rate: the first refusal is the one counted, and a refused request spends no token", () => {
    const { built, kinds } = admission({ deny: ["192.0.2.9"], rate: 1, burst: 1 });
    const admit = built.admitFor("udp", 8037)!;
    expect(admit(peer("192.0.2.9", 7))).toBe(false);
    expect(answers(admit, peer("192.0.2.9"), 3)).toEqual([false, false, false]);
    expect(admit(peer("192.0.2.1", 7))).toBe(false);
    expect(admit(peer("192.0.2.1"))).toBe(true); // its token was not spent by the refused request above
    expect(kinds).toEqual([
      "refused_udp_loop_port",
      "refused_udp_denied",
      "refused_udp_denied",
      "refused_udp_denied",
      "refused_udp_loop_port",
    ]);
  });

  test("each listener gets its own checks, but they share the rate buckets built once", () => {
    const { built } = admission({ rate: 1, burst: 1 });
    expect(built.admitFor("tcp", 8037)!(peer("192.0.2.1"))).toBe(true);
    expect(built.admitFor("udp", 8037)!(peer("192.0.2.1"))).toBe(false);
  });
});
