// packaging/embedded-bun-version.ts reads the Bun version and revision out of an executable without running it.
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");
const SCRIPT = join(ROOT, "packaging/embedded-bun-version.ts");

test("the running Bun's file names its own version and revision; a file without Bun is refused", async () => {
  const found = await runCommand([process.execPath, SCRIPT, process.execPath]);
  expect(found.code, found.stderr).toBe(0);
  expect(found.stdout).toBe(`${process.execPath}: Bun ${Bun.version}+${Bun.revision.slice(0, 9)}\n`);
  const none = await runCommand([process.execPath, SCRIPT, join(ROOT, "package.json")]);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("no embedded Bun found");
});

// After `npm run build`: both architectures' executables, the arm64 one read without emulation.
test.skipIf(!existsSync(join(ROOT, "dist/linux-arm64/rfc868")))(
  "the built executables of both architectures embed the pinned Bun",
  async () => {
    const pinned = (await Bun.file(join(ROOT, "package.json")).json()).devDependencies.bun;
    for (const arch of ["x64", "arm64"]) {
      const found = await runCommand([process.execPath, SCRIPT, join(ROOT, `dist/linux-${arch}/rfc868`)]);
      expect(found.stdout).toContain(`: Bun ${pinned}+`);
    }
  },
);
