#!/usr/bin/env bash
# Reproducible builds (issue 20), after `npx bun run build`: build the same commit again from a clone in
# another directory, later, and compare every artefact in dist/ byte for byte. On a mismatch diffoscope
# (Debian's, in .ci/run's package list) shows why; without it, the first differing bytes (cmp -l).
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(mktemp -d)
trap 'rm -rf "$other"' EXIT
git clone --quiet --shared --no-checkout . "$other/src"
git -C "$other/src" checkout --quiet --detach "$(git rev-parse HEAD)"
# The same dependencies and the same pinned arm64 runtime (already fetched from the npm registry), linked, not fetched again.
ln -s "$PWD/node_modules" "$other/src/node_modules"
mkdir -p "$other/src/dist"
if [ -d dist/.runtimes ]; then cp -al dist/.runtimes "$other/src/dist/"; fi
# The architectures the first build made (both in CI; one when a developer built one with --arch).
arches=(dist/linux-*)
arches=("${arches[@]#dist/linux-}")
build=(npx bun packaging/build.ts)
if [ "${#arches[@]}" -eq 1 ]; then build+=(--arch "${arches[0]}"); fi
# No SOURCE_DATE_EPOCH from this environment: each build must find the commit's time by itself.
(cd "$other/src" && env -u SOURCE_DATE_EPOCH "${build[@]}") >/dev/null

# The signature is made with the release manager's key at a given time: not an artefact of the build.
differing=$(diff -rq --no-dereference -x .runtimes -x SHA256SUMS.asc dist "$other/src/dist" || true)
if [ -z "$differing" ]; then
  echo "reproducible: $(find dist -path dist/.runtimes -prune -o -type f -print | wc -l) artefacts byte-identical in two builds of $(git rev-parse --short HEAD)"
  exit 0
fi
echo "not reproducible:" >&2
echo "$differing" >&2
grep -oE '^Files \S+ and \S+ differ$' <<<"$differing" | while read -r _ a _ b _; do
  if command -v diffoscope >/dev/null; then
    diffoscope --text - --max-report-size 200000 "$a" "$b" >&2 || true
  else
    cmp -l "$a" "$b" | head -n 20 >&2 || true
  fi
done
exit 1
