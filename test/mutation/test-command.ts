// The commands each mutant is judged by: Bun's test runner over a module's unit test files, some narrowed to their unit tests by name.

/**
 * A test file, or one narrowed to the tests whose full names match the regular expression `only`
 * (`bun test -t`), to leave out those of its tests that spawn servers.
 */
export type TestSpec = string | { file: string; only: string };

/**
 * The npm-installed Bun, called directly: `npx bun` spends about 0.4 s finding it, 20 times the
 * 20 ms a unit test file takes, and a mutation run makes that call once per mutant.
 */
export const BUN = "node_modules/.bin/bun";

/**
 * A mutant whose tests run longer than 1.5 times the clean run plus this has looped (Stryker's
 * timeoutFactor and timeoutMS; our own runner uses the same). Stryker's default of 5 s made each such
 * mutant cost 5 s; every module's clean run here takes well under a second.
 */
export const TIMEOUT_FACTOR = 1.5;
export const TIMEOUT_MS = 2000;

/** The runs a mutant must pass (all in turn): the whole files together, then each narrowed file alone, as `-t` applies to a whole run. */
export function testRuns(specs: readonly TestSpec[]): string[][] {
  const whole = specs.filter((spec) => typeof spec === "string");
  const narrowed = specs.filter((spec) => typeof spec !== "string");
  return [
    ...(whole.length > 0 ? [[BUN, "test", ...whole]] : []),
    ...narrowed.map(({ file, only }) => [BUN, "test", file, "-t", only]),
  ];
}

/** The same runs as one shell command, for Stryker's command runner; `true` with none, so every mutant survives and the score says so. */
export function testShellCommand(specs: readonly TestSpec[]): string {
  const quote = (arg: string) => (/^[\w./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
  const runs = testRuns(specs);
  return runs.length === 0 ? "true" : runs.map((run) => run.map(quote).join(" ")).join(" && ");
}

/** For the progress lines. */
export function describeSpecs(specs: readonly TestSpec[]): string {
  return (
    specs.map((spec) => (typeof spec === "string" ? spec : `${spec.file} -t ${JSON.stringify(spec.only)}`)).join(" ") ||
    "none"
  );
}
