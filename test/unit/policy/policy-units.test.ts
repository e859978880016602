// The admission building blocks on their own, at their boundaries: token bucket, clock guard, refusal log lines, UDP guard.
import { describe, expect, test } from "bun:test";
import { DEFAULTS } from "../../../src/base/defaults.ts";
import {
  SockaddrStorage,
  encodeSockaddr,
  isUnsynchronised,
  readKernelClock,
  type SocketAddress,
} from "../../../native/index.ts";
import { ServerMetrics, type RefusalReason } from "../../../src/base/server-metrics.ts";
import { StartupError } from "../../../src/base/startup-error.ts";
import type { Log } from "../../../src/logging/log.ts";
import { ClockGuard, buildClockGuard, kernelClockSynchronised } from "../../../src/policy/clock-guard.ts";
import { Refusals } from "../../../src/policy/refusals.ts";
import { TokenBucket, checkBucket, oneSecondOf } from "../../../src/policy/token-bucket.ts";
import { checkGuardPorts, isBogusSource, udpGuardCheck } from "../../../src/policy/udp-guard.ts";
import { kernelClockProblem } from "../../support/kernel-clock.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** A monotonic clock the test moves by hand. */
function manualClock(start = 5000) {
  const clock = { ms: start, now: () => clock.ms };
  return clock;
}

/** The Log methods policy code calls, recorded (the log's own formatting is tested in ops-json-log and output-buffer). */
function recordingLog() {
  const lines: string[] = [];
  const log = {
    refused: (transport: string, peer: SocketAddress, reason: string) =>
      void lines.push(`refused ${transport} ${peer.address}:${peer.port} ${reason}`),
    notice: (text: string) => void lines.push(`notice ${text}`),
    warning: (text: string) => void lines.push(`warning ${text}`),
  };
  return { lines, log: log as unknown as Log };
}

/** The sockaddr the kernel would hand us for a peer at address:port. */
const from = (address: string, port = 40000) => encodeSockaddr({ address, port });

describe("TokenBucket", () => {
  test("oneSecondOf: a second's worth, rounded up, and at least one request", () => {
    expect([0, 0.01, 0.5, 1, 1.2, 2, 2.5, 600].map(oneSecondOf)).toEqual([1, 1, 1, 1, 2, 2, 3, 600]);
  });

  test("checkBucket takes a rate just above 0 and a burst of exactly 1, and names both values when it refuses", () => {
    expect(() => checkBucket(0.001, 1)).not.toThrow();
    for (const [rate, burst] of [
      [0, 1],
      [-1, 1],
      [Number.NaN, 1],
      [1, 0.999],
      [1, Number.NaN],
    ] as const) {
      expect(() => checkBucket(rate, burst)).toThrow(
        new RangeError(`a token bucket needs a rate > 0 and a burst >= 1, got ${rate}/s and ${burst}`),
      );
    }
  });

  test("a bucket of 1 serves its one token, then refills it exactly 1000 ms later at 1/s, not 1 ms sooner", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(1, 1, clock.now);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    clock.ms += 999;
    expect(bucket.take()).toBe(false);
    clock.ms += 1;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });

  test("refills from the time of the last take, not from its creation", () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, 1, clock.now);
    clock.ms += 10_000; // idle: still only the burst
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    clock.ms += 50; // half a token
    expect(bucket.take()).toBe(false);
    clock.ms += 50;
    expect(bucket.take()).toBe(true);
  });

  test("without an injected clock it runs on performance.now: empty at once, refilled once real time passes", () => {
    const bucket = new TokenBucket(1000, 1);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    const deadline = performance.now() + 5000;
    while (!bucket.take()) expect(performance.now()).toBeLessThan(deadline); // a poll, not a sleep: 1 ms at 1000/s
  });
});

describe("ClockGuard", () => {
  function guard(wallMs: number, isSynchronised: (() => boolean) | null, floorMs = Date.UTC(2024, 0, 1)) {
    const mono = manualClock();
    const changes: (string | null)[] = [];
    const wall = { ms: wallMs };
    const clockGuard = new ClockGuard({
      clock: () => wall.ms,
      floorMs,
      isSynchronised,
      onChange: (p) => changes.push(p),
      now: mono.now,
    });
    return { clockGuard, changes, wall, mono };
  }

  test("the default floor is 2024-01-01T00:00:00Z", () => {
    expect(new Date(DEFAULTS.hardening.clockFloorMs).toISOString()).toBe("2024-01-01T00:00:00.000Z");
  });

  test("serves at exactly the floor and refuses 1 ms before it; a healthy start tells nothing", () => {
    const floor = Date.UTC(2024, 0, 1);
    const { clockGuard, changes, wall } = guard(floor, null);
    const out = new Uint8Array(4);
    expect(clockGuard.stamp(out)).toBe(true);
    expect(Buffer.from(out).toString("hex")).toBe((floor / 1000 + 2208988800).toString(16));
    expect(clockGuard.problemNow()).toBeNull();
    expect(changes).toEqual([]);
    wall.ms = floor - 1;
    expect(clockGuard.problemNow()).toBe("floor");
    expect(changes).toEqual([
      "the clock reads 2023-12-31T23:59:59.999Z, before the clock floor 2024-01-01T00:00:00.000Z",
    ]);
    expect(clockGuard.floorMs).toBe(floor);
  });

  test("asks whether the clock is synchronised again after 1000 ms, not 999, and says what --require-sync refuses", () => {
    let asked = 0;
    let synchronised = false;
    const { clockGuard, changes, mono } = guard(Date.UTC(2025, 0, 1), () => (asked++, synchronised));
    expect(clockGuard.problemNow()).toBe("unsynchronised");
    synchronised = true;
    mono.ms += 999;
    expect([clockGuard.problemNow(), asked]).toEqual(["unsynchronised", 1]);
    mono.ms += 1;
    expect([clockGuard.problemNow(), asked]).toEqual([null, 2]);
    expect(changes).toEqual([
      "the kernel reports the clock unsynchronised (ntp_adjtime), and --require-sync is on",
      null,
    ]);
  });

  test("stamp() writes nothing and returns false while there is a problem", () => {
    const { clockGuard, wall } = guard(Date.UTC(2023, 0, 1), null);
    const out = new Uint8Array([1, 2, 3, 4]);
    expect(clockGuard.stamp(out)).toBe(false);
    expect([...out]).toEqual([1, 2, 3, 4]);
    wall.ms = Date.UTC(2024, 0, 1);
    expect(clockGuard.stamp(out)).toBe(true);
    expect([...out]).not.toEqual([1, 2, 3, 4]);
  });

  test("kernelClockSynchronised agrees with the kernel's own answer, and a failed read counts as unsynchronised", () => {
    // Where the read is refused (a container's system call filter), that is the failed read: unsynchronised.
    expect(kernelClockSynchronised()).toBe(kernelClockProblem() === null && !isUnsynchronised(readKernelClock()));
    expect(kernelClockSynchronised(() => ({ state: 0, status: 0 }))).toBe(true);
    expect(
      kernelClockSynchronised(() => {
        throw new Error("ntp_adjtime: Operation not permitted (EPERM)");
      }),
    ).toBe(false);
  });

  test("--require-sync fails at start-up with one line when the kernel clock cannot be read; without it the state is never read", () => {
    const { log } = recordingLog();
    const failing = () => {
      throw new Error("ntp_adjtime: Operation not permitted (EPERM)");
    };
    expect(() => buildClockGuard({ requireSync: true }, log, Date.now, failing)).toThrow(
      new StartupError(
        "--require-sync: cannot read the kernel clock state: ntp_adjtime: Operation not permitted (EPERM)",
      ),
    );
    expect(() => buildClockGuard({ requireSync: true }, log, Date.now, failing)).toThrow(StartupError);
    expect(buildClockGuard({ requireSync: false }, log, Date.now, failing).problemNow()).toBeNull();
    expect(buildClockGuard({}, log, Date.now, failing).problemNow()).toBeNull();
  });

  test("--require-sync asks through the reader it was built with", () => {
    const { log } = recordingLog();
    const STA_UNSYNC = 0x40;
    expect(
      buildClockGuard({ requireSync: true }, log, Date.now, () => ({ state: 0, status: STA_UNSYNC })).problemNow(),
    ).toBe("unsynchronised");
    expect(
      buildClockGuard({ requireSync: true }, log, Date.now, () => ({ state: 0, status: 0 })).problemNow(),
    ).toBeNull();
  });

  test("buildClockGuard: the default floor, the given one, --require-sync through the kernel, and notices in the log", () => {
    const { lines, log } = recordingLog();
    const wall = { ms: Date.UTC(2000, 0, 1) };
    const byDefault = buildClockGuard({}, log, () => wall.ms);
    expect(byDefault.floorMs).toBe(DEFAULTS.hardening.clockFloorMs);
    expect(byDefault.problemNow()).toBe("floor");
    wall.ms = Date.UTC(2025, 0, 1);
    expect(byDefault.problemNow()).toBeNull();
    expect(lines).toEqual([
      "warning the clock reads 2000-01-01T00:00:00.000Z, before the clock floor 2024-01-01T00:00:00.000Z: sending no time until that changes (refusals are counted)",
      "notice the clock is trusted again: serving",
    ]);
    expect(buildClockGuard({ clockFloorMs: Date.UTC(2030, 0, 1) }, log, () => wall.ms).problemNow()).toBe("floor");
    if (kernelClockProblem() !== null) {
      expect(() => buildClockGuard({ requireSync: true }, log, () => wall.ms)).toThrow(StartupError);
    } else {
      const synced = !isUnsynchronised(readKernelClock());
      expect(buildClockGuard({ requireSync: true }, log, () => wall.ms).problemNow()).toBe(
        synced ? null : "unsynchronised",
      );
    }
    expect(buildClockGuard({ requireSync: false }, log, () => wall.ms).problemNow()).toBeNull();
  });
});

describe("Refusals", () => {
  const peer = (address: string, port: number) => {
    const storage = new SockaddrStorage();
    const bytes = encodeSockaddr({ address, port });
    storage.bytes.set(bytes);
    storage.length[0] = bytes.byteLength;
    return storage;
  };

  test("counts every refusal by transport and reason, logs the first 10 a second, and says once that the rest only count", () => {
    const { lines, log } = recordingLog();
    const counted: string[] = [];
    const clock = manualClock();
    const { refusals: family } = new ServerMetrics();
    const refusals = new Refusals(
      log,
      { labels: (transport, reason) => ({ inc: () => void counted.push(family.labels(transport, reason).lineName) }) },
      clock.now,
    );
    for (let i = 0; i < 25; i++) refusals.refuse("udp", peer("192.0.2.1", 7), "loop_port");
    expect(counted).toEqual(Array(25).fill("refused_udp_loop_port"));
    expect(lines).toEqual([
      ...Array(10).fill(
        "refused udp 192.0.2.1:7 source port is a small service or this server's port (UDP loop guard)",
      ),
      "warning more than 10 refusals a second: the rest are counted, not logged (see the counters line, SIGUSR1)",
    ]);
    clock.ms += 1000;
    refusals.refuse("tcp", peer("::1", 1), "denied");
    refusals.refuse("tcp", peer("::1", 1), "denied");
    expect(lines.slice(11)).toEqual([
      "refused tcp ::1:1 source matches a deny rule",
      "refused tcp ::1:1 source matches a deny rule",
    ]); // no second notice
  });

  test.each([
    ["denied", "source matches a deny rule"],
    ["not_allowed", "source outside every allow rule"],
    ["loop_port", "source port is a small service or this server's port (UDP loop guard)"],
    ["bad_source", "source is an address no client has (UDP reflection guard)"],
    ["rate", "source over its rate limit"],
    ["global_rate", "over the global rate limit"],
    ["something_new", "something_new"],
  ])("reason %s is logged as %p", (reason, text) => {
    const { lines, log } = recordingLog();
    new Refusals(log, { labels: () => ({ inc() {} }) }).refuse("tcp", peer("10.0.0.1", 2), reason as RefusalReason);
    expect(lines).toEqual([`refused tcp 10.0.0.1:2 ${text}`]);
  });
});

describe("the UDP guard", () => {
  test("checkGuardPorts takes 0 and 65535, and refuses -1, 65536 and non-integers with one line naming the port", () => {
    expect(() => checkGuardPorts([0, 65535])).not.toThrow();
    for (const port of [-1, 65536, 1.5, Number.NaN]) {
      expect(() => checkGuardPorts([port])).toThrow(
        new RangeError(`UDP guard port ${port} is not a port number (0-65535)`),
      );
    }
  });

  test("udpGuardCheck([-1]) throws rather than build a guard that guards nothing", () => {
    expect(() => udpGuardCheck([-1], 8037)).toThrow(RangeError);
    expect(() => udpGuardCheck([37, 65536], 8037)).toThrow(RangeError);
  });

  test("guards both ends of the port range, and exactly the listed ports and its own", () => {
    const check = udpGuardCheck([0, 65535], 8037);
    for (const [port, refused] of [
      [0, true],
      [1, false],
      [65534, false],
      [65535, true],
      [8036, false],
      [8037, true],
      [8038, false],
      [7, false],
    ] as const) {
      expect(check(from("192.0.2.1", port))).toBe(refused ? "loop_port" : null);
    }
  });

  test("by default guards 0, 7, 9, 13, 19 and 37, and not their neighbours", () => {
    expect(DEFAULTS.hardening.udpGuardPorts).toEqual([0, 7, 9, 13, 19, 37]);
    const check = udpGuardCheck(DEFAULTS.hardening.udpGuardPorts, 8037);
    const guarded = Array.from({ length: 40 }, (_, port) => port).filter(
      (port) => check(from("192.0.2.1", port)) !== null,
    );
    expect(guarded).toEqual([0, 7, 9, 13, 19, 37]);
  });

  test("a guarded port wins over a bogus address; a bogus address on a free port is bad_source", () => {
    const check = udpGuardCheck([], 8037);
    expect(check(from("224.0.0.1", 8037))).toBe("loop_port");
    expect(check(from("224.0.0.1", 40000))).toBe("bad_source");
    expect(check(from("192.0.2.1", 40000))).toBeNull();
  });

  test("IPv4: 0.0.0.0/8 and 224.0.0.0/4 are bogus to their last address, their neighbours are not; only the last broadcast address", () => {
    const bogus = (address: string) => isBogusSource(from(address));
    expect(["0.255.255.255", "224.0.0.0", "239.255.255.255", "255.255.255.255"].map(bogus)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ["1.0.0.0", "223.255.255.255", "240.0.0.0", "255.255.255.254", "254.255.255.255", "127.255.255.255"].map(bogus),
    ).toEqual([false, false, false, false, false, false]);
    expect(
      ["::ffff:0.0.0.0", "::ffff:239.0.0.1", "::ffff:255.255.255.255", "::ffff:255.255.255.254", "::ffff:1.0.0.0"].map(
        bogus,
      ),
    ).toEqual([true, true, true, false, false]);
  });

  test("IPv6: :: and ff00::/8 are bogus; any one other byte set, or a first byte of 0xfe, is not", () => {
    expect(isBogusSource(from("::"))).toBe(true);
    // The scope id follows the address; it is not part of it.
    expect(isBogusSource(encodeSockaddr({ address: "::", port: 1, scopeId: 0x01010101 }))).toBe(true);
    expect(isBogusSource(from("ff00::"))).toBe(true);
    expect(isBogusSource(from("ffff:ffff::1"))).toBe(true);
    expect(isBogusSource(from("fe00::"))).toBe(false);
    for (let index = 0; index < 16; index++) {
      const bytes = from("::");
      bytes[8 + index] = 1;
      expect(isBogusSource(bytes)).toBe(false);
    }
  });
});
