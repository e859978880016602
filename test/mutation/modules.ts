// The modules under mutation testing, each with the unit test files that must kill its mutants (no server spawned where avoidable).
import type { TestSpec } from "./test-command.ts";

/** hardening-flags.test.ts without its "bad values exit 2" tests, which each spawn a server. */
const HARDENING_FLAG_UNITS = { file: "test/unit/cli/hardening-flags.test.ts", only: "^parsing good values" };

/**
 * Module -> the test files run for each of its mutants. Keep these to unit tests: every mutant runs
 * them once, so a test that spawns a server costs its start-up a few hundred times over.
 */
export const MUTATION_MODULES: Readonly<Record<string, readonly TestSpec[]>> = {
  "src/base/rfc868.ts": ["test/unit/base/rfc868.test.ts"],
  "src/base/invocation.ts": ["test/unit/base/invocation.test.ts"],
  "src/base/startup-error.ts": ["test/unit/policy/policy-units.test.ts"],
  "src/base/metrics-registry.ts": ["test/unit/base/metrics-registry.test.ts"],
  "src/logging/first-time.ts": ["test/unit/base/metrics-registry.test.ts"],
  "src/policy/access-policy.ts": [
    "test/unit/policy/address-set.test.ts",
    "test/unit/policy/hardening-cidr.test.ts",
    "test/unit/policy/cidr-properties.test.ts",
  ],
  "src/policy/admission.ts": ["test/unit/policy/admission.test.ts"],
  "src/policy/address-set.ts": [
    "test/unit/policy/address-set.test.ts",
    "test/unit/policy/hardening-cidr.test.ts",
    "test/unit/policy/cidr-properties.test.ts",
  ],
  "src/policy/cidr.ts": [
    "test/unit/policy/address-set.test.ts",
    "test/unit/policy/hardening-cidr.test.ts",
    "test/unit/policy/cidr-properties.test.ts",
  ],
  "src/policy/clock-guard.ts": ["test/unit/policy/policy-units.test.ts"],
  "src/policy/rate-limit.ts": [
    "test/unit/policy/rate-limit-table.test.ts",
    "test/unit/policy/hardening-limits.test.ts",
  ],
  "src/policy/refusals.ts": ["test/unit/policy/policy-units.test.ts"],
  "src/policy/token-bucket.ts": ["test/unit/policy/policy-units.test.ts"],
  "src/policy/udp-guard.ts": ["test/unit/policy/policy-units.test.ts"],
  "src/metrics/http-request.ts": ["test/unit/metrics/units.test.ts"],
  "src/cli/flags.ts": [
    "test/unit/cli/cli-properties.test.ts",
    "test/unit/cli/cli-units.test.ts",
    "test/unit/cli/cli.test.ts",
    HARDENING_FLAG_UNITS,
  ],
  "src/cli/hardening-flags.ts": [
    "test/unit/cli/cli-properties.test.ts",
    "test/unit/cli/cli-units.test.ts",
    "test/unit/cli/cli.test.ts",
    HARDENING_FLAG_UNITS,
  ],
  "src/cli/client-flags.ts": [
    "test/unit/cli/cli-properties.test.ts",
    "test/unit/cli/cli-units.test.ts",
    { file: "test/integration/client/client.test.ts", only: "the client's command line" },
  ],
  "src/cli/config-keys.ts": [
    "test/unit/cli/config-properties.test.ts",
    "test/unit/cli/cli-units.test.ts",
    { file: "test/integration/config/file.test.ts", only: "^the keys" },
  ],
  "native/fdset.ts": ["test/unit/native/fdset.test.ts"],
  "native/checked-int.ts": [
    "test/unit/native/fdset.test.ts",
    "test/unit/native/sockaddr.test.ts",
    "test/unit/native/errno.test.ts",
  ],
  "native/sockaddr.ts": ["test/unit/native/sockaddr.test.ts"],
  "native/source-address.ts": ["test/unit/native/sockaddr.test.ts"],
};

/** The mutation score every file must reach, in percent: killed and timed-out mutants over all valid, undisabled ones. */
export const BREAK_THRESHOLD = 90;
