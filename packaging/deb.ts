// The Debian package: a staging tree in Debian's layout, then dpkg-deb.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CLIENT_NAME } from "../src/client.ts";
import { DEB_ARCH, type Arch } from "./runtimes.ts";
import { run } from "./run.ts";
import { UNITS, put, type PackageInputs } from "./package-stage.ts";

const ROOT = join(import.meta.dir, "..");
const META = join(import.meta.dir, "debian");

/** The package's Depends: one line in the control file, one component each in the SBOM (sbom.ts). */
export const DEB_DEPENDS: readonly { name: string; constraint?: string }[] = [
  { name: "libc6", constraint: ">= 2.17" },
  { name: "adduser" },
  { name: "init-system-helpers", constraint: ">= 1.54~" },
];

/** gzip -9n: no name and no time stamp in the header, so the same input gives the same bytes. */
const gzip = (text: string) => gzipSync(text, { level: 9 });

function control(version: string, arch: Arch, installedKiB: number): string {
  return `Package: rfc868
Version: ${version}
Architecture: ${DEB_ARCH[arch]}
Maintainer: rfc868 developers <rfc868@example.com>
Installed-Size: ${installedKiB}
Depends: ${DEB_DEPENDS.map((dep) => (dep.constraint ? `${dep.name} (${dep.constraint})` : dep.name)).join(", ")}
Section: net
Priority: optional
Homepage: https://www.rfc-editor.org/rfc/rfc868
Description: RFC 868 Time Protocol server (TCP port 37, UDP on request)
 Answers RFC 868 time requests (rdate, check_time, embedded clients) with
 the seconds since 1900 in 4 bytes. Written in TypeScript on libc through
 bun:ffi and shipped as one executable with the Bun runtime inside it.
 .
 rfc868.socket is enabled: systemd listens on TCP port 37 and starts the
 sandboxed server on the first request. UDP is off by default, as in the
 server; a ListenDatagram=37 line in rfc868.socket turns it on.
 rfc868-client, like rdate -p, checks a server.
`;
}

/** Build dist/rfc868_<version>_<arch>.deb; returns its path. */
export function buildDeb(inputs: PackageInputs): string {
  const { arch, version, outDir } = inputs;
  const stage = join(outDir, `deb-${DEB_ARCH[arch]}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "usr/bin"), { recursive: true });
  copyFileSync(inputs.executable, join(stage, "usr/bin/rfc868"));
  chmodSync(join(stage, "usr/bin/rfc868"), 0o755);
  symlinkSync("rfc868", join(stage, "usr/bin", CLIENT_NAME));
  for (const unit of UNITS) put(stage, `lib/systemd/system/${unit}`, readFileSync(join(ROOT, "deploy", unit)));
  put(stage, "etc/rfc868/rfc868.toml", readFileSync(join(ROOT, "deploy/rfc868.toml")));
  for (const [name, roff] of Object.entries(inputs.manPages))
    put(stage, `usr/share/man/man${name.slice(-1)}/${name}.gz`, gzip(roff));
  put(stage, "usr/share/doc/rfc868/copyright", readFileSync(join(META, "copyright")));
  // A native package (no Debian revision): its changelog is changelog.gz, not changelog.Debian.gz.
  put(stage, "usr/share/doc/rfc868/changelog.gz", gzip(readFileSync(join(META, "changelog"), "utf8")));
  put(stage, "usr/share/lintian/overrides/rfc868", readFileSync(join(META, "lintian-overrides")));

  const files = run(["find", ".", "-type", "f", "-printf", "%P\n"], stage).trim().split("\n").sort();
  const md5sums = run(["md5sum", ...files], stage);
  const installedKiB = Number(run(["du", "-sk", "--apparent-size", "."], stage).split("\t")[0]);
  put(stage, "DEBIAN/control", control(version, arch, installedKiB));
  put(stage, "DEBIAN/md5sums", md5sums);
  put(stage, "DEBIAN/conffiles", "/etc/rfc868/rfc868.toml\n");
  for (const script of ["postinst", "prerm", "postrm"])
    put(stage, `DEBIAN/${script}`, readFileSync(join(META, script)), 0o755);

  const deb = join(outDir, `rfc868_${version}_${DEB_ARCH[arch]}.deb`);
  // gzip, not xz: xz takes 80-110 s per 109 MB executable on this class of machine, gzip a few
  // seconds, and CI builds two packages (sizes in the README).
  run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, deb]);
  rmSync(stage, { recursive: true, force: true });
  return deb;
}
