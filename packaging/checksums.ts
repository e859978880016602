// dist/SHA256SUMS over the release's artefacts, and its detached signature when a release manager's key is given.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { run } from "./run.ts";

export const sha256File = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** Write `dir`/SHA256SUMS, in `sha256sum -c`'s format, for `files` (paths under `dir`) in name order; returns its path. */
export function writeChecksums(dir: string, files: readonly string[]): string {
  const lines = files
    .map((file) => relative(dir, file))
    .sort()
    .map((name) => `${sha256File(join(dir, name))}  ${name}\n`);
  const sums = join(dir, "SHA256SUMS");
  writeFileSync(sums, lines.join(""));
  return sums;
}

/**
 * With `key` (a gpg key id or fingerprint, looked up in $GNUPGHOME's keyring), write SHA256SUMS.asc,
 * an armoured detached signature, and return its path. Without a key, remove a stale one: a signature
 * must never sit beside checksums it does not sign.
 */
export function signChecksums(sums: string, key: string | undefined): string | undefined {
  const signature = `${sums}.asc`;
  rmSync(signature, { force: true });
  if (!key) return undefined;
  run(["gpg", "--batch", "--yes", "--armor", "--local-user", key, "--output", signature, "--detach-sign", sums]);
  return signature;
}
