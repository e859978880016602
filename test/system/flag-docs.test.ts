// --help, the README's options block and the man pages list the same flags with the same words: all come from the CLI's flag tables.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_PAGE, SERVER_PAGE } from "../../packaging/man-pages.ts";
import { manPageOptions, renderManPage, type FlagDoc } from "../../packaging/roff.ts";
import { runCommand } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");

/** The `  --name VALUE   help` rows of a usage text, read back as table rows. */
function optionRows(text: string): FlagDoc[] {
  return [...text.matchAll(/^ {2}--([a-z-]+)(?: (\S+))? {2,}(.+)$/gm)].map(([, name, value, help]) => ({
    name: name!,
    ...(value ? { value } : {}),
    help: help!,
  }));
}

async function helpRows(entry: string): Promise<FlagDoc[]> {
  const run = await runCommand([process.execPath, "run", entry, "--help"], { cwd: ROOT });
  expect(run.code).toBe(0);
  return optionRows(run.stdout);
}

/** The fenced block under the README's "## Options" heading. */
function readmeOptionsBlock(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /^## Options\n\n```\n([\s\S]*?)```/m.exec(readme);
  expect(block).not.toBeNull();
  return block![1]!;
}

describe("the server's flags", () => {
  test("the man page rfc868(8) lists exactly the rows of --help", async () => {
    const help = await helpRows("src/server.ts");
    expect(help.length).toBeGreaterThan(20);
    expect(manPageOptions(renderManPage(SERVER_PAGE, "0"))).toEqual(help);
  });

  test("the README's options block lists exactly the rows of --help", async () => {
    const help = await helpRows("src/server.ts");
    // On failure, paste the --help rows (bun run src/server.ts --help) into the README's block.
    expect(optionRows(readmeOptionsBlock())).toEqual(help);
  });
});

test("the client's man page rfc868-client(1) lists exactly the rows of its --help", async () => {
  const help = await helpRows("src/client.ts");
  expect(help.map((row) => row.name)).toContain("timeout");
  expect(manPageOptions(renderManPage(CLIENT_PAGE, "0"))).toEqual(help);
});
