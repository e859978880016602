// The suite's time budget for every test and hook, set by each test file itself.
import { setDefaultTimeout } from "bun:test";
import { TIME_SCALE } from "./emulation.ts";

/** Spawned servers and real clients on a shared 2-core machine: generous, since limits on time belong to the benchmark. */
export const SUITE_TIMEOUT_MS = 30_000;

/** What each test and hook actually gets: the budget above, scaled for emulation. */
export const TEST_BUDGET_MS = SUITE_TIMEOUT_MS * TIME_SCALE;

/**
 * Call at the top of every test file. A preload's setDefaultTimeout() reaches only the first file of a
 * run (oven-sh/bun#43787) and bunfig has no global test timeout, so every other file would fall back to
 * Bun's 5 s; test/project/suite-timeout.test.ts fails for any file that does not call this.
 */
export function useSuiteTimeout(): void {
  setDefaultTimeout(TEST_BUDGET_MS);
}
