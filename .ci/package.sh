#!/usr/bin/env bash
# Package checks (issue 11), after `bun packaging/build.ts`: the checksums and the SBOM, lintian on both .debs, then on this machine
# (root, a throwaway CI host) dpkg -i the amd64 package, verify and score its units, serve rdate from
# /usr/bin/rfc868, dpkg -P it and check that no file is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
deb_amd64="dist/rfc868_${version}_amd64.deb"
deb_arm64="dist/rfc868_${version}_arm64.deb"
ls -l dist/linux-*/rfc868 "$deb_amd64" "$deb_arm64"

echo "== dist/SHA256SUMS verifies; the SBOM is valid CycloneDX 1.5 and hashes these executables"
(cd dist && sha256sum -c SHA256SUMS)
npx bun test test/system/sbom.test.ts test/system/embedded-bun-version.test.ts
npx bun packaging/embedded-bun-version.ts dist/linux-*/rfc868

echo "== lintian (the overrides cover Bun's runtime only: packaging/debian/lintian-overrides)"
for deb in "$deb_amd64" "$deb_arm64"; do
  out=$(lintian "$deb" 2>&1 | grep -v '^running with root privileges' || true)
  echo "$deb: ${out:-clean}"
  if grep -qE '^[EW]:' <<<"$out"; then exit 1; fi
done

if dpkg-query -W rfc868 >/dev/null 2>&1; then
  echo "rfc868 is already installed here: not touching it" >&2
  exit 1
fi
# Every path where a package or its maintainer scripts put things, except what changes by itself
# (man-db's cache, logs). Home directories stay out: other jobs' npm and bun caches live there.
snapshot() {
  find /etc /usr /lib /opt /srv /var -xdev \( -path /var/cache/man -o -path /var/log -o -path /var/tmp \) -prune -o -print | sort
}
before=$(mktemp); after=$(mktemp)
trap 'rm -f "$before" "$after"' EXIT
snapshot >"$before"

echo "== dpkg -i $deb_amd64"
dpkg -i "$deb_amd64"
dpkg -L rfc868
test "$(readlink /usr/bin/rfc868-client)" = rfc868
man -w rfc868 rfc868-client
man -w 5 rfc868.toml

echo "== systemd-analyze verify"
# The template is verified as an instance, which is what systemd loads.
systemd-analyze verify /lib/systemd/system/rfc868.socket /lib/systemd/system/rfc868.service \
  /lib/systemd/system/rfc868-standalone.service rfc868@1.service
echo "== systemd-analyze security --offline=true"
for unit in rfc868.service rfc868-standalone.service rfc868@1.service; do
  systemd-analyze security --offline=true "$unit" | tail -n 1
done

echo "== /usr/bin/rfc868 with the conffile serves rdate (no systemd as PID 1 here: started by hand on a free port)"
bash .ci/serves-rdate.sh /usr/bin/rfc868 --config /etc/rfc868/rfc868.toml

echo "== dpkg -i again (the upgrade path of the maintainer scripts), dpkg -r keeps the conffile, dpkg -P"
dpkg -i "$deb_amd64"
dpkg -r rfc868
test -f /etc/rfc868/rfc868.toml
test ! -e /usr/bin/rfc868
dpkg -P rfc868
snapshot >"$after"
if ! diff "$before" "$after"; then
  echo "dpkg -P left the paths above behind" >&2
  exit 1
fi
echo "package checks passed: no file left behind"
