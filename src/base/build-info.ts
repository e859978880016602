// Which build is running: the package's version, the git commit it was built from, and the Bun runtime.
import { version } from "../../package.json";

// Set by `bun build --define` when the single executable is compiled (packaging/executable.ts); undeclared from source.
declare const RFC868_COMMIT: string;

export interface BuildInfo {
  readonly version: string;
  /** The commit's hash (12 hex digits), or "unknown" outside a git checkout or without git. */
  readonly commit: string;
  readonly bun: string;
}

/** The commit embedded at build time, else the source tree's HEAD read once, at first use. */
let commit: string | null = typeof RFC868_COMMIT === "string" ? RFC868_COMMIT : null;

/** What `git -C dir ARGS...` printed, trimmed; null outside a checkout, or where git is not installed (spawnSync throws). */
export function gitOutput(dir: string, args: readonly string[]): string | null {
  try {
    const run = Bun.spawnSync(["git", "-C", dir, ...args], { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
    return run.exitCode === 0 ? run.stdout.toString().trim() : null;
  } catch {
    return null; // no git on PATH
  }
}

/** `git rev-parse` on the tree this file is in: the commit the running source is. */
export function sourceCommit(dir: string = import.meta.dir): string {
  const hash = gitOutput(dir, ["rev-parse", "--short=12", "HEAD"]) ?? "";
  return /^[0-9a-f]{12}$/.test(hash) ? hash : "unknown";
}

export function buildInfo(): BuildInfo {
  commit ??= sourceCommit();
  return { version, commit, bun: Bun.version };
}

/** What --version prints: the version alone on the first line, as before, then the commit and the runtime. */
export function versionText(): string {
  const { version, commit, bun } = buildInfo();
  return `${version}\ncommit ${commit}\nbun ${bun}`;
}
