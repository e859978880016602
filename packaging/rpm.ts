// The rpm package: the .deb's files in Fedora's layout, a generated spec with Fedora's systemd scriptlets, then rpmbuild.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CLIENT_NAME } from "../src/client.ts";
import type { Arch } from "./runtimes.ts";
import { run } from "./run.ts";
import { UNITS, put, type PackageInputs } from "./package-stage.ts";

const ROOT = join(import.meta.dir, "..");
const META = join(import.meta.dir, "debian");

/** rpm's name for each architecture. */
export const RPM_ARCH: Record<Arch, string> = { x64: "x86_64", arm64: "aarch64" };

/** The rpm's Release: the package revision of one upstream version. */
export const RPM_RELEASE = "1";

/** The system user of rfc868-standalone.service and of the rfc868@ instances, as sysusers.d(5) declares it. */
export const SYSUSERS = 'u rfc868 - "rfc868 time server" /nonexistent /usr/sbin/nologin\n';

/** packaging/debian/changelog's entries as an rpm %changelog ("* Sat Nov 28 2026 Name <mail> - 0.1.0-1", "- text"). */
export function rpmChangelog(debianChangelog: string): string {
  const entries = debianChangelog.split(/\n(?=\S)/).filter((entry) => entry.trim() !== "");
  return entries
    .map((entry) => {
      const version = /^\S+ \(([^)]+)\)/.exec(entry)![1]!;
      const [, who, date] = /^ -- (.+?>) {2}(.+)$/m.exec(entry)!;
      const day = new Date(Date.parse(date!)).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+).*$/, "$1 $3 $2 $4");
      const items = [...entry.matchAll(/^ {2}\* ([\s\S]*?)(?=\n {2}\*|\n\n)/gm)].map(
        ([, text]) => `- ${text!.replace(/\n\s+/g, " ")}`,
      );
      return `* ${day} ${who} - ${version}-${RPM_RELEASE}\n${items.join("\n")}`;
    })
    .join("\n\n");
}

/**
 * Every rfc868@N instance systemd has loaded, for the scriptlets (a template has no fixed name to list);
 * the first column read by the shell itself, as an rpm cannot count on awk being installed first.
 */
const INSTANCES =
  "$(systemctl list-units --plain --no-legend 'rfc868@*.service' 2>/dev/null | while read -r unit rest; do echo \"$unit\"; done)";
const SERVICES = "rfc868.service rfc868-standalone.service";

/**
 * The spec. The scriptlets are what Fedora's %sysusers_create_package, %systemd_post, %systemd_preun and
 * %systemd_postun_with_restart expand to (Debian's rpm has no systemd-rpm-macros), with the rfc868@N
 * instances added. $1 is the number of versions installed after the transaction: 1 on install, 2 on
 * upgrade, 0 on erase.
 */
export function rpmSpec(version: string, stage: string, manPages: readonly string[]): string {
  return `Name: rfc868
Version: ${version}
Release: ${RPM_RELEASE}
Summary: RFC 868 Time Protocol server (TCP port 37, UDP on request)
License: MIT
Group: System Environment/Daemons
Packager: rfc868 developers <rfc868@example.com>
URL: https://www.rfc-editor.org/rfc/rfc868
Requires(pre): /bin/sh
Requires(post): /bin/sh

%description
Answers RFC 868 time requests (rdate, check_time, embedded clients) with
the seconds since 1900 in 4 bytes. Written in TypeScript on libc through
bun:ffi and shipped as one executable with the Bun runtime inside it.

rfc868.socket is enabled by the preset this package ships: systemd listens
on TCP port 37 and starts the sandboxed server on the first request.
rfc868-client, like rdate -p, checks a server.

%prep

%build

%install
cp -a ${stage}/. %{buildroot}/

%pre
# %sysusers_create_package: the user before the files it may own.
if [ -x /usr/bin/systemd-sysusers ]; then
  /usr/bin/systemd-sysusers --replace=/usr/lib/sysusers.d/rfc868.conf - <<'SYSUSERS' || :
${SYSUSERS.trimEnd()}
SYSUSERS
fi

%post
# %systemd_post: on first install, enable what the preset names (rfc868.socket).
if [ $1 -eq 1 ]; then
  systemctl --no-reload preset rfc868.socket >/dev/null 2>&1 || :
fi

%preun
# %systemd_preun: on erase (not upgrade), disable and stop the socket, the services and every instance.
if [ $1 -eq 0 ]; then
  systemctl --no-reload disable --now rfc868.socket ${SERVICES} ${INSTANCES} >/dev/null 2>&1 || :
fi

%postun
# %systemd_postun_with_restart: on upgrade, restart what runs (the old executable), instances included.
if [ $1 -ge 1 ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  systemctl try-restart ${SERVICES} ${INSTANCES} >/dev/null 2>&1 || :
fi

%files
%license /usr/share/licenses/rfc868/copyright
/usr/bin/rfc868
/usr/bin/${CLIENT_NAME}
${UNITS.map((unit) => `/usr/lib/systemd/system/${unit}`).join("\n")}
/usr/lib/systemd/system-preset/80-rfc868.preset
/usr/lib/sysusers.d/rfc868.conf
%dir /etc/rfc868
%config(noreplace) /etc/rfc868/rfc868.toml
${manPages.map((name) => `/usr/share/man/man${name.slice(-1)}/${name}.gz`).join("\n")}

%changelog
${rpmChangelog(readFileSync(join(META, "changelog"), "utf8"))}
`;
}

/**
 * Build dist/rfc868-<version>-1.<arch>.rpm; returns its path. SOURCE_DATE_EPOCH (build.ts) is the build
 * time and clamps every file's mtime; the build host is a fixed name: two builds give the same bytes.
 */
export function buildRpm(inputs: PackageInputs): string {
  const { arch, version, outDir } = inputs;
  const top = join(outDir, `rpm-${RPM_ARCH[arch]}`);
  const stage = join(top, "stage");
  rmSync(top, { recursive: true, force: true });
  mkdirSync(join(stage, "usr/bin"), { recursive: true });
  copyFileSync(inputs.executable, join(stage, "usr/bin/rfc868"));
  chmodSync(join(stage, "usr/bin/rfc868"), 0o755);
  symlinkSync("rfc868", join(stage, "usr/bin", CLIENT_NAME));
  for (const unit of UNITS) put(stage, `usr/lib/systemd/system/${unit}`, readFileSync(join(ROOT, "deploy", unit)));
  put(stage, "usr/lib/systemd/system-preset/80-rfc868.preset", "enable rfc868.socket\n");
  put(stage, "usr/lib/sysusers.d/rfc868.conf", SYSUSERS);
  put(stage, "etc/rfc868/rfc868.toml", readFileSync(join(ROOT, "deploy/rfc868.toml")));
  for (const [name, roff] of Object.entries(inputs.manPages))
    put(stage, `usr/share/man/man${name.slice(-1)}/${name}.gz`, gzipSync(roff, { level: 9 }));
  put(stage, "usr/share/licenses/rfc868/copyright", readFileSync(join(META, "copyright")));
  const specFile = join(top, "rfc868.spec");
  writeFileSync(specFile, rpmSpec(version, stage, Object.keys(inputs.manPages)));

  run([
    "rpmbuild",
    "-bb",
    "--quiet",
    `--target=${RPM_ARCH[arch]}-linux`,
    "--define",
    `_topdir ${top}`,
    "--define",
    `_rpmdir ${outDir}`,
    "--define",
    "_rpmfilename %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm",
    // No brp-strip and friends: stripping deletes the .bun section that holds the program (see the lintian overrides).
    "--define",
    "__os_install_post %{nil}",
    "--define",
    "debug_package %{nil}",
    "--define",
    "_build_id_links none",
    "--define",
    "_buildhost reproducible",
    "--define",
    "use_source_date_epoch_as_buildtime 1",
    "--define",
    "clamp_mtime_to_source_date_epoch 1",
    // gzip, as the .deb: xz or zstd -19 take minutes on a 109 MB executable on this class of machine.
    "--define",
    "_binary_payload w9.gzdio",
    specFile,
  ]);
  rmSync(top, { recursive: true, force: true });
  return join(outDir, `rfc868-${version}-${RPM_RELEASE}.${RPM_ARCH[arch]}.rpm`);
}
