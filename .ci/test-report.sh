#!/usr/bin/env bash
# Print a `bun test` log's totals and, for each failed test, its file, name and what it printed before failing.
# Usage: test-report.sh LABEL LOG. CI shows only the tail of its output, so .ci/run calls this last:
# a failure must be readable there without scrolling back through the whole suite.
set -euo pipefail
label=$1 log=$2
count() { local n; n=$(grep -oE "^ *[0-9]+ $1\$" "$log" | tail -n 1 | tr -dc '0-9' || true); echo "${n:-0}"; }
echo "$label: $(count pass) passed, $(count fail) failed, $(count skip) skipped"
# Bun prints a test's output and error first, then its "(fail)" line, and repeats the "(fail)" lines in a
# summary after the run; only the first occurrence carries the error. Each block starts after the
# previous result line or file header, and is cut to its last 40 lines, for at most 5 failures.
awk -v max=5 -v keep=40 '
  /^test\/.*\.test\.ts:$/ { file = $0; n = 0; next }
  /^\((pass|skip|todo)\) / { n = 0; next }
  /^\(fail\) / {
    if (seen[$0]++ || shown >= max) { n = 0; next }
    shown++
    print "---- " file " " $0
    for (i = (n > keep ? n - keep : 0); i < n; i++) print "  " block[i % keep]
    n = 0; next
  }
  { block[n % keep] = $0; n++ }
' "$log"
# More than those few: every failure's name, once.
failed=$(grep -E '^\(fail\) ' "$log" | sort -u || true)
if [ "$(grep -c . <<<"$failed")" -gt 5 ]; then
  echo "every failure:"
  sed 's/^/  /' <<<"$failed"
fi
