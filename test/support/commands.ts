// Run an external command to completion (cc, rdate, tsc) with a hang guard, capturing its output.

export interface CommandResult {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where a command lives, or null: PATH first, then the sbin directories Debian puts admin tools in (rdate). */
export function findCommand(name: string): string | null {
  return Bun.which(name, { PATH: [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].join(":") });
}

/**
 * The commit --version names for this checkout, read with git itself: "unknown" without git or outside a
 * checkout (src/base/build-info.ts), as in the systemd stage's container, whose copy has neither.
 */
export function checkoutCommit(): string {
  if (!findCommand("git")) return "unknown";
  const run = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: import.meta.dir, stderr: "pipe" });
  const head = run.stdout.toString().trim();
  return /^[0-9a-f]{12}$/.test(head) ? head : "unknown";
}

/**
 * Where `name` is installed (findCommand); if it is not, one line says which test of `file` is skipped and
 * why (the systemd stage's container has no git, groff or gpg; CI's machine installs them).
 */
export function installedFor(name: string, file: string, test: string): string | null {
  const path = findCommand(name);
  if (path === null) console.log(`${file}: skipping ${test}: ${name} is not installed`);
  return path;
}

/**
 * Run `argv` and wait for it to exit. `hangGuardMs` is not a performance limit: it only turns a
 * command that never ends into a failure with its output, instead of a silent test timeout.
 */
export async function runCommand(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; hangGuardMs?: number } = {},
): Promise<CommandResult> {
  const hangGuardMs = options.hangGuardMs ?? 20_000;
  const proc = Bun.spawn(argv, {
    cwd: options.cwd,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, ...options.env },
  });
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    proc.kill("SIGKILL");
  }, hangGuardMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(guard);
  if (hung)
    throw new Error(
      `${argv.join(" ")} did not exit within ${hangGuardMs} ms (killed); stdout: ${stdout} stderr: ${stderr}`,
    );
  return { code: proc.signalCode ? null : code, stdout, stderr };
}
