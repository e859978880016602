// The release's CycloneDX SBOM is valid against the official 1.5 JSON schema and names the pinned Bun of each architecture, what Bun embeds, and the packages' dependencies.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import addDraft2019Formats from "ajv-formats-draft2019";
import { BUN_EMBEDS } from "../../packaging/bun-components.ts";
import { DEB_DEPENDS } from "../../packaging/deb.ts";
import { buildSbom } from "../../packaging/sbom.ts";
import { RUNTIME_PACKAGES } from "../../packaging/runtimes.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const ROOT = join(import.meta.dir, "../..");
const SCHEMAS = join(import.meta.dir, "cyclonedx");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};

/** ajv with the schema's formats (date-time, uri; idn-email and iri-reference are draft 2019's) and its two referenced schemas. */
function cycloneDxValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  addDraft2019Formats(ajv);
  for (const name of ["spdx.schema.json", "jsf-0.82.schema.json"])
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, name), "utf8")));
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, "bom-1.5.schema.json"), "utf8")));
}

type Component = {
  name: string;
  version?: string;
  purl?: string;
  "bom-ref": string;
  hashes?: { content: string }[];
  components?: Component[];
};

/** An SBOM of small stand-in files: the generator's output, without a build. */
function sampleSbom() {
  const dir = mkdtempSync(join(tmpdir(), "rfc868-sbom-"));
  try {
    const file = (name: string) => (writeFileSync(join(dir, name), name), join(dir, name));
    const depends = DEB_DEPENDS.map((dep) => ({ ...dep, purl: `pkg:deb/debian/${dep.name}` }));
    return buildSbom({
      version: pkg.version,
      bunVersion: "1.4.5",
      epoch: 1_800_000_000,
      arches: (["x64", "arm64"] as const).map((arch) => ({
        arch,
        executable: file(`rfc868-${arch}`),
        runtime: file(`bun-${arch}`),
        packages: [
          { path: file(`rfc868-${arch}.deb`), purl: `pkg:deb/rfc868/rfc868@${pkg.version}?arch=${arch}`, depends },
        ],
      })),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the SBOM generator", () => {
  const validate = cycloneDxValidator();

  test("its output is valid CycloneDX 1.5, and the validator refuses a broken one", () => {
    const bom = sampleSbom();
    expect(validate(bom), JSON.stringify(validate.errors, null, 1)).toBe(true);
    expect(validate({ ...bom, serialNumber: "not-a-urn" })).toBe(false);
    expect(validate({ ...bom, components: [{ name: "no type" }] })).toBe(false);
  });

  test("it names Bun 1.4.5 per architecture with its npm package of origin, and every library Bun lists inside it", () => {
    const components = sampleSbom().components as Component[];
    for (const arch of ["x64", "arm64"] as const) {
      const bun = components.find((c) => c["bom-ref"] === `bun-linux-${arch}`)!;
      expect(bun.name).toBe("bun");
      expect(bun.version).toBe("1.4.5");
      expect(bun.purl).toBe(`pkg:npm/${RUNTIME_PACKAGES[arch].replace("@", "%40")}@1.4.5`);
      expect(bun.components!.map((c) => c.name)).toEqual(BUN_EMBEDS.map((e) => e.name));
      expect(bun.components!.map((c) => c.name)).toContain("mimalloc");
    }
    for (const dep of DEB_DEPENDS) expect(components.map((c) => c.name)).toContain(dep.name);
  });

  test("the same inputs give the same bytes, serial number included; another version another serial number", () => {
    expect(JSON.stringify(sampleSbom())).toBe(JSON.stringify(sampleSbom()));
    const other = buildSbom({ version: "9.9.9", bunVersion: "1.4.5", epoch: 1_800_000_000, arches: [] });
    expect(other.serialNumber).not.toBe(sampleSbom().serialNumber);
  });
});

// After `npm run build` (CI runs this file again then): the real SBOM, with the real hashes.
test.skipIf(!existsSync(join(ROOT, "dist/rfc868.cdx.json")))(
  "dist/rfc868.cdx.json is valid and hashes the executables as built",
  () => {
    const bom = JSON.parse(readFileSync(join(ROOT, "dist/rfc868.cdx.json"), "utf8"));
    const validate = cycloneDxValidator();
    expect(validate(bom), JSON.stringify(validate.errors, null, 1)).toBe(true);
    const sums = readFileSync(join(ROOT, "dist/SHA256SUMS"), "utf8");
    const executables = (bom.components as Component[]).filter((c) => c["bom-ref"].startsWith("executable-"));
    expect(executables.length).toBeGreaterThan(0);
    for (const exe of executables) expect(sums).toContain(`${exe.hashes![0]!.content}  ${exe.name}\n`);
    expect((bom.components as Component[]).find((c) => c.name === "bun")!.version).toBe(pkg.devDependencies.bun!);
  },
);
