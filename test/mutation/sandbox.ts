// A scratch copy of the checkout for mutants to be written into, so the working tree is never touched; node_modules is linked, not copied.
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";

/** Where Stryker's sandboxes and ours go (both are removed after a run); in .gitignore. */
export const TEMP_DIR = ".stryker-tmp";

/** Build output and caches no unit test reads: not copied into a sandbox (Stryker's ignorePatterns say the same). */
export const NOT_COPIED = [
  "/node_modules",
  "/.git",
  `/${TEMP_DIR}`,
  "/reports",
  "/dist",
  "/bench/.build",
  "/bench/.run",
  "/.ci/.cache",
];

/** A fresh copy of `root` at `root/.stryker-tmp/<name>`; returns its path. */
export function makeSandbox(root: string, name: string): string {
  const dir = join(root, TEMP_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Entry by entry: cpSync refuses to copy a directory into itself, which the sandbox is.
  for (const entry of readdirSync(root)) {
    if (NOT_COPIED.includes(`/${entry}`)) continue;
    cpSync(join(root, entry), join(dir, entry), {
      recursive: true,
      filter: (source) => !NOT_COPIED.includes(`/${relative(root, source)}`),
    });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}
