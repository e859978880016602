// The request that made the old header regex backtrack for ~70 s: 16 at a time get their 400 at once while the time service answers on.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, startServer } from "../../support/server-process.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { metricsUrl, portOf, rawExchange } from "../../support/metrics.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { TIME_SCALE } from "../../support/emulation.ts";

useSuiteTimeout();

afterAll(killAll);

/** Under the 8 KiB limit; a CR where the regex wanted the line's end made `[ \t]*(.*?)[ \t]*$` try every split of the spaces. */
const HOSTILE = `GET /metrics HTTP/1.1\r\nX:${" ".repeat(8150)}\r\r\n\r\n`;
const AT_ONCE = 16;
/** Time requests the service must answer while the hostile requests keep coming. */
const ANSWERED_DURING_ATTACK = 500;
/** A hang guard per hostile request (the old parser took about 70 s for one), not a timing claim. */
const HOSTILE_GUARD_MS = 10_000 * TIME_SCALE;

describe("a backtracking request head", () => {
  test(`${AT_ONCE} at a time, until the time service has answered ${ANSWERED_DURING_ATTACK} more: each gets its 400, every time request is answered`, async () => {
    const server = await startServer(["--quiet", "--metrics", "127.0.0.1:0"]);
    const metricsPort = portOf(await metricsUrl(server));
    const queries = startQueryLoop(server.port);
    await queries.reached(20);
    const target = queries.tally.answered + ANSWERED_DURING_ATTACK;
    let reached = false;
    void queries.reached(target).then(() => (reached = true));

    const statuses = new Map<string, number>();
    let slowestMs = 0;
    let batches = 0;
    do {
      const startedAt = performance.now();
      const replies = await Promise.all(
        Array.from({ length: AT_ONCE }, () => rawExchange(metricsPort, HOSTILE, HOSTILE_GUARD_MS)),
      );
      slowestMs = Math.max(slowestMs, performance.now() - startedAt);
      batches++;
      for (const { reply } of replies) statuses.set(reply.slice(0, 12), (statuses.get(reply.slice(0, 12)) ?? 0) + 1);
    } while (!reached);
    const tally = await queries.stop();

    expect([...statuses]).toEqual([["HTTP/1.1 400", batches * AT_ONCE]]);
    expect(tally.other).toEqual({});
    expect(tally.answered).toBeGreaterThanOrEqual(target);
    console.log(
      `metrics-backtracking: ${batches * AT_ONCE} hostile heads (${AT_ONCE} at a time) all 400, slowest batch ${slowestMs.toFixed(1)} ms; time service answered ${tally.answered} of ${tally.sent}`,
    );
  });
});
