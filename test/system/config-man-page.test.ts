// rfc868.toml(5) lists every config key with its type, default and whether a reload applies it, from the flag table; every man page renders with groff -ww clean.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIENT_PAGE, CONFIG_PAGE, SERVER_PAGE } from "../../packaging/man-pages.ts";
import { manPageKeys, renderManPage } from "../../packaging/roff.ts";
import { FLAGS } from "../../src/cli/server-flags.ts";
import { configKeys } from "../../src/cli/config-keys.ts";
import { KEY_VALUES } from "../../src/cli/config-diff.ts";
import { installedFor, runCommand } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const keys = manPageKeys(renderManPage(CONFIG_PAGE, "0"));

test("its KEYS are exactly the config file's keys, in the table's order", () => {
  expect(keys.length).toBeGreaterThan(15);
  expect(keys.map((key) => key.term.split(" = ")[0])).toEqual([...configKeys(FLAGS).keys()]);
});

test("each key says its type, its default and what a reload does with it", () => {
  const byName = new Map(keys.map((key) => [key.term.split(" = ")[0]!, key]));
  expect(byName.get("port")!.term).toBe("port = 8037");
  expect(byName.get("host")!.term).toBe('host = ["0.0.0.0"]');
  expect(byName.get("clock-floor")!.term).toBe("clock-floor = 2024-01-01");
  expect(byName.get("tcp")!.term).toBe("tcp = true");
  expect(byName.get("udp")!.text).toContain("Type: boolean. Flags: --udp, --no-udp.");
  for (const [name, key] of byName) {
    expect(key.text).toMatch(/Type: (string|integer|boolean|array of (strings|integers)|date)/);
    expect(key.text).toContain(
      KEY_VALUES[name]!.reload === "restart" ? "needs a restart" : "A reload (SIGHUP) applies it",
    );
  }
});

const groff = installedFor("groff", "config-man-page.test.ts", "the groff -ww rendering");

test.skipIf(!groff)("all three man pages render with groff -ww and not one warning", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rfc868-man-"));
  try {
    for (const page of [SERVER_PAGE, CLIENT_PAGE, CONFIG_PAGE]) {
      const file = join(dir, `${page.name}.${page.section}`);
      writeFileSync(file, renderManPage(page, "0"));
      const rendered = await runCommand(["groff", "-man", "-ww", "-z", "-Tutf8", file]);
      expect(rendered.code).toBe(0);
      expect(rendered.stderr).toBe("");
    }
    // The check can fail: a stray request is a warning under -ww.
    writeFileSync(join(dir, "broken.5"), ".TH BROKEN 5\n.SH NAME\nbroken\n.XYZ unknown request\n");
    expect((await runCommand(["groff", "-man", "-ww", "-z", "-Tutf8", join(dir, "broken.5")])).stderr).not.toBe("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
