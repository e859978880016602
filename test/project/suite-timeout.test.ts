// Every test file sets the suite's time budget itself, so none runs on Bun's 5 s default (oven-sh/bun#43787).
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const TEST_DIR = new URL("..", import.meta.url).pathname;
const testFiles = (readdirSync(TEST_DIR, { recursive: true }) as string[])
  .filter((name) => name.endsWith(".test.ts"))
  .sort();

/** The index of the first top-level line that matches, or -1. */
const firstLine = (lines: string[], pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

test("the suite has test files to check", () => {
  expect(testFiles.length).toBeGreaterThan(10);
  expect(testFiles).toContain("project/suite-timeout.test.ts");
});

test("every test file sits in the folder of its kind, unit tests in the folder of the code they test", () => {
  const misplaced = testFiles.filter(
    (name) =>
      !/^(unit\/(base|native|core|policy|logging|metrics|cli|ops|client)|integration\/[a-z]+|system|project)\/[^/]+$/.test(
        name,
      ),
  );
  expect(misplaced).toEqual([]);
});

test.each(testFiles)("%s calls useSuiteTimeout() at top level before any test or hook", (name) => {
  const lines = readFileSync(TEST_DIR + name, "utf8").split("\n");
  const call = firstLine(lines, /^useSuiteTimeout\(\);$/);
  expect(call).toBeGreaterThanOrEqual(0);
  // A test or hook registered before the call would already carry the 5 s default.
  const firstUse = firstLine(lines, /^(test|it|describe|beforeAll|afterAll|beforeEach|afterEach)\b/);
  if (firstUse >= 0) expect(call).toBeLessThan(firstUse);
});
