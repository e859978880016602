// One version everywhere a release names it: package.json, packaging/debian/changelog, CHANGELOG.md's newest release, the rpm spec.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { rpmChangelog, rpmSpec } from "../../packaging/rpm.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const version = (JSON.parse(read("package.json")) as { version: string }).version;

test("packaging/debian/changelog's top entry is package.json's version", () => {
  expect(/^rfc868 \(([^)]+)\)/.exec(read("packaging/debian/changelog"))?.[1]).toBe(version);
});

test("CHANGELOG.md keeps an Unreleased section on top, and its newest release is package.json's version", () => {
  const headings = [...read("CHANGELOG.md").matchAll(/^## \[([^\]]+)\]/gm)].map(([, name]) => name!);
  expect(headings[0]).toBe("Unreleased");
  expect(headings.find((name) => name !== "Unreleased")).toBe(version);
});

test("the rpm spec's Version and its newest %changelog entry are package.json's version", () => {
  const spec = rpmSpec(version, "/stage", ["rfc868.8"]);
  expect(/^Version: (.+)$/m.exec(spec)?.[1]).toBe(version);
  expect(/^\* .+ - (\S+)-\d+$/m.exec(rpmChangelog(read("packaging/debian/changelog")))?.[1]).toBe(version);
});
