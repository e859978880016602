// The typed metrics registry on its own: handles, closed and open labels, the counters line, snapshots, the page's order, log-once.
import { describe, expect, test } from "bun:test";
import { MetricsRegistry } from "../../../src/base/metrics-registry.ts";
import { ServerMetrics } from "../../../src/base/server-metrics.ts";
import { FirstTime } from "../../../src/logging/first-time.ts";
import { pageOf } from "../../support/metrics.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** Two families of a made-up program: a closed label, an open one after it, and one series shown from the start. */
class Example extends MetricsRegistry {
  readonly jobs = this.family<["a" | "b"]>({
    name: "jobs",
    help: "Jobs.",
    type: "counter",
    labels: [{ name: "queue", values: ["a", "b"] }],
    always: [["b"]],
    line: "job_{queue}",
  });
  readonly failures = this.family<["a" | "b", string]>({
    name: "failures",
    help: "Failures.",
    type: "counter",
    labels: [{ name: "queue", values: ["a", "b"] }, { name: "errno" }],
    line: "{queue}_{errno}",
  });
}

describe("a family's handles", () => {
  test("are resolved once and the same on every later lookup, for closed and open label values alike", () => {
    const example = new Example();
    expect(example.jobs.labels("a")).toBe(example.jobs.labels("a"));
    expect(example.failures.labels("b", "EPIPE")).toBe(example.failures.labels("b", "EPIPE"));
    expect(example.failures.labels("b", "EPIPE")).not.toBe(example.failures.labels("a", "EPIPE"));
    expect(example.failures.labels("a", "EMFILE").labels).toEqual([
      ["queue", "a"],
      ["errno", "EMFILE"],
    ]);
  });

  test("a closed label after an open one gets all its values under each new open value, each series with its own labels", () => {
    class OpenFirst extends MetricsRegistry {
      readonly errors = this.family<[string, "a" | "b"]>({
        name: "errors",
        help: "Errors.",
        type: "counter",
        labels: [{ name: "errno" }, { name: "queue", values: ["a", "b"] }],
        line: "{errno}_{queue}",
      });
    }
    const { errors } = new OpenFirst();
    expect([errors.labels("EPIPE", "b").labels, errors.labels("EPIPE", "a").labels]).toEqual([
      [
        ["errno", "EPIPE"],
        ["queue", "b"],
      ],
      [
        ["errno", "EPIPE"],
        ["queue", "a"],
      ],
    ]);
    expect(errors.labels("EIO", "b").lineName).toBe("EIO_b");
    expect(() => errors.labels("EIO", "c" as "a")).toThrow('errors: label queue has no value "c"');
  });

  test("a value outside a closed label's set throws, naming the family, the label and the values it takes; an open label takes any", () => {
    const example = new Example();
    expect(() => example.jobs.labels("c" as "a")).toThrow('jobs: label queue has no value "c" (one of a, b)');
    expect(() => example.failures.labels("c" as "a", "EPIPE")).toThrow('failures: label queue has no value "c"');
    expect(example.failures.labels("a", "ANYTHING").lineName).toBe("a_ANYTHING");
  });

  test("two series with one counters-line name are a declaration bug, caught when the second is made", () => {
    class Clash extends MetricsRegistry {
      readonly one = this.family<[]>({ name: "one", help: "One.", type: "counter", labels: [], line: "same" });
      readonly two = this.family<[string]>({
        name: "two",
        help: "Two.",
        type: "counter",
        labels: [{ name: "x" }],
        line: "same",
      });
    }
    const clash = new Clash();
    expect(() => clash.two.labels("x")).toThrow("two: counters-line name same is taken");
  });

  test("a pattern's {label} takes the label's inLine spelling where it has one, and a pattern naming no label throws", () => {
    class Spelled extends MetricsRegistry {
      readonly backoffs = this.family<["tcp" | "udp", string]>({
        name: "backoffs",
        help: "Back-offs.",
        type: "counter",
        labels: [{ name: "listener", values: ["tcp", "udp"], inLine: { tcp: "accept" } }, { name: "errno" }],
        line: "{listener}_backoff_{errno}",
      });
      readonly typo = this.family<[string]>({
        name: "typo",
        help: "Typo.",
        type: "counter",
        labels: [{ name: "errno" }],
        line: "x_{erno}",
      });
    }
    const spelled = new Spelled();
    expect([
      spelled.backoffs.labels("tcp", "EMFILE").lineName,
      spelled.backoffs.labels("udp", "ENOMEM").lineName,
    ]).toEqual(["accept_backoff_EMFILE", "udp_backoff_ENOMEM"]);
    expect(() => spelled.typo.labels("EIO")).toThrow('counters-line pattern "x_{erno}" names no label "erno"');
  });
});

describe("the counters line and snapshots", () => {
  test("nothing counted: 'no requests', an empty snapshot, and 0 for any name", () => {
    const example = new Example();
    expect(example.counterLine()).toBe("no requests");
    expect(example.snapshot()).toEqual({});
    expect(example.get("job_a")).toBe(0);
    expect(example.get("no_such_kind")).toBe(0);
  });

  test("lists what was counted in the order it was first counted, whatever the declaration order", () => {
    const example = new Example();
    const jobsA = example.jobs.labels("a");
    example.failures.labels("b", "ECONNRESET").inc();
    jobsA.inc();
    jobsA.inc(2);
    example.failures.labels("a", "EPIPE").inc(4);
    example.failures.labels("b", "ECONNRESET").inc();
    expect(example.counterLine()).toBe("b_ECONNRESET=2 job_a=3 a_EPIPE=4");
    expect(Object.entries(example.snapshot())).toEqual([
      ["b_ECONNRESET", 2],
      ["job_a", 3],
      ["a_EPIPE", 4],
    ]);
    expect([example.get("job_a"), example.get("a_EPIPE"), example.get("job_b")]).toEqual([3, 4, 0]);
  });

  test("total() is the sum of every series counted, 0 before anything is", () => {
    const example = new Example();
    expect(example.total()).toBe(0);
    example.jobs.labels("a").inc(2);
    example.failures.labels("b", "EPIPE").inc(3);
    example.jobs.labels("b").inc(0);
    expect(example.total()).toBe(5);
    example.jobs.labels("a").inc();
    expect(example.total()).toBe(6);
  });

  test("a series counted by 0 is listed (as the old counters were), one never counted is not", () => {
    const example = new Example();
    example.jobs.labels("a").inc(0);
    expect(example.counterLine()).toBe("job_a=0");
  });

  test("the server's line keeps its names: served_tcp, refused_tcp_denied, tcp_ECONNRESET, accept_backoff_EMFILE, reload_ok", () => {
    const metrics = new ServerMetrics();
    metrics.requests.labels("tcp").inc(3);
    metrics.refusals.labels("tcp", "denied").inc();
    metrics.clientErrors.labels("tcp", "ECONNRESET").inc();
    metrics.acceptBackoffs.labels("tcp", "EMFILE").inc();
    metrics.reloads.labels("ok").inc();
    metrics.metricsErrors.labels("EPIPE").inc();
    metrics.acceptBackoffs.labels("udp", "ENOMEM").inc();
    metrics.tcpRepliesDropped.labels().inc();
    expect(metrics.counterLine()).toBe(
      "served_tcp=3 refused_tcp_denied=1 tcp_ECONNRESET=1 accept_backoff_EMFILE=1 reload_ok=1 metrics_EPIPE=1 udp_backoff_ENOMEM=1 tcp_reply_dropped=1",
    );
  });
});

describe("the metrics page's order", () => {
  const samples = (text: string) => text.split("\n").filter((line) => /^(jobs|failures)_total/.test(line));

  test("families as declared; in each the always-shown series first (at 0 until counted), then the others as first counted", () => {
    const example = new Example();
    expect(samples(pageOf(example))).toEqual(['jobs_total{queue="b"} 0']);
    example.failures.labels("b", "EPIPE").inc();
    example.jobs.labels("a").inc();
    example.failures.labels("a", "EPIPE").inc();
    example.jobs.labels("b").inc(7);
    expect(samples(pageOf(example))).toEqual([
      'jobs_total{queue="b"} 7',
      'jobs_total{queue="a"} 1',
      'failures_total{queue="b",errno="EPIPE"} 1',
      'failures_total{queue="a",errno="EPIPE"} 1',
    ]);
    expect(pageOf(example).indexOf("# TYPE jobs_total counter")).toBeLessThan(
      pageOf(example).indexOf("# TYPE failures_total counter"),
    );
  });

  test("the server's families come in their declared order, each with HELP and TYPE, the metrics endpoint's errors a family of their own", () => {
    const types = pageOf(new ServerMetrics())
      .split("\n")
      .filter((line) => line.startsWith("# TYPE rfc868_") && line.endsWith(" counter"));
    expect(types.map((line) => line.split(" ")[2])).toEqual([
      "rfc868_requests_total",
      "rfc868_refusals_total",
      "rfc868_client_errors_total",
      "rfc868_metrics_errors_total",
      "rfc868_tcp_drain_errors_total",
      "rfc868_tcp_replies_dropped_total",
      "rfc868_udp_replies_dropped_total",
      "rfc868_accept_backoffs_total",
      "rfc868_log_lines_dropped_total",
      "rfc868_reloads_total",
      "rfc868_metrics_connections_rejected_total",
      "rfc868_metrics_connections_timed_out_total",
    ]);
  });
});

describe("FirstTime", () => {
  test("is true the first time each key is asked about, false ever after, and counts nothing", () => {
    const firstTime = new FirstTime();
    const a = {};
    expect([firstTime.of(a), firstTime.of(a), firstTime.of("b"), firstTime.of(a), firstTime.of("b")]).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
  });
});
