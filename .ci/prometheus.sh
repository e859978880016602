#!/usr/bin/env bash
# Fetch Debian's prometheus package (promtool and the server) into .ci/.cache/prometheus without installing the service.
# The metrics tests look there (test/support/metrics.ts) and skip, saying why, when it is absent.
set -euo pipefail
cd "$(dirname "$0")"
dest=.cache/prometheus
if [ -x "$dest/usr/bin/promtool" ] && [ -x "$dest/usr/bin/prometheus" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A fresh machine may have no package lists yet: fetch them once if the first try fails.
(cd "$work" && { apt-get download -qq prometheus || { apt-get update -qq && apt-get download -qq prometheus; }; })
rm -rf "$dest"
mkdir -p "$dest"
dpkg-deb -x "$work"/prometheus_*.deb "$dest"
"$dest/usr/bin/promtool" --version | head -n 1
