// Set by .ci/arm64.sh, which runs the suite on the aarch64 Bun under qemu-user, in a user namespace.

/**
 * The namespace maps only uid 0 (to the real user), so the process is "root" without a real root's
 * powers: no other uid to switch to, no port below 1024 or raw socket on the host's network.
 */
export const USERNS_ROOT = process.env.RFC868_TEST_USERNS_ROOT === "1";

/** Root as the tests that bind low ports, send raw packets or switch users need it. */
export const REAL_ROOT = process.getuid?.() === 0 && !USERNS_ROOT;

/** Why a test that needs REAL_ROOT skips. */
export const NOT_REAL_ROOT = USERNS_ROOT ? "needs a real root, not the user namespace of .ci/arm64.sh" : "needs root";

/** Emulation runs Bun about 25x slower than native: time budgets for tests and hooks grow by this factor. */
export const TIME_SCALE = Number(process.env.RFC868_TEST_TIME_SCALE ?? "1");

/**
 * The suite runs on the aarch64 Bun under qemu-user. qemu keeps host real-time signals for itself and
 * cannot hand every guest one through (a kill of signal 64 fails with EINVAL; SigIgn shows qemu's own
 * dispositions), so tests of the real-time range run natively only.
 */
export const UNDER_QEMU = process.env.RFC868_TEST_QEMU === "1";
