// src/metrics/ pieces on their own: ADDR:PORT, the server's families and their counters-line names, the two formats, Accept negotiation, request heads.
import { afterAll, describe, expect, test } from "bun:test";
import { parseMetricsAddress } from "../../../src/metrics/address.ts";
import type { Family, Series } from "../../../src/base/metrics-registry.ts";
import { ServerMetrics } from "../../../src/base/server-metrics.ts";
import { negotiateFormat, renderMetrics, type MetricsSnapshot } from "../../../src/metrics/exposition.ts";
import { MAX_REQUEST_BYTES, headEnd, parseRequestHead } from "../../../src/metrics/http-request.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

describe("parseMetricsAddress", () => {
  test("takes IPv4 ADDR:PORT and bracketed IPv6, port 0 included", () => {
    expect(parseMetricsAddress("127.0.0.1:9975")).toEqual({ host: "127.0.0.1", port: 9975 });
    expect(parseMetricsAddress("[::1]:0")).toEqual({ host: "::1", port: 0 });
  });

  test("refuses names, missing or out-of-range ports, unbracketed IPv6 and bracketed IPv4", () => {
    for (const text of [
      "localhost:9975",
      "127.0.0.1",
      "127.0.0.1:65536",
      "::1:9975",
      "[127.0.0.1]:9975",
      ":9975",
      "127.0.0.1:-1",
    ]) {
      expect(() => parseMetricsAddress(text)).toThrow(RangeError);
    }
  });
});

describe("the server's families", () => {
  const metrics = new ServerMetrics();
  const sample = <V extends readonly string[]>(family: Family<V>, series: Series) => ({
    kind: series.lineName,
    family: family.name,
    labels: series.labels,
  });

  test("give every kind the services count its counters-line name, family and labels", () => {
    expect(sample(metrics.requests, metrics.requests.labels("udp"))).toEqual({
      kind: "served_udp",
      family: "rfc868_requests",
      labels: [["transport", "udp"]],
    });
    expect(sample(metrics.refusals, metrics.refusals.labels("tcp", "global_rate"))).toEqual({
      kind: "refused_tcp_global_rate",
      family: "rfc868_refusals",
      labels: [
        ["transport", "tcp"],
        ["reason", "global_rate"],
      ],
    });
    expect(sample(metrics.clientErrors, metrics.clientErrors.labels("tcp", "ECONNRESET"))).toEqual({
      kind: "tcp_ECONNRESET",
      family: "rfc868_client_errors",
      labels: [
        ["transport", "tcp"],
        ["errno", "ECONNRESET"],
      ],
    });
    expect(sample(metrics.metricsErrors, metrics.metricsErrors.labels("EPIPE"))).toEqual({
      kind: "metrics_EPIPE",
      family: "rfc868_metrics_errors",
      labels: [["errno", "EPIPE"]],
    });
    expect(sample(metrics.tcpDrainErrors, metrics.tcpDrainErrors.labels("ECONNRESET"))).toEqual({
      kind: "tcp_drain_ECONNRESET",
      family: "rfc868_tcp_drain_errors",
      labels: [["errno", "ECONNRESET"]],
    });
    expect(sample(metrics.acceptBackoffs, metrics.acceptBackoffs.labels("tcp", "EMFILE"))).toEqual({
      kind: "accept_backoff_EMFILE",
      family: "rfc868_accept_backoffs",
      labels: [
        ["listener", "tcp"],
        ["errno", "EMFILE"],
      ],
    });
    expect(sample(metrics.acceptBackoffs, metrics.acceptBackoffs.labels("metrics", "EMFILE"))).toEqual({
      kind: "metrics_backoff_EMFILE",
      family: "rfc868_accept_backoffs",
      labels: [
        ["listener", "metrics"],
        ["errno", "EMFILE"],
      ],
    });
    expect(sample(metrics.tcpRepliesDropped, metrics.tcpRepliesDropped.labels()).kind).toBe("tcp_reply_dropped");
    expect(sample(metrics.reloads, metrics.reloads.labels("failed"))).toEqual({
      kind: "reload_failed",
      family: "rfc868_reloads",
      labels: [["result", "failed"]],
    });
    expect(sample(metrics.logLinesDropped, metrics.logLinesDropped.labels())).toEqual({
      kind: "log_lines_dropped",
      family: "rfc868_log_lines_dropped",
      labels: [],
    });
    expect(sample(metrics.udpRepliesDropped, metrics.udpRepliesDropped.labels()).kind).toBe("udp_reply_dropped");
    expect(sample(metrics.metricsRejected, metrics.metricsRejected.labels()).kind).toBe("metrics_rejected");
    expect(sample(metrics.metricsTimedOut, metrics.metricsTimedOut.labels()).kind).toBe("metrics_timeout");
  });

  test("the metrics endpoint's errors are not a client transport, and a refusal reason no check gives throws", () => {
    expect(() => metrics.clientErrors.labels("metrics" as "tcp", "EPIPE")).toThrow(
      'rfc868_client_errors: label transport has no value "metrics" (one of tcp, udp)',
    );
    expect(() => metrics.refusals.labels("tcp", "something_new" as "rate")).toThrow("label reason has no value");
  });
});

const counted = new ServerMetrics();
counted.requests.labels("tcp").inc(5);
counted.reloads.labels("ok").inc(2);
counted.refusals.labels("udp", "rate").inc();

const snapshot: MetricsSnapshot = {
  counters: counted,
  clockFloorMs: Date.UTC(2024, 0, 1),
  clockProblem: "floor",
  startedAtMs: 1_700_000_000_000,
  uptimeSeconds: 12.5,
  build: { version: "0.1.0", commit: "0123456789ab", bun: "1.4.5" },
};

describe("renderMetrics", () => {
  test("0.0.4 text: TYPE and HELP name the _total sample, samples at 0 are present, info becomes a gauge", () => {
    const page = renderMetrics(snapshot, "prometheus");
    expect(page).toContain(
      "# HELP rfc868_requests_total Requests answered with the time, by transport.\n# TYPE rfc868_requests_total counter\n",
    );
    expect(page).toContain('rfc868_requests_total{transport="tcp"} 5\nrfc868_requests_total{transport="udp"} 0\n');
    expect(page).toContain('rfc868_reloads_total{result="ok"} 2\nrfc868_reloads_total{result="failed"} 0\n');
    expect(page).toContain('rfc868_refusals_total{transport="udp",reason="rate"} 1\n');
    expect(page).toContain("# TYPE rfc868_build_info gauge\n");
    expect(page).toContain("rfc868_clock_time_sent 0\n");
    expect(page).toContain('rfc868_clock_problem{problem="floor"} 1\n');
    expect(page).toContain("rfc868_clock_floor_seconds 1704067200\n");
    expect(page).not.toContain("# EOF");
  });

  test("OpenMetrics: TYPE names the family, info is info, and the page ends in # EOF", () => {
    const page = renderMetrics(snapshot, "openmetrics");
    expect(page).toContain("# TYPE rfc868_requests counter\n");
    expect(page).toContain("# TYPE rfc868_build info\n");
    expect(page).toContain('rfc868_build_info{version="0.1.0",commit="0123456789ab",bun="1.4.5"} 1\n');
    expect(page.endsWith("\n# EOF\n")).toBe(true);
  });

  test("no HELP text holds a double quote, which OpenMetrics' HELP grammar leaves out (only escaped backslash and newline pass both formats alike)", () => {
    const helps = renderMetrics(snapshot, "openmetrics")
      .split("\n")
      .filter((line) => line.startsWith("# HELP "));
    expect(helps.length).toBeGreaterThan(10);
    expect(helps.filter((line) => line.includes('"'))).toEqual([]);
  });

  test("escapes backslash, quote and newline in label values", () => {
    const page = renderMetrics({ ...snapshot, build: { ...snapshot.build, version: 'a"b\\c\nd' } }, "prometheus");
    expect(page).toContain('rfc868_build_info{version="a\\"b\\\\c\\nd",commit="0123456789ab",bun="1.4.5"} 1\n');
  });
});

describe("negotiateFormat", () => {
  test("OpenMetrics only when asked for with q above 0", () => {
    expect(negotiateFormat("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")).toBe(
      "openmetrics",
    );
    expect(negotiateFormat("text/plain, application/openmetrics-text; q=0")).toBe("prometheus");
    expect(negotiateFormat("*/*")).toBe("prometheus");
    expect(negotiateFormat(null)).toBe("prometheus");
  });
});

describe("request heads", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const parse = (text: string) => parseRequestHead(bytes(text), bytes(text).length);
  const GOOD = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";

  test("headEnd finds the CRLF CRLF, or -1 while it has not arrived", () => {
    const head = bytes(GOOD);
    expect(headEnd(head, head.length)).toBe(head.length);
    expect(headEnd(head, head.length - 1)).toBe(-1);
  });

  test("headEnd never reads at or past `length`: every cut of a whole head is -1, though the rest lies in the buffer", () => {
    // The buffer holds the whole head; bytes past `length` are what an earlier, longer request left there.
    const head = bytes(GOOD + "junk");
    const whole = GOOD.length;
    for (let length = 0; length < whole; length++) expect(headEnd(head, length)).toBe(-1);
    expect(headEnd(head, whole)).toBe(whole);
    expect(headEnd(head, head.length)).toBe(whole);
  });

  test("headEnd from where the last read ended finds the same end, for every split into two reads", () => {
    const head = bytes(GOOD);
    for (let split = 0; split <= head.length; split++) {
      const first = headEnd(head, split);
      const found = first >= 0 ? first : headEnd(head, head.length, split);
      expect({ split, found }).toEqual({ split, found: head.length });
    }
  });

  test("a bare LF ends the head at once in headEnd, and the parser rejects what it ended (the same decision, no wait for a blank line)", () => {
    for (const text of [
      "GET /metrics HTTP/1.0\n\n",
      "GET /metrics HTTP/1.1\r\nHost: x\nAccept: a\r\n\r\n",
      "\nGET /metrics HTTP/1.1\r\n\r\n",
    ]) {
      const head = bytes(text);
      const end = headEnd(head, head.length);
      expect(end).toBe(text.search(/(?<!\r)\n/) + 1);
      expect(parseRequestHead(head, end)).toBeNull();
      // The bytes before the bare LF alone are not a head either way.
      expect(headEnd(head, end - 1)).toBe(-1);
    }
  });

  test("the edges of each byte class: the root target, an encoding just before the space, every field-value byte, the version's first letter", () => {
    expect(parse("GET / HTTP/1.1\r\n\r\n")).toEqual({ method: "GET", path: "/", accept: null });
    expect(parse("GET /a%41 HTTP/1.1\r\n\r\n")?.path).toBe("/a%41");
    // VCHAR runs from "!" (0x21) to "~" (0x7e): the last one is a field-value byte like the others.
    const vchars = String.fromCharCode(...Array.from({ length: 0x7e - 0x20 }, (_, i) => 0x21 + i));
    expect(parse(`GET /metrics HTTP/1.1\r\nAccept: ${vchars}\r\n\r\n`)?.accept).toBe(vchars);
    expect(parse("GET /metrics HTTP/1.1\r\nAccept: ~\r\n\r\n")?.accept).toBe("~");
    expect(parse("GET /metrics HTTP/1.1\r\nAccept: a\x7f\r\n\r\n")).toBeNull();
    expect(parse("GET /metrics XTTP/1.1\r\n\r\n")).toBeNull();
  });

  test("reads method, path without query, and Accept with or without whitespace around its value", () => {
    expect(parse("GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nACCEPT: text/plain\r\n\r\n")).toEqual({
      method: "GET",
      path: "/metrics",
      accept: "text/plain",
    });
    expect(parse("GET /metrics HTTP/1.1\r\nAccept:text/plain\r\n\r\n")?.accept).toBe("text/plain");
    expect(parse("GET /metrics HTTP/1.1\r\nAccept: \t text/plain; q=1 \t\r\n\r\n")?.accept).toBe("text/plain; q=1");
    expect(parse("GET /metrics HTTP/1.1\r\nAccept:\r\n\r\n")?.accept).toBe("");
    expect(parse("GET /metrics HTTP/1.0\r\n\r\n")).toEqual({ method: "GET", path: "/metrics", accept: null });
    expect(parse("POST /a/%2Fb?c=d?e HTTP/1.1\r\nContent-Length: 0\r\n\r\n")).toEqual({
      method: "POST",
      path: "/a/%2Fb",
      accept: null,
    });
  });

  test("knows the methods of RFC 9110 and PATCH (all but GET are answered 405), and percent-encoded bytes in the path", () => {
    for (const method of ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"]) {
      expect(parse(`${method} /metrics HTTP/1.1\r\n\r\n`)).toEqual({ method, path: "/metrics", accept: null });
    }
    expect(parse("GET /a%2f%C3%a9b HTTP/1.1\r\n\r\n")?.path).toBe("/a%2f%C3%a9b");
  });

  test("joins repeated Accept headers with a comma and a space, in order", () => {
    expect(
      parse(
        "GET /metrics HTTP/1.1\r\nAccept: text/plain\r\nHost: x\r\naccept:application/openmetrics-text \r\nAccept: */*\r\n\r\n",
      )?.accept,
    ).toBe("text/plain, application/openmetrics-text, */*");
  });

  test("rejects what strict HTTP/1.1 rejects: request line, field names and values, framing", () => {
    const rejected = [
      "GET /metrics HTTP/2.0\r\n\r\n",
      "GET /metrics HTTP/1.2\r\n\r\n",
      "GET /metrics HTTP/1.1junk\r\n\r\n",
      "GET /metrics HTTP/1.1 \r\n\r\n",
      "GET /metrics http/1.1\r\n\r\n",
      "GET /metrics\r\n\r\n",
      "GET  /metrics HTTP/1.1\r\n\r\n",
      "get /metrics HTTP/1.1\r\n\r\n",
      "FOO /metrics HTTP/1.1\r\n\r\n",
      "GET metrics HTTP/1.1\r\n\r\n",
      "GET http://x/metrics HTTP/1.1\r\n\r\n",
      "GET /metrics#x HTTP/1.1\r\n\r\n",
      "GET /a%zz HTTP/1.1\r\n\r\n",
      'GET /a"b HTTP/1.1\r\n\r\n',
      "\x16\x03\x01 junk\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nbad name: v\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept : v\r\n\r\n",
      "GET /metrics HTTP/1.1\r\n: v\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept: a\r\n folded\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept: a\rb\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept: a\x00b\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept: caf\xe9\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nAccept: \x7f\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nContent-Length:\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nContent-Length: 0\t\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
      `GET /metrics HTTP/1.1\r\nContent-Length: ${"9".repeat(16)}\r\n\r\n`,
      "GET /metrics HTTP/1.1\r\n\r\nX",
      "GET /metrics HTTP/1.1\r\n\rX",
      "GET  HTTP/1.1\r\n\r\n",
      "GET\t/metrics HTTP/1.1\r\n\r\n",
      "GET /metrics\tHTTP/1.1\r\n\r\n",
      "GET /metrics HTTP/1.1 \n\r\n",
      "GET /metrics HTTP/1.1\rX\r\n",
      "GET /metrics HTTP/1.1\r\nX: a\nY: b\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nX: a\x7f\nY: b\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nX: a\r!Y: b\r\n\r\n",
      "GET /a%2 /b HTTP/1.1\r\n\r\n",
      "GET /ab%2z HTTP/1.1\r\n\r\n",
      "GET /a^bb HTTP/1.1\r\n\r\n",
      "GET /a%z2 HTTP/1.1\r\n\r\n",
      "GET /a%\r\n\r\n",
      "GET /metrics HTTP/1.1\r\nHost: x\r\n\r",
      "\r\n\r\n",
      "",
    ];
    for (const text of rejected) {
      const head = new Uint8Array([...text].map((c) => c.charCodeAt(0)));
      expect({ text, head: parseRequestHead(head, head.length) }).toEqual({ text, head: null });
    }
  });

  test("takes a Content-Length of up to 15 digits, once", () => {
    expect(parse(`POST /metrics HTTP/1.1\r\nContent-Length: ${"9".repeat(15)}\r\n\r\n`)?.method).toBe("POST");
    expect(parse("POST /metrics HTTP/1.1\r\nContent-Length:\t0  \r\n\r\n")?.method).toBe("POST");
  });

  test("the head is at most 8 KiB, as the README and the 431 answer say", () => {
    expect(MAX_REQUEST_BYTES).toBe(8192);
  });
});
