// The embedded server never stalls its host: the host's timers and its own node:net clients keep their pace while the server idles and while a child process loads it.
import { afterAll, describe, expect, test } from "bun:test";
import { timerLateness, tcpRoundTrips } from "../../../bench/host-probes.ts";
import { startTimeServer } from "../../../src/embedding/library.ts";
import { startLoad } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const server = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, udp: true, quiet: true });
afterAll(() => server.stop());

/** Sanity bounds, far above the bench's targets (bench/embedding.ts): an in-thread loop misses them by seconds. */
const LATE_MS = 250;
const ROUND_TRIP_MS = 500;

/** Timers and round trips at once, as a host would run them; prints what it measured. */
async function probe(what: string): Promise<{ late: number; roundTrip: number }> {
  const [late, trips] = await Promise.all([timerLateness(30), tcpRoundTrips(server.port, 20)]);
  const result = { late: Math.max(...late), roundTrip: Math.max(...trips) };
  console.log(
    `${what}: setTimeout(10) at most ${result.late.toFixed(1)} ms late, node:net round trip at most ${result.roundTrip.toFixed(1)} ms`,
  );
  return result;
}

describe("a host with an embedded server", () => {
  test("keeps its timers and its node:net round trips while the server idles", async () => {
    const { late, roundTrip } = await probe("idle");
    expect(late).toBeLessThan(LATE_MS);
    expect(roundTrip).toBeLessThan(ROUND_TRIP_MS);
  });

  test("keeps them while a child process loads the server over TCP and UDP", async () => {
    const load = startLoad(server.port, { tcp: 4000, udp: 4000 }, { concurrency: 32 });
    await load.opened;
    const { late, roundTrip } = await probe("under load");
    const summary = await load.summary;
    await load.release();
    expect(late).toBeLessThan(LATE_MS);
    expect(roundTrip).toBeLessThan(ROUND_TRIP_MS);
    // The load really reached the server while the probes ran.
    expect((await server.counters()).get("served_tcp")).toBeGreaterThan(40);
    expect(summary.kinds.tcp).toBeDefined();
  });

  test("stop() and reconfigure() take effect at once on an idle server, not after select()'s timeout", async () => {
    const idle = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, quiet: true });
    await Bun.sleep(50); // the loop is asleep in select() by now
    let start = performance.now();
    await idle.reconfigure({ quiet: true });
    const reconfigured = performance.now() - start;
    start = performance.now();
    await idle.stop();
    const stopped = performance.now() - start;
    console.log(`idle: reconfigure() ${reconfigured.toFixed(1)} ms, stop() ${stopped.toFixed(1)} ms`);
    // select() sleeps up to 1 s: a call that waited for it would take half of that on average.
    expect(reconfigured).toBeLessThan(ROUND_TRIP_MS);
    expect(stopped).toBeLessThan(ROUND_TRIP_MS);
    expect(await idle.reconfigure({ quiet: true }).catch((error: Error) => error.message)).toBe(
      "the server has stopped",
    );
  });
});
