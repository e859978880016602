// Run a build step: the command's stdout on success, an Error with its stderr otherwise.
export function run(argv: string[], cwd?: string): string {
  // Bun.spawnSync's default environment is the one the process started with; build.ts sets SOURCE_DATE_EPOCH later.
  const result = Bun.spawnSync(argv, { cwd, env: process.env, stdout: "pipe", stderr: "pipe" });
  if (!result.success)
    throw new Error(`${argv.join(" ")} failed (exit ${result.exitCode}): ${result.stderr.toString().trim()}`);
  return result.stdout.toString();
}
