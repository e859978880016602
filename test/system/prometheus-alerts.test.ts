// The shipped alert rules (deploy/prometheus): promtool accepts them, and its unit tests make each alert fire and stay silent where it should.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../support/commands.ts";
import { pageOf, prometheusTool } from "../support/metrics.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const DIR = new URL("../../deploy/prometheus/", import.meta.url).pathname;
const RULES = "rfc868-alerts.yml";
const UNIT_TESTS = "rfc868-alerts.test.yml";
const promtool = prometheusTool("promtool");
if (!promtool)
  console.log(
    "prometheus-alerts.test.ts: promtool skipped: run .ci/prometheus.sh (Debian's prometheus package, unpacked into .ci/.cache)",
  );

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface UnitTest {
  input_series: { series: string }[];
  alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
}
const rulesText = readFileSync(DIR + RULES, "utf8");
const rules = (Bun.YAML.parse(rulesText) as { groups: { rules: Rule[] }[] }).groups.flatMap((group) => group.rules);
const unitTests = (Bun.YAML.parse(readFileSync(DIR + UNIT_TESTS, "utf8")) as { tests: UnitTest[] }).tests;
const operations = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");

/** The instances a unit test feeds, from its series selectors. */
const instancesOf = (unit: UnitTest) => unit.input_series.map(({ series }) => /instance="([^"]+)"/.exec(series)?.[1]);

const scratch = mkdtempSync(join(tmpdir(), "rfc868-alerts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** promtool test rules on the shipped unit tests, against `rulesYaml` in place of the shipped rules. */
async function unitTestWith(rulesYaml: string) {
  const dir = mkdtempSync(join(scratch, "run-"));
  writeFileSync(join(dir, RULES), rulesYaml);
  copyFileSync(DIR + UNIT_TESTS, join(dir, UNIT_TESTS));
  return runCommand([promtool!, "test", "rules", UNIT_TESTS], { cwd: dir });
}

/** The shipped rules with one alert's expression replaced. */
function withExpr(alert: string, expr: string): string {
  const parsed = Bun.YAML.parse(rulesText) as { groups: { rules: Rule[] }[] };
  for (const rule of parsed.groups.flatMap((group) => group.rules)) if (rule.alert === alert) rule.expr = expr;
  return JSON.stringify(parsed); // JSON is YAML
}

describe("the alert rules", () => {
  test("cover what issue 19 asks for, each with a severity, a summary, a description and a runbook section", () => {
    const names = rules.map((rule) => rule.alert);
    expect(names).toEqual([
      "RFC868TimeWithheld",
      "RFC868TargetDown",
      "RFC868ReloadFailed",
      "RFC868RefusalsHigh",
      "RFC868ClientErrorsHigh",
      "RFC868AcceptBackoff",
      "RFC868LogLinesDropped",
      "RFC868UdpRepliesDropped",
    ]);
    for (const rule of rules) {
      expect(["critical", "warning"]).toContain(rule.labels.severity!);
      expect(rule.annotations.summary).toContain("{{ $labels.instance }}");
      expect(rule.annotations.description!.length).toBeGreaterThan(60);
      expect(rule.annotations.runbook).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect(operations).toContain(`### ${rule.alert}\n`);
    }
  });

  test("use only families the metrics page has", () => {
    const page = pageOf();
    const used = new Set(rules.flatMap((rule) => rule.expr.match(/\brfc868_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect({ name, onPage: page.includes(`# TYPE ${name} `) }).toEqual({ name, onPage: true });
  });

  test("never alert on the metrics endpoint's own client errors", () => {
    for (const rule of rules)
      if (rule.expr.includes("rfc868_client_errors_total")) expect(rule.expr).toContain('transport=~"tcp|udp"');
  });

  test("each alert has a unit test with a firing instance and a silent one", () => {
    for (const { alert } of rules) {
      const units = unitTests.filter((unit) => unit.alert_rule_test.some((t) => t.alertname === alert));
      const firing = units.flatMap((unit) =>
        unit.alert_rule_test.flatMap((t) => t.exp_alerts.map((a) => a.exp_labels.instance)),
      );
      const fed = units.flatMap(instancesOf);
      expect({ alert, firing: firing.length > 0 && firing.every((i) => i!.startsWith("bad")) }).toEqual({
        alert,
        firing: true,
      });
      expect({ alert, silent: fed.some((i) => i!.startsWith("good") && !firing.includes(i)) }).toEqual({
        alert,
        silent: true,
      });
    }
  });
});

describe.skipIf(!promtool)("promtool", () => {
  test("check rules accepts the rules file", async () => {
    const run = await runCommand([promtool!, "check", "rules", DIR + RULES]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(run.code).toBe(0);
  });

  test("check rules rejects a broken expression", async () => {
    const run = await runCommand([
      "sh",
      "-c",
      `printf 'groups:\\n  - name: x\\n    rules:\\n      - alert: X\\n        expr: rate(x[5m]\\n' > "${scratch}/bad.yml"; "${promtool}" check rules "${scratch}/bad.yml"`,
    ]);
    expect(run.code).not.toBe(0);
  });

  test("test rules passes: every alert fires where it should and nowhere else", async () => {
    const run = await unitTestWith(rulesText);
    expect(run.stdout + run.stderr).toContain("SUCCESS");
    expect(run.code).toBe(0);
  });

  /** Every series of a silent instance, kept apart by its metric name (an alert drops __name__; the rules' own ALERTS series left out). */
  const EVERY_GOOD_SERIES =
    'label_replace({__name__=~"rfc868_.+|up",instance=~"good.*"}, "metric", "$1", "__name__", "(.+)")';
  // The unit tests prove something only if they fail on a wrong rule: one that never fires, or one that fires on everything.
  test.each(rules.map((rule) => rule.alert))(
    "test rules fails when %s never fires, or fires on the silent instances",
    async (alert) => {
      const never = await unitTestWith(withExpr(alert, "vector(1) == 0"));
      expect(never.code).not.toBe(0);
      expect(never.stdout + never.stderr).toContain(`alertname: ${alert}`);
      const everywhere = await unitTestWith(withExpr(alert, EVERY_GOOD_SERIES));
      expect(everywhere.code).not.toBe(0);
      expect(everywhere.stdout + everywhere.stderr).toContain(`alertname: ${alert}`);
    },
  );
});
