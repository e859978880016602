// native/platform.ts LINUX and native/errno-names.ts against the C headers, through the native/layout.c probe.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LINUX } from "../../../native/platform.ts";
import { ERRNO_NAMES } from "../../../native/errno-names.ts";
import { findCommand, runCommand } from "../../support/commands.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const PROBE = new URL("../../../native/layout.c", import.meta.url).pathname;
const compiler = findCommand("cc");
if (!compiler) console.log("layout.test.ts: skipped, no C compiler (`cc`) on PATH to build native/layout.c");

describe.skipIf(!compiler)("the layout probe (native/layout.c)", () => {
  let dir = "";
  /** The probe's output as name -> value, in print order. */
  const printed = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rfc868-layout-"));
    const binary = join(dir, "layout");
    const build = await runCommand([compiler!, "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", binary, PROBE]);
    if (build.code !== 0) throw new Error(`cc failed (exit ${build.code}):\n${build.stdout}${build.stderr}`);
    const run = await runCommand([binary]);
    if (run.code !== 0) throw new Error(`the probe failed (exit ${run.code}):\n${run.stderr}`);
    for (const line of run.stdout.trimEnd().split("\n")) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*) (-?\d+)$/.exec(line);
      if (!match) throw new Error(`the probe printed a line that is not "NAME VALUE": ${JSON.stringify(line)}`);
      if (printed.has(match[1]!)) throw new Error(`the probe printed ${match[1]} twice`);
      printed.set(match[1]!, Number(match[2]));
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("prints every LINUX key, so a constant added to platform.ts without a probe line fails", () => {
    const missing = Object.keys(LINUX).filter((key) => !printed.has(key));
    expect(missing).toEqual([]);
  });

  test("prints no constant that LINUX lacks, so every probe line is compared with something", () => {
    const unknown = [...printed.keys()].filter((key) => !key.startsWith("errno_") && !(key in LINUX));
    expect(unknown).toEqual([]);
  });

  test("agrees with every LINUX value: constants, struct sizes and member offsets", () => {
    const differ = Object.entries(LINUX)
      .filter(([key, value]) => printed.has(key) && printed.get(key) !== value)
      .map(([key, value]) => `${key}: platform.ts says ${value}, the C headers say ${printed.get(key)}`);
    expect(differ).toEqual([]);
  });

  test("agrees with ERRNO_NAMES on the number of every errno name it prints", () => {
    const errnos = [...printed].filter(([key]) => key.startsWith("errno_"));
    expect(errnos.length).toBeGreaterThanOrEqual(20);
    const differ = errnos
      .map(([key, value]) => [key.slice("errno_".length), value] as const)
      .filter(([name, value]) => ERRNO_NAMES[value] !== name)
      .map(
        ([name, value]) =>
          `${name} is ${value} in <errno.h>, but ERRNO_NAMES[${value}] is ${JSON.stringify(ERRNO_NAMES[value])}`,
      );
    expect(differ).toEqual([]);
  });

  test("covers the last entry of ERRNO_NAMES, so the table is neither cut short nor shifted at its end", () => {
    const last = ERRNO_NAMES.length - 1;
    expect(printed.get(`errno_${ERRNO_NAMES[last]}`)).toBe(last);
  });
});
