// `npm run mutation [-- FILE...]`: Stryker and our own mutants over the modules of modules.ts; fails when any file scores below the threshold.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BREAK_THRESHOLD, MUTATION_MODULES } from "./modules.ts";
import { OWN_MUTATORS } from "./own-mutators.ts";
import { runOwnMutants } from "./own-run.ts";
import { TEMP_DIR } from "./sandbox.ts";
import { fileScores, scoreTable, type MutantResult } from "./scores.ts";
import { REPORT_DIR, runStryker } from "./stryker-run.ts";
import { describeSpecs, type TestSpec } from "./test-command.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
/** Two cores in CI: two mutants at a time. */
const WORKERS = 2;
/**
 * The tests run once per mutant here, over Stryker's instrumented code: 500 property cases instead of the
 * suite's 10,000 and 1,000-block lists instead of 100,000 keep the whole run within its budget, and a
 * mutant those tests can kill still fails at these sizes (test/support/properties.ts).
 */
process.env.RFC868_PROPERTY_RUNS ??= "500";
process.env.RFC868_LARGE_LIST ??= "1000";

function fail(message: string): never {
  process.stderr.write(`mutation: ${message}\n`);
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${line}\n`);

const wanted = process.argv.slice(2).map((arg) => arg.replace(/^\.\//, ""));
for (const file of wanted)
  if (!(file in MUTATION_MODULES))
    fail(`${file} is not in test/mutation/modules.ts (one of: ${Object.keys(MUTATION_MODULES).join(", ")})`);
const files = wanted.length > 0 ? wanted : Object.keys(MUTATION_MODULES);

// Stryker runs one command for all mutants of a run, so modules sharing the same test files share a run.
const groups = new Map<string, string[]>();
for (const file of files) {
  const key = JSON.stringify(
    [...MUTATION_MODULES[file]!].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
  groups.set(key, [...(groups.get(key) ?? []), file]);
}

const started = performance.now();
const results: MutantResult[] = [];
try {
  let index = 0;
  for (const [key, modules] of groups) {
    const groupStarted = performance.now();
    const testFiles = JSON.parse(key) as TestSpec[];
    const found = await runStryker(ROOT, String(index++), modules, testFiles);
    results.push(...found);
    log(
      `stryker: ${modules.join(", ")}: ${found.length} mutants in ${((performance.now() - groupStarted) / 1000).toFixed(1)} s (tests: ${describeSpecs(testFiles)})`,
    );
  }
  const ownStarted = performance.now();
  const own = await runOwnMutants(ROOT, new Map(files.map((file) => [file, MUTATION_MODULES[file]!])), WORKERS, log);
  results.push(...own);
  log(
    `own mutants (${OWN_MUTATORS.join(", ")}): ${own.length} in ${((performance.now() - ownStarted) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  fail((error as Error).message);
} finally {
  rmSync(join(ROOT, TEMP_DIR), { recursive: true, force: true });
}

const survivors = results.filter((r) => r.status === "Survived" || r.status === "NoCoverage");
writeFileSync(
  join(ROOT, REPORT_DIR, "results.json"),
  JSON.stringify({ scores: fileScores(files, results), mutants: results }, null, 2),
);
log("");
log("surviving mutants:");
for (const r of survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line))
  log(`  ${r.file}:${r.line}:${r.column} ${r.mutatorName} ${JSON.stringify(r.replacement)}`);
log("");
log(scoreTable(files, results));
const below = fileScores(files, results).filter((s) => s.score !== null && s.score < BREAK_THRESHOLD);
const seconds = ((performance.now() - started) / 1000).toFixed(0);
if (below.length === 0) {
  log(`mutation: every file at or above ${BREAK_THRESHOLD}%, in ${seconds} s`);
} else {
  log(
    `mutation: below ${BREAK_THRESHOLD}%: ${below.map((s) => `${s.file} (${s.score!.toFixed(1)}%)`).join(", ")}; in ${seconds} s`,
  );
  process.exit(1);
}
