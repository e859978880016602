// /readyz and /livez on the metrics listener: ready only while serving time, live while the loop turns.
import { afterAll, describe, expect, test } from "bun:test";
import { closeFd } from "../../../native/index.ts";
import { openListener } from "../../../src/core/listeners.ts";
import { Health, LIVENESS_BOUND_MS } from "../../../src/metrics/health.ts";
import { openMetricsListener, startMetricsServer } from "../../../src/metrics/metrics-server.ts";
import { ClockGuard } from "../../../src/policy/clock-guard.ts";
import { tcpTime } from "../../support/clients.ts";
import { handContext } from "../../support/hand-context.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { metricsUrl } from "../../support/metrics.ts";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/** The base URL of a spawned server's metrics endpoint (without /metrics). */
async function endpoint(server: ServerProcess): Promise<string> {
  return (await metricsUrl(server)).replace(/\/metrics$/, "");
}

describe("a spawned server's health endpoints", () => {
  test("/readyz and /livez answer 200 ok while it serves time", async () => {
    const server = await startServer(["--udp", "--metrics", "127.0.0.1:0", "--quiet"]);
    const base = await endpoint(server);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: "ok\n" });
    expect(await get(`${base}/livez`)).toEqual({ status: 200, body: "ok\n" });
    expect((await fetch(`${base}/readyz`, { method: "POST" })).status).toBe(405);
    expect((await get(`${base}/healthz`)).status).toBe(404);
    expect(await server.stop()).toBe(0);
  });

  test("/readyz answers 503 clock below floor while the clock guard withholds the time; /livez stays 200", async () => {
    const server = await startServer(["--clock-floor", "2099-01-01", "--metrics", "127.0.0.1:0", "--quiet"]);
    const base = await endpoint(server);
    expect((await tcpTime(server.port)).bytes.length).toBe(0); // withheld: the TCP connect alone would pass a tcpSocket probe
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await ready.text()).toBe("clock below floor\n");
    expect(await get(`${base}/livez`)).toEqual({ status: 200, body: "ok\n" });
    expect(await server.stop()).toBe(0);
  });

  test("a reload that moves the clock floor past now makes it unready, and one that moves it back ready again", async () => {
    const base = 'host = ["127.0.0.1"]\nport = 0\nmetrics = "127.0.0.1:0"\nquiet = true\n';
    const path = files.write(base);
    const server = await startServer(["--config", path]);
    const url = await endpoint(server);
    const reload = async (text: string) => {
      files.write(text, path);
      const from = server.stderr.all.length;
      server.proc.kill("SIGHUP");
      expect(await server.stderr.waitFor(/reloaded /, from)).not.toBe("");
    };
    expect((await get(`${url}/readyz`)).status).toBe(200);
    await reload(`${base}clock-floor = "2099-01-01"\n`);
    expect(await get(`${url}/readyz`)).toEqual({ status: 503, body: "clock below floor\n" });
    await reload(base);
    expect(await get(`${url}/readyz`)).toEqual({ status: 200, body: "ok\n" });
    expect(await server.stop()).toBe(0);
  });
});

const guard = (floorMs: number, synchronised: boolean | null) =>
  new ClockGuard({
    clock: Date.now,
    floorMs,
    isSynchronised: synchronised === null ? null : () => synchronised,
    onChange: () => {},
  });

describe("Health", () => {
  test("is ready with open listeners and a trusted clock, and names each reason it is not", () => {
    const tcp = openListener("tcp", "127.0.0.1", 0, 16);
    const udp = openListener("udp", "127.0.0.1", 0, 16);
    const { context, close } = handContext(guard(0, null));
    try {
      const health = new Health(context, [tcp, udp]);
      expect(health.notReady()).toBeNull();
      context.clock = guard(Date.now() + 86_400_000, null);
      expect(health.notReady()).toBe("clock below floor");
      context.clock = guard(0, false);
      expect(health.notReady()).toBe("clock unsynchronised");
      context.clock = guard(0, true);
      expect(health.notReady()).toBeNull();
      closeFd(udp.fd);
      expect(health.notReady()).toBe("listener closed");
      // The same fd number, now another socket: still not the listener that was configured. Sockets are
      // opened, and held, until one lands on that number: the runtime may have freed a lower one meanwhile.
      const held = [openListener("udp", "127.0.0.1", 0, 16)];
      while (held.at(-1)!.fd < udp.fd && held.length < 64) held.push(openListener("udp", "127.0.0.1", 0, 16));
      expect(held.at(-1)!.fd).toBe(udp.fd);
      expect(health.notReady()).toBe("listener closed");
      for (const socket of held) closeFd(socket.fd);
      health.stopping();
      expect(health.notReady()).toBe("stopping");
    } finally {
      closeFd(tcp.fd);
      close();
    }
  });

  test("stopping wins over every other reason", () => {
    const { context, close } = handContext(guard(Date.now() + 86_400_000, null));
    const health = new Health(context, []);
    expect(health.notReady()).toBe("clock below floor");
    health.stopping();
    expect(health.notReady()).toBe("stopping");
    close();
  });

  test("is live until the loop has not turned for longer than the bound", () => {
    let now = 1000;
    const { context, close } = handContext();
    const health = new Health(context, [], () => now);
    expect(health.notLive()).toBeNull();
    now += LIVENESS_BOUND_MS;
    expect(health.notLive()).toBeNull();
    now += 1;
    expect(health.notLive()).toBe(
      `no loop turn for ${LIVENESS_BOUND_MS / 1000} s (bound ${LIVENESS_BOUND_MS / 1000} s)`,
    );
    health.turned();
    expect(health.notLive()).toBeNull();
    now += 3 * LIVENESS_BOUND_MS;
    expect(health.notLive()).toBe(
      `no loop turn for ${(3 * LIVENESS_BOUND_MS) / 1000} s (bound ${LIVENESS_BOUND_MS / 1000} s)`,
    );
    close();
  });

  test("answers over HTTP: 503 stopping once stop began, 503 with the liveness reason once the loop is late", async () => {
    let now = 0;
    const { context, loop, close } = handContext(guard(0, null));
    const health = new Health(context, [], () => now);
    const server = startMetricsServer(
      openMetricsListener({ host: "127.0.0.1", port: 0 }),
      context,
      () => ({ contentType: "text/plain", body: "" }),
      health.probes(),
    );
    /** Tick the loop by hand until the request is answered. */
    const request = async (path: string) => {
      let done = false;
      const answer = get(`http://127.0.0.1:${server.local.port}${path}`).finally(() => (done = true));
      while (!done) {
        loop.setTimer(20, () => {});
        loop.tick();
        await new Promise((resolve) => setImmediate(resolve));
      }
      return answer;
    };
    try {
      expect(await request("/readyz")).toEqual({ status: 200, body: "ok\n" });
      health.stopping();
      expect(await request("/readyz")).toEqual({ status: 503, body: "stopping\n" });
      now = LIVENESS_BOUND_MS + 1000;
      expect(await request("/livez")).toEqual({
        status: 503,
        body: `no loop turn for ${LIVENESS_BOUND_MS / 1000 + 1} s (bound ${LIVENESS_BOUND_MS / 1000} s)\n`,
      });
    } finally {
      server.close();
      close();
    }
  });
});
