// Runs our own mutants (own-mutators.ts): each written into a sandbox copy of its file, judged by its module's unit tests, two at a time.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyMutant, ownMutants, type OwnMutant } from "./own-mutators.ts";
import { makeSandbox } from "./sandbox.ts";
import type { MutantResult } from "./scores.ts";
import { TIMEOUT_FACTOR, TIMEOUT_MS, testRuns, type TestSpec } from "./test-command.ts";

interface Job {
  file: string;
  testFiles: readonly TestSpec[];
  original: string;
  mutant: OwnMutant;
  /** The report entry, but for its status. */
  entry: Omit<MutantResult, "status">;
}

type Outcome = "passed" | "failed" | "timeout";

/** Each run of `specs` in turn in `dir`, stopping at the first failure; `timeoutMs` is for them all. */
async function runTests(
  dir: string,
  specs: readonly TestSpec[],
  timeoutMs: number,
): Promise<{ outcome: Outcome; ms: number; output: string }> {
  const started = performance.now();
  for (const run of testRuns(specs)) {
    // The environment as run.ts set it (the test sizes): Bun.spawn passes the one this process started with.
    const child = Bun.spawn(run, { cwd: dir, env: process.env, stdout: "pipe", stderr: "pipe" });
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill("SIGKILL");
      },
      Math.max(0, started + timeoutMs - performance.now()),
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    clearTimeout(timer);
    if (timedOut) return { outcome: "timeout", ms: performance.now() - started, output: stdout + stderr };
    if (code !== 0) return { outcome: "failed", ms: performance.now() - started, output: stdout + stderr };
  }
  return { outcome: "passed", ms: performance.now() - started, output: "" };
}

/** Our mutants of `modules` (module -> test files), run in `workers` sandboxes under `root`. */
export async function runOwnMutants(
  root: string,
  modules: ReadonlyMap<string, readonly TestSpec[]>,
  workers: number,
  progress: (line: string) => void,
): Promise<MutantResult[]> {
  const results: MutantResult[] = [];
  const jobs: Job[] = [];
  for (const [file, testFiles] of modules) {
    const original = readFileSync(join(root, file), "utf8");
    for (const mutant of ownMutants(file, original)) {
      const entry = {
        file,
        mutatorName: mutant.mutatorName,
        line: mutant.line,
        column: mutant.column,
        replacement: `${mutant.original} -> ${mutant.replacement}`,
      };
      if (mutant.disabledBecause !== null)
        results.push({ ...entry, status: "Ignored", statusReason: mutant.disabledBecause });
      else jobs.push({ file, testFiles, original, mutant, entry });
    }
  }
  if (jobs.length === 0) return results;
  const sandboxes = Array.from({ length: workers }, (_, i) => makeSandbox(root, `own-${i}`));
  // A clean run of each set of tests, once, both to prove they pass unmutated and to set the timeout.
  const cleanMs = new Map<string, number>();
  for (const { file, testFiles } of jobs) {
    const key = JSON.stringify(testFiles);
    if (cleanMs.has(key)) continue;
    const clean = await runTests(sandboxes[0]!, testFiles, 120_000);
    if (clean.outcome !== "passed")
      throw new Error(`the unit tests of ${file} fail without any mutant:\n${clean.output}`);
    cleanMs.set(key, clean.ms);
  }
  let next = 0;
  let done = 0;
  const work = async (dir: string) => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const target = join(dir, job.file);
      writeFileSync(target, applyMutant(job.original, job.mutant));
      try {
        const { outcome } = await runTests(
          dir,
          job.testFiles,
          cleanMs.get(JSON.stringify(job.testFiles))! * TIMEOUT_FACTOR + TIMEOUT_MS,
        );
        results.push({
          ...job.entry,
          status: outcome === "passed" ? "Survived" : outcome === "failed" ? "Killed" : "Timeout",
        });
      } finally {
        writeFileSync(target, job.original);
      }
      if (++done % 100 === 0) progress(`own mutants: ${done} of ${jobs.length} run`);
    }
  };
  await Promise.all(sandboxes.map(work));
  return results;
}
