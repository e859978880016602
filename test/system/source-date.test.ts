// The build's timestamp: SOURCE_DATE_EPOCH when given, else the commit's time, else the changelog's date outside git.
import { expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changelogEpoch, sourceDateEpoch } from "../../packaging/source-date.ts";
import { installedFor } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");

test("a given SOURCE_DATE_EPOCH wins, and one that is not a number is refused", () => {
  expect(sourceDateEpoch(ROOT, { SOURCE_DATE_EPOCH: "1234567890" })).toBe(1234567890);
  expect(() => sourceDateEpoch(ROOT, { SOURCE_DATE_EPOCH: "yesterday" })).toThrow("not a number");
});

const git = installedFor("git", "source-date.test.ts", "the commit time test");

test.skipIf(!git)("in git, the last commit's time", () => {
  const committed = Number(Bun.spawnSync(["git", "log", "-1", "--format=%ct"], { cwd: ROOT }).stdout.toString());
  expect(committed).toBeGreaterThan(0);
  expect(sourceDateEpoch(ROOT, {})).toBe(committed);
});

test("outside git, the date of the changelog's top entry", () => {
  const dir = mkdtempSync(join(tmpdir(), "rfc868-source-date-"));
  try {
    cpSync(join(ROOT, "packaging/debian/changelog"), join(dir, "packaging/debian/changelog"));
    const released = changelogEpoch(readFileSync(join(ROOT, "packaging/debian/changelog"), "utf8"));
    expect(released).toBeGreaterThan(0);
    expect(sourceDateEpoch(dir, {})).toBe(released);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("in a checkout but without git installed, the changelog's date as well", () => {
  // A child whose PATH holds no git: Bun reads PATH once, at start-up.
  const source = `import { sourceDateEpoch } from ${JSON.stringify(join(ROOT, "packaging/source-date.ts"))};
    console.log(sourceDateEpoch(${JSON.stringify(ROOT)}, {}));`;
  // The rest of the environment stays: under .ci/arm64.sh it holds what qemu-user needs to start Bun.
  const run = Bun.spawnSync([process.execPath, "-e", source], {
    env: { ...process.env, PATH: "/nonexistent" },
    stderr: "pipe",
  });
  expect({ out: run.stdout.toString().trim(), err: run.stderr.toString() }).toEqual({
    out: String(changelogEpoch(readFileSync(join(ROOT, "packaging/debian/changelog"), "utf8"))),
    err: "",
  });
});

test("a changelog trailer's date in seconds", () => {
  expect(
    changelogEpoch(
      "rfc868 (0.1.0) unstable; urgency=medium\n\n  * x\n\n -- A <a@example.com>  Sat, 28 Nov 2026 23:30:00 +0000\n",
    ),
  ).toBe(Date.UTC(2026, 10, 28, 23, 30) / 1000);
  expect(() => changelogEpoch("no trailer\n")).toThrow("no dated trailer");
});
