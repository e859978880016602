// Under a low fd limit, idle metrics connections never take the fds the time service needs: the endpoint keeps a reserve.
import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { killAll, startServer } from "../../support/server-process.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { openFdCount, readCounters } from "../../support/hardening.ts";
import { metricsUrl, portOf, samples, scrape } from "../../support/metrics.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { METRICS_FD_RESERVE } from "../../../src/metrics/metrics-server.ts";

useSuiteTimeout();

afterAll(killAll);

/** The case: with `ulimit -n 24`, 16 idle metrics connections took every spare fd and left the time service 13 answers of 600. */
const IDLE = 16;
const ARGS = ["--quiet", "--metrics", "127.0.0.1:0"];
const QUERIES = 600;
/** A connection the server closed is opened again after this long: pressure held, without turning into a connection flood. */
const REOPEN_MS = 20;

/** `count` metrics connections that send nothing; each one the server closes is opened again, until stop(). */
function holdIdle(port: number, count: number) {
  const sockets = new Set<net.Socket>();
  let stopped = false;
  let closedByServer = 0;
  const open = () => {
    if (stopped) return;
    const socket = net.connect({ port, host: "127.0.0.1" });
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      if (stopped) return;
      closedByServer++;
      setTimeout(open, REOPEN_MS);
    });
  };
  for (let i = 0; i < count; i++) open();
  return {
    closedByServer: () => closedByServer,
    stop() {
      stopped = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** The fds a server started with ARGS holds before any client comes (the runtime's, stdio, the listeners). */
async function fdsAtStart(): Promise<number> {
  const server = await startServer(ARGS);
  await metricsUrl(server);
  const count = openFdCount(server.proc.pid);
  await server.stop();
  return count;
}

describe("metrics connections under a low fd limit", () => {
  test(`${IDLE} idle ones held open, with the limit where they would take every spare fd: the endpoint stops ${METRICS_FD_RESERVE} fds short, the time service answers all ${QUERIES}`, async () => {
    // The ulimit -n 24, measured for this runtime: without the reserve the idle connections leave no fd at all.
    const FD_LIMIT = (await fdsAtStart()) + IDLE;
    const server = await startServer(ARGS, {}, ["sh", "-c", `ulimit -n ${FD_LIMIT}; exec "$@"`, "sh"]);
    const url = await metricsUrl(server);
    const idle = holdIdle(portOf(url), IDLE);
    // The endpoint has taken what it may: fds 0 .. limit - reserve - 1.
    const held = FD_LIMIT - METRICS_FD_RESERVE;
    while (openFdCount(server.proc.pid) < held && idle.closedByServer() === 0) await Bun.sleep(5);

    const queries = startQueryLoop(server.port);
    await queries.reached(QUERIES);
    const tally = await queries.stop();
    const fdsWhileHeld = openFdCount(server.proc.pid);
    const closedAtOnce = (await readCounters(server)).metrics_rejected ?? 0;
    idle.stop();

    expect(tally.other).toEqual({});
    expect(tally.answered).toBeGreaterThanOrEqual(QUERIES);
    expect(fdsWhileHeld).toBeLessThanOrEqual(held);
    expect(closedAtOnce).toBeGreaterThan(0);
    // Once the idle ones are gone, the endpoint serves again: the server closes its ends when it reads their
    // EOF, so the scrape waits for the fds to come back rather than race the closes.
    while (openFdCount(server.proc.pid) >= held) await Bun.sleep(5);
    const page = await scrape(url);
    expect(page.status).toBe(200);
    expect(samples(page.body).get("rfc868_metrics_connections_rejected_total")).toBeGreaterThanOrEqual(closedAtOnce);
    console.log(
      `metrics-fd-reserve: ulimit -n ${FD_LIMIT} (fds at start + ${IDLE}), ${IDLE} idle metrics connections: time service answered ${tally.answered} of ${tally.sent}; server fds ${fdsWhileHeld} (limit ${FD_LIMIT}, reserve ${METRICS_FD_RESERVE}); ${closedAtOnce} metrics connections closed at once`,
    );
  });
});
