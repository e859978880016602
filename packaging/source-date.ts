// The build's one timestamp (SOURCE_DATE_EPOCH): the commit's, so that two builds of one commit give the same bytes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gitOutput } from "../src/base/build-info.ts";

/**
 * Seconds since 1970: SOURCE_DATE_EPOCH when the caller set it, else the last commit's time
 * (`git log -1 --format=%ct`), else, outside git (a source tarball), the date of
 * packaging/debian/changelog's top entry, which names the release the sources are.
 */
export function sourceDateEpoch(root: string, env: Record<string, string | undefined> = process.env): number {
  const given = env.SOURCE_DATE_EPOCH;
  if (given !== undefined && given !== "") {
    if (!/^\d+$/.test(given)) throw new Error(`SOURCE_DATE_EPOCH is "${given}", not a number of seconds`);
    return Number(given);
  }
  // Outside a checkout, or without git installed (a source tarball on a bare machine): the changelog.
  const committed = gitOutput(root, ["log", "-1", "--format=%ct"]) ?? "";
  if (/^\d+$/.test(committed)) return Number(committed);
  return changelogEpoch(readFileSync(join(root, "packaging/debian/changelog"), "utf8"));
}

/** The time of a Debian changelog's first trailer line (" -- Name <mail>  Sat, 28 Nov 2026 23:30:00 +0000"). */
export function changelogEpoch(changelog: string): number {
  const date = /^ -- .+?>  (.+)$/m.exec(changelog)?.[1];
  const ms = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(ms)) throw new Error("packaging/debian/changelog has no dated trailer line");
  return ms / 1000;
}
