// The CycloneDX 1.5 SBOM of a release: the executables, the Bun runtime inside them and what Bun embeds, this project, the packages and their dependencies.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { BUN_EMBEDS } from "./bun-components.ts";
import { sha256File } from "./checksums.ts";
import { RUNTIME_PACKAGES, type Arch } from "./runtimes.ts";

/** A package built for one architecture: the file, its package URL, and what its package manager must install first. */
export interface BuiltPackage {
  path: string;
  purl: string;
  depends: readonly { name: string; constraint?: string; purl: string }[];
}

export interface ArchArtefacts {
  arch: Arch;
  executable: string;
  /** The Bun executable that compileExecutable embedded (runtimes.ts). */
  runtime: string;
  packages: readonly BuiltPackage[];
}

export interface SbomInputs {
  version: string;
  bunVersion: string;
  /** SOURCE_DATE_EPOCH: the BOM's timestamp, so that it is as reproducible as the rest. */
  epoch: number;
  arches: readonly ArchArtefacts[];
}

type Json = Record<string, unknown>;

const hashes = (path: string) => [{ alg: "SHA-256", content: sha256File(path) }];

/** A name-based UUID (version 5 layout) from the BOM's content: the same release, the same serial number. */
function serialNumber(content: string): string {
  const hex = createHash("sha256").update(content).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = "89ab"[parseInt(hex[16]!, 16) % 4]!;
  const h = hex.join("");
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function bunRuntime(arch: Arch, runtime: string, bunVersion: string): Json {
  const npm = RUNTIME_PACKAGES[arch];
  return {
    type: "framework",
    "bom-ref": `bun-linux-${arch}`,
    supplier: { name: "Oven", url: ["https://bun.sh"] },
    name: "bun",
    version: bunVersion,
    // The build's own Bun is the npm package bun's, which installs this platform's package as an optional dependency; another architecture's comes from npm pack (runtimes.ts).
    description: `The Bun runtime of the linux-${arch} executable, from the npm package ${npm}@${bunVersion} (through the npm package bun@${bunVersion} on a ${arch} build machine); the program rides in a .bun section appended to it.`,
    licenses: [{ license: { id: "MIT" } }],
    purl: `pkg:npm/${npm.replace("@", "%40")}@${bunVersion}`,
    hashes: hashes(runtime),
    externalReferences: [{ type: "license", url: "https://bun.sh/docs/project/license" }],
    components: BUN_EMBEDS.map((embedded) => ({
      type: "library",
      "bom-ref": `bun-linux-${arch}/${embedded.name}`,
      name: embedded.name,
      ...(embedded.version ? { version: embedded.version } : {}),
      description: "Statically linked into Bun, as Bun's license page lists it (no version named there but ICU's).",
      licenses: [{ license: embedded.license }],
      externalReferences: [{ type: "vcs", url: embedded.url }],
    })),
  };
}

export function buildSbom({ version, bunVersion, epoch, arches }: SbomInputs): Json {
  const components: Json[] = [];
  const dependencies: { ref: string; dependsOn: string[] }[] = [];
  const requirements = new Map<string, Json>();
  for (const { arch, executable, runtime, packages } of arches) {
    const exeRef = `executable-linux-${arch}`;
    components.push({
      type: "application",
      "bom-ref": exeRef,
      name: `linux-${arch}/rfc868`,
      version,
      description: `The single executable for linux-${arch}: rfc868's TypeScript bundled into Bun (bun build --compile), installed as /usr/bin/rfc868.`,
      licenses: [{ license: { id: "MIT" } }],
      hashes: hashes(executable),
    });
    components.push(bunRuntime(arch, runtime, bunVersion));
    dependencies.push({ ref: exeRef, dependsOn: [`bun-linux-${arch}`] });
    for (const built of packages) {
      components.push({
        type: "application",
        "bom-ref": built.purl,
        name: basename(built.path),
        version,
        purl: built.purl,
        hashes: hashes(built.path),
      });
      for (const dep of built.depends) {
        requirements.set(dep.purl, {
          type: "library",
          "bom-ref": dep.purl,
          name: dep.name,
          purl: dep.purl,
          scope: "required",
          description: `Installed by the package manager, not shipped${dep.constraint ? `; version ${dep.constraint}` : ""}.`,
        });
      }
      dependencies.push({ ref: built.purl, dependsOn: [exeRef, ...built.depends.map((dep) => dep.purl)] });
    }
  }
  components.push(...requirements.values());
  const bom: Json = {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    version: 1,
    metadata: {
      timestamp: new Date(epoch * 1000).toISOString(),
      lifecycles: [{ phase: "build" }],
      component: {
        type: "application",
        "bom-ref": "rfc868",
        name: "rfc868",
        version,
        description: "RFC 868 Time Protocol server",
        licenses: [{ license: { id: "MIT" } }],
      },
    },
    components,
    dependencies: [{ ref: "rfc868", dependsOn: arches.map(({ arch }) => `executable-linux-${arch}`) }, ...dependencies],
  };
  return { ...bom, serialNumber: serialNumber(JSON.stringify(bom)) };
}

/** Write the SBOM to `path`; returns the number of components in it, nested ones included. */
export function writeSbom(path: string, inputs: SbomInputs): number {
  const bom = buildSbom(inputs);
  writeFileSync(path, `${JSON.stringify(bom, null, 2)}\n`);
  const count = (list: unknown): number =>
    ((list as Json[] | undefined) ?? []).reduce<number>((n, c) => n + 1 + count(c.components), 0);
  return count(bom.components);
}
