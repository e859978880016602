// StrykerJS 9 over one group of modules that share their unit test files: its command runner runs those tests per mutant.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OWN_MUTATORS } from "./own-mutators.ts";
import { NOT_COPIED, TEMP_DIR } from "./sandbox.ts";
import { strykerResults, type MutantResult } from "./scores.ts";
import { TIMEOUT_FACTOR, TIMEOUT_MS, testShellCommand, type TestSpec } from "./test-command.ts";

/** Where the JSON reports and the generated configs go; in .gitignore. */
export const REPORT_DIR = "reports/mutation";

/** The Stryker options every group shares (https://stryker-mutator.io/docs/stryker-js/configuration/). */
const BASE_OPTIONS = {
  testRunner: "command",
  // The command runner cannot report per-test coverage: every mutant runs the group's tests.
  coverageAnalysis: "off",
  reporters: ["json"],
  // Only the built-in command runner: no plugin search through node_modules.
  plugins: [],
  concurrency: 2,
  tempDirName: TEMP_DIR,
  ignorePatterns: NOT_COPIED.filter((path) => path !== "/node_modules" && path !== "/.git"),
  // Bun does not type-check; Stryker's `// @ts-nocheck` insertion is left on for editors only.
  disableTypeChecks: true,
  // Per-file thresholds are checked by run.ts from the report: Stryker's `break` is for the whole run.
  thresholds: { high: 95, low: 90, break: null },
  // A module whose every mutant is disabled must not stop the run.
  allowEmpty: true,
  logLevel: "warn",
  // A dry run of unit tests takes well under a second; the default (5 min) would hide a hang.
  dryRunTimeoutMinutes: 2,
  timeoutFactor: TIMEOUT_FACTOR,
  timeoutMS: TIMEOUT_MS,
};

/** Run Stryker over `modules`, judged by `testFiles`; `tag` names this group's config and report. */
export async function runStryker(
  root: string,
  tag: string,
  modules: readonly string[],
  testFiles: readonly TestSpec[],
): Promise<MutantResult[]> {
  mkdirSync(join(root, REPORT_DIR), { recursive: true });
  const report = join(REPORT_DIR, `stryker-${tag}.json`);
  const config = join(REPORT_DIR, `stryker-${tag}.config.json`);
  const options = {
    ...BASE_OPTIONS,
    mutate: modules,
    commandRunner: { command: testShellCommand(testFiles) },
    jsonReporter: { fileName: report },
  };
  writeFileSync(join(root, config), JSON.stringify(options, null, 2));
  // The environment as run.ts set it (the test sizes), which Stryker hands on to each test run: Bun.spawn
  // passes the one this process started with.
  const child = Bun.spawn(["node_modules/.bin/stryker", "run", config], {
    cwd: root,
    env: process.env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  // Our own mutator names in disable comments are unknown to Stryker, which warns about each: not shown.
  const ownDirective = (line: string) =>
    OWN_MUTATORS.some((name) => line.includes(`directive. Mutator with name '${name}' not found`));
  const shown = (stdout + stderr).split("\n").filter((line) => line.trim() !== "" && !ownDirective(line));
  if (code !== 0) throw new Error(`stryker failed (exit ${code}) for ${modules.join(", ")}:\n${shown.join("\n")}`);
  if (shown.some((line) => /WARN|ERROR/.test(line)))
    process.stderr.write(shown.filter((line) => /WARN|ERROR/.test(line)).join("\n") + "\n");
  return strykerResults(JSON.parse(readFileSync(join(root, report), "utf8")));
}
