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

/** `git rev-parse` on the tree this file is in: the commit the running source is. */
export function sourceCommit(dir: string = import.meta.dir): string {
  try {
    const run = Bun.spawnSync(["git", "-C", dir, "rev-parse", "--short=12", "HEAD"], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "ignore",
    });
    const hash = run.stdout.toString().trim();
    return run.exitCode === 0 && /^[0-9a-f]{12}$/.test(hash) ? hash : "unknown";
  } catch {
    return "unknown"; // no git on PATH
  }
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
