// The command each mutant is judged by: Bun's test runner over a module's unit test files.

/**
 * The npm-installed Bun, called directly: `npx bun` spends about 0.4 s finding it, 20 times the
 * 20 ms a unit test file takes, and a mutation run makes that call once per mutant.
 */
export const BUN = "node_modules/.bin/bun";

/** For a module without unit test files, `true`: every mutant survives and the score says so (rather than running the whole suite per mutant). */
export function testCommand(testFiles: readonly string[]): string[] {
  return testFiles.length === 0 ? ["true"] : [BUN, "test", ...testFiles];
}
