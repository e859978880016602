// The build a process names (--version, rfc868_build_info): the version, the git commit, the Bun runtime.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { version } from "../../../package.json";
import { buildInfo, sourceCommit, versionText } from "../../../src/base/build-info.ts";
import { checkoutCommit, installedFor } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const outside = mkdtempSync(join(tmpdir(), "rfc868-no-git-"));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const git = installedFor("git", "build-info.test.ts", "the checkout's HEAD test");
const head = git
  ? Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: import.meta.dir })
      .stdout.toString()
      .trim()
  : "";

describe("build info", () => {
  test.skipIf(!git)("from source: the checkout's HEAD, cut to 12 hex digits", () => {
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(sourceCommit()).toBe(head.slice(0, 12));
    expect(buildInfo()).toEqual({ version, commit: head.slice(0, 12), bun: Bun.version });
  });

  test("outside a git checkout the commit is unknown", () => {
    expect(sourceCommit(outside)).toBe("unknown");
    expect(sourceCommit(join(outside, "missing"))).toBe("unknown");
  });

  test("--version's text: the version alone first, then the commit and the runtime", () => {
    expect(versionText().split("\n")).toEqual([version, `commit ${checkoutCommit()}`, `bun ${Bun.version}`]);
  });
});
