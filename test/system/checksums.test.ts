// dist/SHA256SUMS verifies with sha256sum -c, and with a key the build signs it: a throwaway gpg key made here, the signature checked with gpg --verify.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signChecksums, writeChecksums } from "../../packaging/checksums.ts";
import { installedFor, runCommand } from "../support/commands.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

function withDist(body: (dist: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dist = mkdtempSync(join(tmpdir(), "rfc868-sums-"));
    try {
      await body(dist);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  };
}

function artefacts(dist: string): string[] {
  writeFileSync(join(dist, "b.deb"), "package");
  writeFileSync(join(dist, "a.cdx.json"), "{}");
  return [join(dist, "b.deb"), join(dist, "a.cdx.json")];
}

test(
  "SHA256SUMS lists every artefact in name order and sha256sum -c verifies it, and fails on a changed one",
  withDist(async (dist) => {
    const sums = writeChecksums(dist, artefacts(dist));
    expect(Bun.file(sums).size).toBeGreaterThan(0);
    expect((await Bun.file(sums).text()).split("\n").map((line) => line.split("  ")[1])).toEqual([
      "a.cdx.json",
      "b.deb",
      undefined,
    ]);
    expect((await runCommand(["sha256sum", "-c", "SHA256SUMS"], { cwd: dist })).code).toBe(0);
    writeFileSync(join(dist, "b.deb"), "tampered");
    expect((await runCommand(["sha256sum", "-c", "SHA256SUMS"], { cwd: dist })).code).not.toBe(0);
  }),
);

test(
  "without a key there is no signature, and a stale one is removed",
  withDist(async (dist) => {
    const sums = writeChecksums(dist, artefacts(dist));
    writeFileSync(`${sums}.asc`, "old signature");
    expect(signChecksums(sums, undefined)).toBeUndefined();
    expect(existsSync(`${sums}.asc`)).toBe(false);
  }),
);

const gpg = installedFor("gpg", "checksums.test.ts", "the signature test");

test.skipIf(!gpg)(
  "with RFC868_SIGNING_KEY's key, SHA256SUMS.asc is a detached signature that gpg --verify accepts, and refuses for changed sums",
  withDist(async (dist) => {
    const home = join(dist, "gnupg");
    const saved = process.env.GNUPGHOME;
    process.env.GNUPGHOME = home;
    try {
      await runCommand(["mkdir", "-m", "700", home]);
      const made = await runCommand([
        "gpg",
        "--batch",
        "--passphrase",
        "",
        "--quick-gen-key",
        "rfc868 release test <release@example.com>",
        "ed25519",
        "sign",
        "1d",
      ]);
      expect(made.code, made.stderr).toBe(0);
      const sums = writeChecksums(dist, artefacts(dist));
      const signature = signChecksums(sums, "release@example.com")!;
      expect(await Bun.file(signature).text()).toStartWith("-----BEGIN PGP SIGNATURE-----");
      const verified = await runCommand(["gpg", "--batch", "--verify", signature, sums]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(verified.stderr).toContain("Good signature");
      writeFileSync(sums, "0000  b.deb\n");
      expect((await runCommand(["gpg", "--batch", "--verify", signature, sums])).code).not.toBe(0);
    } finally {
      await runCommand(["gpgconf", "--kill", "all"]);
      if (saved === undefined) delete process.env.GNUPGHOME;
      else process.env.GNUPGHOME = saved;
    }
  }),
);
