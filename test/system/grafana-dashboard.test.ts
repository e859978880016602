// The Grafana dashboard (deploy/grafana/rfc868.json): its shape, and every panel's query answered with data by a real Prometheus scraping a live server.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerMetrics } from "../../src/base/server-metrics.ts";
import { processFamilies } from "../../src/metrics/process-metrics.ts";
import { tcpTime, udpTime } from "../support/clients.ts";
import { runCommand } from "../support/commands.ts";
import { setSoftFdLimit } from "../support/hardening.ts";
import { metricsUrl, pageOf, portOf, prometheusTool } from "../support/metrics.ts";
import { closedTcpPort } from "../support/ports.ts";
import { killAll, spawnTracked, startServer } from "../support/server-process.ts";
import { TEST_BUDGET_MS, useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

interface Target {
  expr: string;
  refId: string;
}
interface Panel {
  title: string;
  targets: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: string | { query: string };
}
const dashboard = JSON.parse(readFileSync(new URL("../../deploy/grafana/rfc868.json", import.meta.url), "utf8")) as {
  panels: Panel[];
  templating: { list: Variable[] };
};
const targets = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, ...target })));
const prometheus = prometheusTool("prometheus");
if (!prometheus)
  console.log(
    "grafana-dashboard.test.ts: the Prometheus test skipped: run .ci/prometheus.sh (Debian's prometheus package, unpacked into .ci/.cache)",
  );

/** What Grafana's label_values(SELECTOR, LABEL) variable query names. */
function labelValuesQuery(variable: Variable): { selector: string; label: string } {
  const query = typeof variable.query === "string" ? variable.query : variable.query.query;
  const match = /^label_values\((.+), (\w+)\)$/.exec(query);
  if (!match) throw new Error(`${variable.name}: not a label_values query: ${query}`);
  return { selector: match[1]!, label: match[2]! };
}

describe("the dashboard's shape", () => {
  test("has job and instance variables, the instance one narrowed by the job", () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(labelValuesQuery(variables.job!)).toEqual({ selector: "rfc868_build_info", label: "job" });
    expect(labelValuesQuery(variables.instance!)).toEqual({
      selector: 'rfc868_build_info{job=~"$job"}',
      label: "instance",
    });
  });

  test("has the panels issue 19 lists", () => {
    expect(dashboard.panels.map((panel) => panel.title)).toEqual([
      "Requests by transport",
      "Refusals by reason",
      "Client errors",
      "Clock",
      "Reloads",
      "Drops and back-offs",
      "CPU",
      "Memory",
      "File descriptors",
      "Targets",
    ]);
  });

  test("every selector in every query is narrowed by both variables, and names a family the page has", () => {
    const page = pageOf(new ServerMetrics(), processFamilies());
    for (const { panel, expr } of targets) {
      const selectors = [...expr.matchAll(/([a-z_][a-z0-9_]*)\{([^}]*)\}/g)];
      expect({ panel, selectors: selectors.length > 0 }).toEqual({ panel, selectors: true });
      for (const [, name, matchers] of selectors) {
        expect({ panel, matchers }).toEqual({ panel, matchers: 'job=~"$job",instance=~"$instance"' });
        if (name !== "up")
          expect({ panel, name, onPage: page.includes(`# TYPE ${name} `) }).toEqual({ panel, name, onPage: true });
      }
    }
  });
});

/** A PromQL regex that matches `value` alone (Grafana escapes a variable's value the same way). */
const regexOf = (value: string) => value.replace(/[.+*?()[\]{}|^$\\]/g, (c) => `\\\\${c}`);

/** Reset connections while the server is stopped, so it accepts them already reset: each counts as tcp ECONNRESET. */
const RESETTING_CLIENT = `
import socket, struct, sys
for _ in range(3):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
`;

describe.skipIf(!prometheus)("every panel's query against a Prometheus scraping a live server", () => {
  test(
    "succeeds and returns data, after load that touches every panel",
    async () => {
      const server = await startServer(["--udp", "--deny", "127.0.0.2", "--metrics", "127.0.0.1:0", "--quiet"]);
      const url = await metricsUrl(server);
      const dir = mkdtempSync(join(tmpdir(), "rfc868-grafana-"));
      let stopPrometheus = async () => {};
      try {
        // Served requests on both transports, and a refusal.
        for (let i = 0; i < 5; i++) expect((await tcpTime(server.port)).bytes.length).toBe(4);
        for (let i = 0; i < 3; i++) expect((await udpTime(server.port)).length).toBe(4);
        expect((await tcpTime(server.port, "127.0.0.1", 10_000, "127.0.0.2")).bytes.length).toBe(0);
        // Client errors: connections reset in the accept queue.
        server.proc.kill("SIGSTOP");
        const resets = await runCommand(["python3", "-c", RESETTING_CLIENT, String(server.port)]);
        server.proc.kill("SIGCONT");
        expect(resets.code).toBe(0);
        // Accepts are first in, first out: once this one is answered, the reset ones were taken and their fds closed,
        // so none is open while the lowest free fd is read below.
        expect((await tcpTime(server.port)).bytes.length).toBe(4);
        // An accept back-off: the fd limit at the lowest free fd, so the next accept gets EMFILE. Before Prometheus
        // starts: a scrape's connection holding that fd for a moment would set the limit one too high.
        const open = new Set(readdirSync(`/proc/${server.proc.pid}/fd`).map(Number));
        let lowestFree = 0;
        while (open.has(lowestFree)) lowestFree++;
        const oldLimit = await setSoftFdLimit(server.proc.pid, lowestFree);
        try {
          const waiting = tcpTime(server.port);
          // The guard turns a back-off that never comes into a failure here, not a test timeout.
          const backoff = await Promise.race([
            server.stderr.waitFor(/accept4: Too many open files \(EMFILE\)/),
            Bun.sleep(10_000).then(() => ""),
          ]);
          expect(backoff).not.toBe("");
          await setSoftFdLimit(server.proc.pid, "restore", oldLimit);
          expect((await waiting).bytes.length).toBe(4);
        } finally {
          await setSoftFdLimit(server.proc.pid, "restore", oldLimit);
        }

        const config = join(dir, "prometheus.yml");
        writeFileSync(
          config,
          `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: rfc868\n    static_configs:\n      - targets: ["127.0.0.1:${portOf(url)}"]\n`,
        );
        const webPort = await closedTcpPort();
        const api = `http://127.0.0.1:${webPort}/api/v1`;
        const prometheusProcess = spawnTracked([
          prometheus!,
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${webPort}`,
        ]);
        stopPrometheus = async () => {
          prometheusProcess.proc.kill("SIGTERM");
          await prometheusProcess.proc.exited;
        };

        const instance = `127.0.0.1:${portOf(url)}`;
        const substitute = (expr: string) =>
          expr
            .replaceAll("$job", "rfc868")
            .replaceAll("$instance", regexOf(instance))
            .replaceAll("$__rate_interval", "15s");
        const until = Date.now() + TEST_BUDGET_MS * 1.2;
        /** Poll until the answer has data; `until` only turns a hang into a failure showing the last answer. */
        const evaluate = async (path: string) => {
          type Answer = { status?: string; data?: unknown[] | { result: unknown[] }; error?: string };
          let last: Answer | null = null;
          do {
            last = (await fetch(`${api}${path}`)
              .then((r) => r.json())
              .catch(() => null)) as Answer | null;
            const data = last?.data;
            if (last?.status === "success" && (Array.isArray(data) ? data : (data?.result ?? [])).length > 0) break;
            await Bun.sleep(250);
          } while (Date.now() < until);
          return last;
        };

        for (const variable of dashboard.templating.list.filter((v) => v.type === "query")) {
          const { selector, label } = labelValuesQuery(variable);
          const answer = await evaluate(`/label/${label}/values?match[]=${encodeURIComponent(substitute(selector))}`);
          expect({ variable: variable.name, status: answer?.status, values: answer?.data }).toEqual({
            variable: variable.name,
            status: "success",
            values: [variable.name === "job" ? "rfc868" : instance],
          });
        }
        for (const { panel, refId, expr } of targets) {
          const answer = await evaluate(`/query?query=${encodeURIComponent(substitute(expr))}`);
          const result = (answer?.data as { result?: unknown[] } | undefined)?.result ?? [];
          expect({ panel, refId, status: answer?.status, error: answer?.error, hasData: result.length > 0 }).toEqual({
            panel,
            refId,
            status: "success",
            error: undefined,
            hasData: true,
          });
        }
      } finally {
        await stopPrometheus();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TEST_BUDGET_MS * 2,
  );
});
