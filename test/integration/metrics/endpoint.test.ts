// --metrics: the endpoint's counters match the requests sent, HTTP answers for everything else, the deadline, and the flag's errors.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import net from "node:net";
import { killAll, runServer, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, udpTime } from "../../support/clients.ts";
import { metricsUrl, portOf, rawExchange, samples, scrape } from "../../support/metrics.ts";
import { checkoutCommit } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import packageJson from "../../../package.json";

useSuiteTimeout();

afterAll(killAll);

describe("the metrics endpoint", () => {
  let server: ServerProcess;
  let url = "";

  beforeAll(async () => {
    server = await startServer(["--udp", "--deny", "127.0.0.2", "--metrics", "127.0.0.1:0", "--quiet"]);
    url = await metricsUrl(server);
  });

  test("counts what was served and refused, by transport and reason, with reloads and log drops at 0", async () => {
    for (let i = 0; i < 3; i++) await tcpTime(server.port);
    await udpTime(server.port);
    await tcpTime(server.port, "127.0.0.1", 10_000, "127.0.0.2");
    const page = await scrape(url);
    expect(page.status).toBe(200);
    expect(page.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    const values = samples(page.body);
    expect(values.get('rfc868_requests_total{transport="tcp"}')).toBe(3);
    expect(values.get('rfc868_requests_total{transport="udp"}')).toBe(1);
    expect(values.get('rfc868_refusals_total{transport="tcp",reason="denied"}')).toBe(1);
    expect(values.get('rfc868_reloads_total{result="ok"}')).toBe(0);
    expect(values.get('rfc868_reloads_total{result="failed"}')).toBe(0);
    expect(values.get("rfc868_log_lines_dropped_total")).toBe(0);
    expect(values.get("rfc868_clock_time_sent")).toBe(1);
    const commit = checkoutCommit();
    expect(
      values.get(`rfc868_build_info{version="${packageJson.version}",commit="${commit}",bun="${Bun.version}"}`),
    ).toBe(1);
    expect(values.get("rfc868_uptime_seconds")).toBeGreaterThan(0);
  });

  test("answers in OpenMetrics, ending in # EOF, when the Accept header asks for it (as Prometheus does)", async () => {
    const page = await scrape(
      url,
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    );
    expect(page.contentType).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(page.body).toContain("# TYPE rfc868_requests counter\n");
    expect(page.body.endsWith("# EOF\n")).toBe(true);
  });

  test("answers 404 for another path, 405 (Allow: GET) for another method, 400 for a non-HTTP line, 431 past 8 KiB", async () => {
    const port = portOf(url);
    expect((await rawExchange(port, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n")).reply).toStartWith("HTTP/1.1 404 ");
    const post = await rawExchange(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    expect(post.reply).toStartWith("HTTP/1.1 405 ");
    expect(post.reply).toContain("\r\nAllow: GET\r\n");
    expect((await rawExchange(port, "hello there\r\n\r\n")).reply).toStartWith("HTTP/1.1 400 ");
    const huge = await rawExchange(port, `GET /metrics HTTP/1.1\r\nX-Pad: ${"a".repeat(9000)}\r\n\r\n`);
    expect(huge.reply).toStartWith("HTTP/1.1 431 ");
    expect((await scrape(url)).status).toBe(200);
  });

  test("the 431 limit is exactly 8,192 bytes: a whole head of 8,192 is served, 8,192 bytes without the blank line are 431", async () => {
    const port = portOf(url);
    const start = "GET /metrics HTTP/1.1\r\nX-Pad: ";
    const whole = start + "a".repeat(8192 - start.length - 4) + "\r\n\r\n";
    const cut = start + "a".repeat(8192 - start.length);
    expect([whole.length, cut.length]).toEqual([8192, 8192]);
    expect((await rawExchange(port, whole)).reply).toStartWith("HTTP/1.1 200 ");
    expect((await rawExchange(port, cut)).reply).toStartWith("HTTP/1.1 431 ");
  });

  test("a bare LF is answered 400 at once, not left waiting for its deadline", async () => {
    const openedAt = performance.now();
    const reply = await rawExchange(portOf(url), "GET /metrics HTTP/1.1\nHost: x\n\n");
    expect(reply.reply).toStartWith("HTTP/1.1 400 ");
    // A guard, not a timing claim: waiting for a CRLF CRLF would have taken the 2 s deadline and ended in no answer.
    expect(performance.now() - openedAt).toBeLessThan(1900);
  });

  test("closes a connection that sends no whole request within 2 s, counted, and serves on", async () => {
    const before = samples((await scrape(url)).body).get("rfc868_metrics_connections_timed_out_total")!;
    const openedAt = performance.now();
    const socket = net.connect({ port: portOf(url), host: "127.0.0.1" }, () =>
      socket.write("GET /metrics HTTP/1.1\r\n"),
    );
    const closedAt = await new Promise<number>((resolve) =>
      socket.on("close", () => resolve(performance.now())).on("error", () => {}),
    );
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(1900); // not before its 2 s (less the timer's rounding)
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect(samples((await scrape(url)).body).get("rfc868_metrics_connections_timed_out_total")).toBe(before + 1);
  });
});

describe("the clock state on the metrics page", () => {
  test("a clock below the floor: time not sent, problem floor, the floor itself, and clock refusals counted", async () => {
    const server = await startServer(["--clock-floor", "2100-01-01", "--metrics", "127.0.0.1:0", "--quiet"]);
    const url = await metricsUrl(server);
    expect((await tcpTime(server.port)).bytes.length).toBe(0);
    const values = samples((await scrape(url)).body);
    expect(values.get("rfc868_clock_time_sent")).toBe(0);
    expect(values.get('rfc868_clock_problem{problem="floor"}')).toBe(1);
    expect(values.get('rfc868_clock_problem{problem="unsynchronised"}')).toBe(0);
    expect(values.get("rfc868_clock_floor_seconds")).toBe(Date.UTC(2100, 0, 1) / 1000);
    expect(values.get('rfc868_refusals_total{transport="tcp",reason="clock"}')).toBe(1);
    expect(values.get('rfc868_requests_total{transport="tcp"}')).toBe(0);
  });
});

describe("--metrics mistakes", () => {
  test("a bad ADDR:PORT is one line and exit 2", async () => {
    for (const value of ["9975", "localhost:9975", "127.0.0.1:70000", "::1:9975", "[127.0.0.1]:1"]) {
      const run = await runServer(["--metrics", value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toStartWith("rfc868: --metrics: ");
    }
  });

  test("a metrics port in use is one line and exit 1, before any request is served", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", "--metrics", `127.0.0.1:${port}`]);
    taken.close();
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      `rfc868: cannot listen on tcp 127.0.0.1 port ${port}: bind: Address already in use (EADDRINUSE)`,
    ]);
  });
});
