// The modules under mutation testing, each with the unit test files that must kill its mutants (no server spawned where avoidable).
import type { TestSpec } from "./test-command.ts";

/** hardening-flags.test.ts without its "bad values exit 2" tests, which each spawn a server. */
const HARDENING_FLAG_UNITS = { file: "test/hardening-flags.test.ts", only: "^parsing good values" };

/**
 * Module -> the test files run for each of its mutants. Keep these to unit tests: every mutant runs
 * them once, so a test that spawns a server costs its start-up a few hundred times over.
 */
export const MUTATION_MODULES: Readonly<Record<string, readonly TestSpec[]>> = {
  "src/base/rfc868.ts": ["test/rfc868.test.ts"],
  "src/base/invocation.ts": ["test/invocation.test.ts"],
  "src/base/startup-error.ts": ["test/policy-units.test.ts"],
  "src/policy/access-policy.ts": ["test/address-set.test.ts", "test/hardening-cidr.test.ts", "test/cidr-properties.test.ts"],
  "src/policy/admission.ts": ["test/admission.test.ts"],
  "src/policy/address-set.ts": ["test/address-set.test.ts", "test/hardening-cidr.test.ts", "test/cidr-properties.test.ts"],
  "src/policy/cidr.ts": ["test/address-set.test.ts", "test/hardening-cidr.test.ts", "test/cidr-properties.test.ts"],
  "src/policy/clock-guard.ts": ["test/policy-units.test.ts"],
  "src/policy/rate-limit.ts": ["test/rate-limit-table.test.ts", "test/hardening-limits.test.ts"],
  "src/policy/refusals.ts": ["test/policy-units.test.ts"],
  "src/policy/token-bucket.ts": ["test/policy-units.test.ts"],
  "src/policy/udp-guard.ts": ["test/policy-units.test.ts"],
  "src/metrics/http-request.ts": ["test/metrics-units.test.ts"],
  "src/cli/flags.ts": ["test/cli-properties.test.ts", "test/cli-units.test.ts", "test/cli.test.ts", HARDENING_FLAG_UNITS],
  "src/cli/hardening-flags.ts": ["test/cli-properties.test.ts", "test/cli-units.test.ts", "test/cli.test.ts", HARDENING_FLAG_UNITS],
  "src/cli/client-flags.ts": ["test/cli-properties.test.ts", "test/cli-units.test.ts", { file: "test/client.test.ts", only: "the client's command line" }],
  "src/cli/config-keys.ts": ["test/config-properties.test.ts", "test/cli-units.test.ts", { file: "test/config-file.test.ts", only: "^the keys" }],
  "native/fdset.ts": ["test/fdset.test.ts"],
  "native/checked-int.ts": ["test/fdset.test.ts", "test/sockaddr.test.ts", "test/errno.test.ts"],
  "native/sockaddr.ts": ["test/sockaddr.test.ts"],
  "native/source-address.ts": ["test/sockaddr.test.ts"],
};

/** The mutation score every file must reach, in percent: killed and timed-out mutants over all valid, undisabled ones. */
export const BREAK_THRESHOLD = 90;
