// The metrics page read by real consumers: promtool's linter, the strict OpenMetrics parser of python3-prometheus-client, a Prometheus server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAll, spawnTracked, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, udpTime } from "../../support/clients.ts";
import { runCommand } from "../../support/commands.ts";
import { DEBIAN_PYTHON, metricsUrl, portOf, prometheusTool, scrape } from "../../support/metrics.ts";
import { closedTcpPort } from "../../support/ports.ts";
import { TEST_BUDGET_MS, useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const OPENMETRICS = "application/openmetrics-text; version=1.0.0";
const promtool = prometheusTool("promtool");
const prometheus = prometheusTool("prometheus");
const hasParser =
  (await runCommand([DEBIAN_PYTHON, "-c", "import prometheus_client.openmetrics.parser"]).catch(() => ({ code: 1 })))
    .code === 0;
const SKIPPED = "skipped: run .ci/prometheus.sh (Debian's prometheus package, unpacked into .ci/.cache)";
if (!promtool) console.log(`metrics-consumers.test.ts: promtool ${SKIPPED}`);
if (!prometheus) console.log(`metrics-consumers.test.ts: the Prometheus server test ${SKIPPED}`);
if (!hasParser)
  console.log(
    "metrics-consumers.test.ts: the OpenMetrics parser test skipped: apt-get install python3-prometheus-client",
  );

let server: ServerProcess;
let url = "";
const TCP_REQUESTS = 7;

beforeAll(async () => {
  server = await startServer(["--udp", "--deny", "127.0.0.2", "--metrics", "127.0.0.1:0", "--quiet"]);
  url = await metricsUrl(server);
  for (let i = 0; i < TCP_REQUESTS; i++) await tcpTime(server.port);
  await udpTime(server.port);
  await tcpTime(server.port, "127.0.0.1", 10_000, "127.0.0.2"); // a refusal, so labelled samples are on the page
});

describe.skipIf(!promtool)("promtool check metrics", () => {
  test("finds no parse error and no lint problem in the text format page", async () => {
    const page = await scrape(url);
    const dir = mkdtempSync(join(tmpdir(), "rfc868-promtool-"));
    writeFileSync(join(dir, "page"), page.body);
    const run = await runCommand(["sh", "-c", `"${promtool}" check metrics < "${join(dir, "page")}"`]);
    rmSync(dir, { recursive: true, force: true });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  test("fails a page with a broken line, so a pass above means something", async () => {
    const run = await runCommand([
      "sh",
      "-c",
      `printf '# TYPE x_total counter\\nx_total{a="b} 1\\n' | "${promtool}" check metrics`,
    ]);
    expect(run.code).not.toBe(0);
  });
});

describe.skipIf(!hasParser)("the strict OpenMetrics parser (python3-prometheus-client)", () => {
  const parse = `
import sys, json
from prometheus_client.openmetrics.parser import text_string_to_metric_families
families = {f.name: (f.type, [[s.name, s.labels, s.value] for s in f.samples]) for f in text_string_to_metric_families(sys.stdin.read())}
print(json.dumps(families))`;

  test("parses the OpenMetrics page, with the right types and the counts sent", async () => {
    const page = await scrape(url, OPENMETRICS);
    const proc = Bun.spawn([DEBIAN_PYTHON, "-c", parse], {
      stdin: new Blob([page.body]),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect(err).toBe("");
    expect(code).toBe(0);
    const families = JSON.parse(out) as Record<string, [string, [string, Record<string, string>, number][]]>;
    expect(families.rfc868_requests![0]).toBe("counter");
    expect(families.rfc868_requests![1]).toContainEqual(["rfc868_requests_total", { transport: "tcp" }, TCP_REQUESTS]);
    expect(families.rfc868_refusals![1]).toContainEqual([
      "rfc868_refusals_total",
      { transport: "tcp", reason: "denied" },
      1,
    ]);
    expect(families.rfc868_build![0]).toBe("info");
    expect(families.rfc868_clock_time_sent![0]).toBe("gauge");
  });

  test("rejects a page without # EOF, so a pass above means something", async () => {
    const page = (await scrape(url, OPENMETRICS)).body.replace("# EOF\n", "");
    const proc = Bun.spawn([DEBIAN_PYTHON, "-c", parse], { stdin: new Blob([page]), stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).not.toBe(0);
  });
});

/** Poll a Prometheus instant query until `accept` likes its first value; `until` only turns a hang into a failure. */
async function queryUntil(
  api: string,
  query: string,
  accept: (value: number) => boolean,
  until: number,
): Promise<number | null> {
  let last: number | null = null;
  while (Date.now() < until) {
    const reply = (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(query)}`)
      .then((r) => r.json())
      .catch(() => null)) as { data?: { result?: { value?: [number, string] }[] } } | null;
    const value = reply?.data?.result?.[0]?.value?.[1];
    last = value === undefined ? null : Number(value);
    if (last !== null && accept(last)) return last;
    await Bun.sleep(200);
  }
  return last;
}

describe.skipIf(!prometheus)("a Prometheus server scraping the endpoint", () => {
  test("reports up == 1 and the TCP requests counter equal to the requests sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rfc868-prometheus-"));
    try {
      const config = join(dir, "prometheus.yml");
      writeFileSync(
        config,
        `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: rfc868\n    static_configs:\n      - targets: ["127.0.0.1:${portOf(url)}"]\n`,
      );
      // Prometheus cannot listen on port 0 and say which port it got.
      const webPort = await closedTcpPort();
      const api = `http://127.0.0.1:${webPort}`;
      const args = [
        prometheus!,
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ];
      const { proc, stderr } = spawnTracked(args);
      // One guard for both queries, inside the test's own budget, so a hang fails with the value last seen.
      const until = Date.now() + TEST_BUDGET_MS * 0.6;
      expect(await queryUntil(api, 'up{job="rfc868"}', (v) => v === 1, until)).toBe(1);
      expect(await queryUntil(api, 'rfc868_requests_total{transport="tcp"}', (v) => v === TCP_REQUESTS, until)).toBe(
        TCP_REQUESTS,
      );
      proc.kill("SIGTERM");
      await proc.exited;
      expect(stderr.all.filter((line) => /level=error/.test(line))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
