// `npm run build`: the single executable per architecture, the man pages, the Debian and rpm packages, the SBOM and the checksums, all in dist/.
// `bun packaging/build.ts --arch x64` builds one architecture only.
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_NAME } from "../src/client.ts";
import { die } from "../src/cli/die.ts";
import { CLIENT_PAGE, CONFIG_PAGE, SERVER_PAGE } from "./man-pages.ts";
import { renderManPage } from "./roff.ts";
import { buildDeb, DEB_DEPENDS } from "./deb.ts";
import { buildRpm, RPM_ARCH, RPM_RELEASE } from "./rpm.ts";
import { signChecksums, writeChecksums } from "./checksums.ts";
import { writeSbom, type ArchArtefacts } from "./sbom.ts";
import { ARCHES, DEB_ARCH, runtimeFor, type Arch } from "./runtimes.ts";
import { compileExecutable } from "./executable.ts";
import { sourceDateEpoch } from "./source-date.ts";

const ROOT = join(import.meta.dir, "..");
const DIST = join(ROOT, "dist");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};

function selectedArches(argv: readonly string[]): readonly Arch[] {
  if (argv.length === 0) return ARCHES;
  const arch = argv[0] === "--arch" ? argv[1] : undefined;
  if (argv.length !== 2 || !ARCHES.includes(arch as Arch))
    die(`usage: bun packaging/build.ts [--arch ${ARCHES.join("|")}]`, 2, "build");
  return [arch as Arch];
}

/** dist/linux-<arch>/rfc868 with the pinned runtime, and rfc868-client beside it as a symlink. */
function buildExecutable(arch: Arch): { executable: string; runtime: string } {
  const dir = join(DIST, `linux-${arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const executable = join(dir, "rfc868");
  const runtime = runtimeFor(arch, pkg.devDependencies.bun!, join(DIST, ".runtimes"));
  compileExecutable(runtime, executable);
  symlinkSync("rfc868", join(dir, CLIENT_NAME));
  return { executable, runtime };
}

/** The package's version is package.json's; the changelog's first entry must say the same. */
function checkChangelog(): void {
  const first = readFileSync(join(import.meta.dir, "debian/changelog"), "utf8").split("\n")[0]!;
  if (!first.startsWith(`rfc868 (${pkg.version})`))
    die(`packaging/debian/changelog starts with "${first}", not version ${pkg.version} (package.json)`, 1, "build");
}

const mib = (path: string) => `${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`;

/** The man pages, rendered once for both packages and written to dist/man/; returns file name -> roff. */
function writeManPages(): Record<string, string> {
  const manPages = Object.fromEntries(
    [SERVER_PAGE, CLIENT_PAGE, CONFIG_PAGE].map((page) => [
      `${page.name}.${page.section}`,
      renderManPage(page, pkg.version),
    ]),
  );
  mkdirSync(join(DIST, "man"), { recursive: true });
  for (const [name, roff] of Object.entries(manPages)) writeFileSync(join(DIST, "man", name), roff);
  return manPages;
}

/** One architecture's executable, .deb and rpm, as the SBOM describes them. */
function buildArch(arch: Arch, manPages: Record<string, string>): ArchArtefacts {
  const { executable, runtime } = buildExecutable(arch);
  console.log(`${executable}: ${mib(executable)}`);
  const deb = buildDeb({ arch, version: pkg.version, executable, manPages, outDir: DIST });
  console.log(`${deb}: ${mib(deb)}`);
  const rpm = buildRpm({ arch, version: pkg.version, executable, manPages, outDir: DIST });
  console.log(`${rpm}: ${mib(rpm)}`);
  const debDepends = DEB_DEPENDS.map((dep) => ({ ...dep, purl: `pkg:deb/debian/${dep.name}` }));
  return {
    arch,
    executable,
    runtime,
    packages: [
      { path: deb, purl: `pkg:deb/rfc868/rfc868@${pkg.version}?arch=${DEB_ARCH[arch]}`, depends: debDepends },
      // rpmbuild derives the rpm's requirements from the executable's ELF header (glibc's sonames).
      { path: rpm, purl: `pkg:rpm/rfc868/rfc868@${pkg.version}-${RPM_RELEASE}?arch=${RPM_ARCH[arch]}`, depends: [] },
    ],
  };
}

function build(arches: readonly Arch[]): void {
  checkChangelog();
  // dpkg-deb (and rpmbuild) take every time stamp from SOURCE_DATE_EPOCH; the tools are spawned with this environment.
  process.env.SOURCE_DATE_EPOCH = String(sourceDateEpoch(ROOT));
  const manPages = writeManPages();
  const built = arches.map((arch) => buildArch(arch, manPages));
  const sbom = join(DIST, "rfc868.cdx.json");
  const components = writeSbom(sbom, {
    version: pkg.version,
    bunVersion: pkg.devDependencies.bun!,
    epoch: Number(process.env.SOURCE_DATE_EPOCH),
    arches: built,
  });
  console.log(`${sbom}: ${components} components`);
  const artefacts = [
    ...Object.keys(manPages).map((name) => join(DIST, "man", name)),
    ...built.flatMap(({ executable, packages }) => [executable, ...packages.map((built) => built.path)]),
    sbom,
  ];
  const sums = writeChecksums(DIST, artefacts);
  console.log(`${sums}: ${artefacts.length} artefacts`);
  const signature = signChecksums(sums, process.env.RFC868_SIGNING_KEY);
  if (signature) console.log(`${signature}: signed with ${process.env.RFC868_SIGNING_KEY}`);
}

const arches = selectedArches(process.argv.slice(2));
try {
  build(arches);
} catch (error) {
  // A failed step (run.ts) carries its command and stderr: one line, not a stack trace.
  die((error as Error).message, 1, "build");
}
