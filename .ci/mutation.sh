#!/usr/bin/env bash
# Mutation testing (test/mutation/run.ts): Stryker and our own bitwise/literal mutants over the modules that decide what a client gets; fails when any file scores below 90%.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s)
set +e
npm run --silent mutation
status=$?
set -e
echo "mutation: exit $status in $(( $(date +%s) - start )) s"
exit "$status"
