// `bun packaging/embedded-bun-version.ts EXECUTABLE...`: the Bun version (and revision) a built executable embeds, read from the file, for any architecture.
import { readFileSync } from "node:fs";

/** "1.4.5+a7733435c" (or "1.4.5" without the revision) as Bun's own `--revision` names it; null when the file holds no Bun. */
export function embeddedBunVersion(file: string): string | null {
  // Bun's binary carries its "Bun vX.Y.Z" banner and its "X.Y.Z+<commit>" revision as plain bytes; running it is not needed.
  const text = readFileSync(file).toString("latin1");
  const version = /Bun v(\d+\.\d+\.\d+)/.exec(text)?.[1];
  if (version === undefined) return null;
  return new RegExp(`${version.replace(/\./g, "\\.")}\\+[0-9a-f]{7,40}`).exec(text)?.[0] ?? version;
}

if (import.meta.main) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write("usage: bun packaging/embedded-bun-version.ts EXECUTABLE...\n");
    process.exit(2);
  }
  let status = 0;
  for (const file of files) {
    let version: string | null;
    try {
      version = embeddedBunVersion(file);
    } catch (error) {
      process.stderr.write(`${file}: ${(error as Error).message}\n`);
      status = 1;
      continue;
    }
    if (version === null) {
      process.stderr.write(`${file}: no embedded Bun found\n`);
      status = 1;
    } else {
      process.stdout.write(`${file}: Bun ${version}\n`);
    }
  }
  process.exit(status);
}
