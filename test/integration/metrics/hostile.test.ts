// Hostile scrapers never delay the time service: 1,000 garbage and 100 silent metrics connections while time clients run.
import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { killAll, startServer } from "../../support/server-process.ts";
import { openFdCount, startLoad, waitForFdCount } from "../../support/hardening.ts";
import { metricsUrl, portOf, samples, scrape } from "../../support/metrics.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const GARBAGE = 1000;
const SILENT = 100;
/** Below the server's bound of 16 open metrics connections, so the garbage is read and answered, not just refused. */
const GARBAGE_AT_ONCE = 10;
const TIME_REQUESTS = { tcp: 3000, udp: 1000 };

/** Connect, send garbage (half of it ends in a blank line, so it gets a 400; the rest is cut off by a FIN); what came back when the server closed. */
function garbageConnection(port: number, i: number): Promise<string> {
  return new Promise((resolve) => {
    const reply: Buffer[] = [];
    const bytes = Buffer.from(Array.from({ length: 1 + (i % 200) }, (_, j) => (i * 31 + j * 7) & 0xff));
    const socket = net.connect({ port, host: "127.0.0.1" }, () => {
      socket.write(bytes);
      if (i % 2 === 0) socket.write("\r\n\r\n");
      else socket.end();
    });
    socket.on("data", (chunk: Buffer) => reply.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(reply).toString("latin1")));
    socket.on("error", () => {});
  });
}

/** Connect and send nothing until the server closes (its 2 s deadline, or at once when over the connection bound). */
function silentConnection(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.on("close", () => resolve());
    socket.on("error", () => {});
  });
}

describe("hostile metrics clients", () => {
  test("every time request is answered, the endpoint serves on, and the fd count returns to its baseline", async () => {
    const server = await startServer(["--udp", "--quiet", "--metrics", "127.0.0.1:0"]);
    const url = await metricsUrl(server);
    const metricsPort = portOf(url);
    const baseline = openFdCount(server.proc.pid);

    // Time clients during the garbage, then again during the silent connections.
    const duringGarbage = startLoad(server.port, TIME_REQUESTS, { concurrency: 32 });
    const replies: string[] = [];
    for (let i = 0; i < GARBAGE; i += GARBAGE_AT_ONCE) {
      replies.push(
        ...(await Promise.all(
          Array.from({ length: GARBAGE_AT_ONCE }, (_, j) => garbageConnection(metricsPort, i + j)),
        )),
      );
    }
    const first = await duringGarbage.summary;
    await duringGarbage.release();
    const duringSilence = startLoad(server.port, TIME_REQUESTS, { concurrency: 32 });
    await Promise.all(Array.from({ length: SILENT }, () => silentConnection(metricsPort)));
    const second = await duringSilence.summary;
    await duringSilence.release();

    const allOk = { tcp: { ok: TIME_REQUESTS.tcp }, udp: { ok: TIME_REQUESTS.udp } };
    expect(first.kinds).toEqual(allOk);
    expect(second.kinds).toEqual(allOk);
    const badRequests = replies.filter((reply) => reply.startsWith("HTTP/1.1 400 ")).length;
    expect(badRequests).toBeGreaterThan(0);
    expect(await waitForFdCount(server.proc.pid, baseline)).toBe(baseline);
    const page = await scrape(url);
    expect(page.status).toBe(200);
    const values = samples(page.body);
    expect(values.get('rfc868_requests_total{transport="tcp"}')).toBe(2 * TIME_REQUESTS.tcp);
    expect(values.get('rfc868_requests_total{transport="udp"}')).toBe(2 * TIME_REQUESTS.udp);
    // The silent ones beyond the bound were closed at once, the rest by their deadline.
    const rejected = values.get("rfc868_metrics_connections_rejected_total")!;
    const timedOut = values.get("rfc868_metrics_connections_timed_out_total")!;
    expect(timedOut).toBeGreaterThan(0);
    expect(rejected + timedOut).toBeGreaterThanOrEqual(SILENT);
    console.log(
      `metrics-hostile: ${GARBAGE} garbage + ${SILENT} silent connections; time requests ok 2 x ${TIME_REQUESTS.tcp}+${TIME_REQUESTS.udp} (${first.seconds.toFixed(2)} s, ${second.seconds.toFixed(2)} s); 400s ${badRequests}; rejected ${rejected}, timed out ${timedOut}; fds ${baseline} -> ${openFdCount(server.proc.pid)}`,
    );
  });
});
