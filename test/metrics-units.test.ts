// src/metrics/ pieces on their own: ADDR:PORT, counter kinds to families, the two formats, Accept negotiation, request heads.
import { afterAll, describe, expect, test } from "bun:test";
import { parseMetricsAddress } from "../src/metrics/address.ts";
import { counterSample } from "../src/metrics/counter-families.ts";
import { negotiateFormat, renderMetrics, type MetricsSnapshot } from "../src/metrics/exposition.ts";
import { headEnd, parseRequestHead } from "../src/metrics/http-request.ts";
import { killAll } from "./support/server-process.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

describe("parseMetricsAddress", () => {
  test("takes IPv4 ADDR:PORT and bracketed IPv6, port 0 included", () => {
    expect(parseMetricsAddress("127.0.0.1:9975")).toEqual({ host: "127.0.0.1", port: 9975 });
    expect(parseMetricsAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
  });

  test("refuses names, missing or out-of-range ports, unbracketed IPv6 and bracketed IPv4", () => {
    for (const text of ["localhost:9975", "127.0.0.1", "127.0.0.1:65536", "::1:9975", "[127.0.0.1]:9975", ":9975", "127.0.0.1:-1"]) {
      expect(() => parseMetricsAddress(text)).toThrow(RangeError);
    }
  });
});

describe("counterSample", () => {
  test("maps every kind the services count to its family and labels", () => {
    expect(counterSample("served_udp")).toEqual({ family: "rfc868_requests", labels: [["transport", "udp"]] });
    expect(counterSample("refused_tcp_global_rate")).toEqual({ family: "rfc868_refusals", labels: [["transport", "tcp"], ["reason", "global_rate"]] });
    expect(counterSample("tcp_ECONNRESET")).toEqual({ family: "rfc868_client_errors", labels: [["transport", "tcp"], ["errno", "ECONNRESET"]] });
    expect(counterSample("metrics_EPIPE")).toEqual({ family: "rfc868_client_errors", labels: [["transport", "metrics"], ["errno", "EPIPE"]] });
    expect(counterSample("tcp_drain_ECONNRESET")).toEqual({ family: "rfc868_tcp_drain_errors", labels: [["errno", "ECONNRESET"]] });
    expect(counterSample("accept_backoff_EMFILE")).toEqual({ family: "rfc868_accept_backoffs", labels: [["errno", "EMFILE"]] });
    expect(counterSample("reload_failed")).toEqual({ family: "rfc868_reloads", labels: [["result", "failed"]] });
    expect(counterSample("log_lines_dropped").family).toBe("rfc868_log_lines_dropped");
  });

  test("keeps a kind no rule knows as rfc868_events{kind}", () => {
    expect(counterSample("something_new")).toEqual({ family: "rfc868_events", labels: [["kind", "something_new"]] });
  });
});

const snapshot: MetricsSnapshot = {
  counters: new Map([["served_tcp", 5], ["reload_ok", 2], ["refused_udp_rate", 1]]),
  clockFloorMs: Date.UTC(2024, 0, 1),
  clockProblem: "floor",
  startedAtMs: 1_700_000_000_000,
  uptimeSeconds: 12.5,
  version: "0.1.0",
};

describe("renderMetrics", () => {
  test("0.0.4 text: TYPE and HELP name the _total sample, samples at 0 are present, info becomes a gauge", () => {
    const page = renderMetrics(snapshot, "prometheus");
    expect(page).toContain("# HELP rfc868_requests_total Requests answered with the time, by transport.\n# TYPE rfc868_requests_total counter\n");
    expect(page).toContain('rfc868_requests_total{transport="tcp"} 5\nrfc868_requests_total{transport="udp"} 0\n');
    expect(page).toContain('rfc868_reloads_total{result="ok"} 2\nrfc868_reloads_total{result="failed"} 0\n');
    expect(page).toContain('rfc868_refusals_total{transport="udp",reason="rate"} 1\n');
    expect(page).toContain("# TYPE rfc868_build_info gauge\n");
    expect(page).toContain('rfc868_clock_time_sent 0\n');
    expect(page).toContain('rfc868_clock_problem{problem="floor"} 1\n');
    expect(page).toContain("rfc868_clock_floor_seconds 1704067200\n");
    expect(page).not.toContain("# EOF");
  });

  test("OpenMetrics: TYPE names the family, info is info, and the page ends in # EOF", () => {
    const page = renderMetrics(snapshot, "openmetrics");
    expect(page).toContain("# TYPE rfc868_requests counter\n");
    expect(page).toContain("# TYPE rfc868_build info\n");
    expect(page).toContain('rfc868_build_info{version="0.1.0"} 1\n');
    expect(page.endsWith("\n# EOF\n")).toBe(true);
  });

  test("no HELP text holds a double quote, which OpenMetrics' HELP grammar leaves out (only escaped backslash and newline pass both formats alike)", () => {
    const helps = renderMetrics(snapshot, "openmetrics").split("\n").filter((line) => line.startsWith("# HELP "));
    expect(helps.length).toBeGreaterThan(10);
    expect(helps.filter((line) => line.includes('"'))).toEqual([]);
  });

  test("escapes backslash, quote and newline in label values", () => {
    const page = renderMetrics({ ...snapshot, version: 'a"b\\c\nd' }, "prometheus");
    expect(page).toContain('rfc868_build_info{version="a\\"b\\\\c\\nd"} 1\n');
  });
});

describe("negotiateFormat", () => {
  test("OpenMetrics only when asked for with q above 0", () => {
    expect(negotiateFormat("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")).toBe("openmetrics");
    expect(negotiateFormat("text/plain, application/openmetrics-text; q=0")).toBe("prometheus");
    expect(negotiateFormat("*/*")).toBe("prometheus");
    expect(negotiateFormat(null)).toBe("prometheus");
  });
});

describe("request heads", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  test("headEnd finds the blank line (CRLF or bare LF), or -1 while it has not arrived", () => {
    const head = bytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(headEnd(head, head.length)).toBe(head.length);
    expect(headEnd(head, head.length - 1)).toBe(-1);
    const bare = bytes("GET /metrics HTTP/1.0\n\n");
    expect(headEnd(bare, bare.length)).toBe(bare.length);
  });

  test("parseRequestHead reads method, path without query, and Accept; null for what is not HTTP/1.x", () => {
    const head = bytes("GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nACCEPT: text/plain\r\n\r\n");
    expect(parseRequestHead(head, head.length)).toEqual({ method: "GET", path: "/metrics", accept: "text/plain" });
    for (const text of ["GET /metrics HTTP/2.0\r\n\r\n", "GET /metrics\r\n\r\n", "\x16\x03\x01 junk\r\n\r\n", "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n"]) {
      expect(parseRequestHead(bytes(text), bytes(text).length)).toBeNull();
    }
  });
});
