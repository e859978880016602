#!/usr/bin/env bash
# arm64, verified: after `bun packaging/build.ts`, run the aarch64 executable and the whole test suite on
# the aarch64 Bun under qemu-user. qemu is registered in a private binfmt_misc inside an unprivileged
# user and mount namespace (kernel >= 6.7), so execve of aarch64 programs (the tests' servers, the
# runtime-tuning re-exec) works as on real hardware, and the host's binfmt_misc is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
  exec unshare --user --map-root-user --mount bash "$0" --inside
fi

mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
# ELF64, little-endian, e_machine 183 (EM_AARCH64); flag F opens qemu now, so it need not be visible to the program.
printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64:F' \
  >/proc/sys/fs/binfmt_misc/register
# qemu looks up the aarch64 dynamic loader and glibc here (Debian's libc6-arm64-cross).
export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu

bun_arm64=$(node_modules/.bin/bun -e 'import { runtimeFor } from "./packaging/runtimes.ts"; console.log(runtimeFor("arm64", require("./package.json").devDependencies.bun, "dist/.runtimes"))')
file -b "$bun_arm64" dist/linux-arm64/rfc868 | cut -d, -f1-2
echo "process.arch under emulation: $("$bun_arm64" -e 'console.log(process.arch)')"

echo "== dist/linux-arm64/rfc868 serves rdate"
bash .ci/serves-rdate.sh dist/linux-arm64/rfc868

# The aarch64 rpm, installed into a scratch root (its scriptlets are run by .ci/rpm.sh on the x86_64 one:
# here the root has no aarch64 shell), and the executable it installed serving rdate.
version=$(node -p 'require("./package.json").version')
rpm_root=$(mktemp -d)
echo "== rpm --root $rpm_root -i rfc868-${version}-1.aarch64.rpm, then its /usr/bin/rfc868 serves rdate"
rpm --root "$rpm_root" --initdb
rpm --root "$rpm_root" --nodeps --noscripts --ignorearch -i "dist/rfc868-${version}-1.aarch64.rpm" 2> >(grep -v -e 'should not be used directly' -e 'assuming you know what you are doing' >&2)
rpm --root "$rpm_root" -V --nodeps rfc868
bash .ci/serves-rdate.sh "$rpm_root/usr/bin/rfc868" --config "$rpm_root/etc/rfc868/rfc868.toml"
rm -rf "$rpm_root"

echo "== the test suite on the aarch64 Bun"
log=$(mktemp)
start=$(date +%s)
set +e
# Tests that need a real root (another uid to switch to, raw sockets on the host network) skip,
# saying so; time budgets scale with the emulation.
RFC868_TEST_QEMU=1 RFC868_TEST_USERNS_ROOT=1 RFC868_TEST_TIME_SCALE=4 "$bun_arm64" test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
bash .ci/test-report.sh "arm64 tests (in $(( $(date +%s) - start )) s)" "$log"
rm -f "$log"
exit "$status"
