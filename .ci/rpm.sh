#!/usr/bin/env bash
# rpm checks (issue 20), after `bun packaging/build.ts`: rpmlint on both rpms (no errors, no unexplained
# warnings: packaging/rpm/rpmlint.toml), then the x86_64 rpm installed into a scratch root with rpm --root
# (dependencies ignored: the root holds no glibc package), its files verified, the installed executable
# serving rdate, and rpm -e removing every file.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
rpms=("dist/rfc868-${version}-1.x86_64.rpm" "dist/rfc868-${version}-1.aarch64.rpm")
ls -l "${rpms[@]}"

echo "== rpmlint"
for rpm in "${rpms[@]}"; do
  out=$(rpmlint -c packaging/rpm/rpmlint.toml "$rpm" 2>&1)
  summary=$(tail -n 1 <<<"$out")
  echo "$rpm: $summary"
  if ! grep -q ' 0 errors, 0 warnings' <<<"$summary"; then
    echo "$out" >&2
    exit 1
  fi
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# The scriptlets run chrooted into the root: give it a /bin/sh (the host's, with the libraries ldd names),
# so that they run as on a real system, where systemctl and systemd-sysusers are absent and skipped.
mkdir -p "$root/bin" "$root/dev"
cp /bin/sh "$root/bin/sh"
for library in $(ldd /bin/sh | grep -oE '/\S+'); do
  mkdir -p "$root$(dirname "$library")"
  cp "$library" "$root$library"
done
rpm --root "$root" --initdb
# Debian's rpm says so on every install; it is not a problem here.
quiet() { "$@" 2> >(grep -v -e 'should not be used directly' -e 'assuming you know what you are doing' >&2); }

echo "== rpm --root $root -i ${rpms[0]}"
quiet rpm --root "$root" --nodeps -i "${rpms[0]}"
rpm --root "$root" -V --nodeps rfc868
rpm --root "$root" -qc rfc868 | grep -qx /etc/rfc868/rfc868.toml
test "$(readlink "$root/usr/bin/rfc868-client")" = rfc868
for file in usr/lib/systemd/system/rfc868.socket usr/lib/systemd/system/rfc868@.service usr/lib/sysusers.d/rfc868.conf \
  usr/share/man/man8/rfc868.8.gz usr/share/man/man1/rfc868-client.1.gz usr/share/man/man5/rfc868.toml.5.gz; do
  test -f "$root/$file"
done

echo "== $root/usr/bin/rfc868 with its config serves rdate"
bash .ci/serves-rdate.sh "$root/usr/bin/rfc868" --config "$root/etc/rfc868/rfc868.toml"

echo "== rpm -U of the same version again (--replacepkgs: the upgrade scriptlets), then rpm -e"
quiet rpm --root "$root" --nodeps -U --replacepkgs "${rpms[0]}"
quiet rpm --root "$root" --nodeps -e rfc868
left=$(find "$root" -path "$root/bin" -prune -o -path "$root/lib*" -prune -o -path "$root/usr/lib*" -prune -o -path "$root/var" -prune -o -path "$root/dev" -prune -o -path "$root/root/.rpmdb" -prune -o -type f -print)
if [ -n "$left" ] || [ -e "$root/usr/bin/rfc868" ] || [ -e "$root/usr/lib/systemd/system/rfc868.socket" ]; then
  echo "rpm -e left files behind: $left" >&2
  exit 1
fi
echo "rpm checks passed"
