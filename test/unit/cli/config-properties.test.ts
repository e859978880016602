// Property test of the TOML-to-options mapping: any generated table maps to the options the same settings give as flags, or is refused with one line naming the key.
import { afterAll, expect, test } from "bun:test";
import fc from "fast-check";
import { FLAGS, UsageError, parseArgs } from "../../../src/cli/server-flags.ts";
import { parseFlags } from "../../../src/cli/flags.ts";
import { packOptions } from "../../../src/cli/worker-messages.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { RUNS } from "../../support/properties.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(() => files.remove());

/** One key's setting: its TOML text and the flags that say the same, or null flags for a value of the wrong TOML type. */
interface Setting {
  key: string;
  toml: string;
  argv: string[] | null;
}

const str = (s: string) => JSON.stringify(s);
const setting = (key: string, toml: string, argv: string[] | null): Setting => ({ key, toml, argv });

const integerKey = (key: string, min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }).map((n) => setting(key, String(n), [`--${key}`, String(n)])),
    fc.constant(setting(key, str("80"), null)),
  );
const stringKey = (key: string, values: string[]) =>
  fc.oneof(
    fc.constantFrom(...values).map((v) => setting(key, str(v), [`--${key}`, v])),
    fc.constant(setting(key, "7", null)),
  );
const listKey = (key: string, values: string[]) =>
  fc.oneof(
    fc.array(fc.constantFrom(...values), { maxLength: 3 }).map((vs) =>
      setting(
        key,
        `[${vs.map(str).join(", ")}]`,
        vs.flatMap((v) => [`--${key}`, v]),
      ),
    ),
    fc.constant(setting(key, str(values[0]!), null)),
  );
/** A switch key: `on` and `off` are the flags for true and false ([] where the value is the default's own). */
const switchKey = (key: string, on: string[], off: string[]) =>
  fc.oneof(
    fc.boolean().map((b) => setting(key, String(b), b ? on : off)),
    fc.constant(setting(key, str("yes"), null)),
  );

const SETTINGS: fc.Arbitrary<Setting>[] = [
  listKey("host", ["127.0.0.1", "::1", "localhost", "10.0.0.300"]),
  integerKey("port", -2, 70_000),
  integerKey("backlog", -1, 70_000),
  switchKey("reuse-port", ["--reuse-port"], []),
  switchKey("tcp", ["--tcp"], ["--no-tcp"]),
  switchKey("udp", ["--udp"], ["--no-udp"]),
  switchKey("quiet", ["--quiet"], []),
  stringKey("log", ["seed", "json", "JSON", ""]),
  stringKey("user", ["nobody", "daemon"]),
  stringKey("group", ["nogroup"]),
  switchKey("allow-root", ["--allow-root"], []),
  listKey("allow", ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "10.0.0.1/8", "any"]),
  listKey("deny", ["10.1.0.0/16", "::ffff:192.0.2.0/120", "300.0.0.0/8"]),
  fc.oneof(
    fc
      .array(fc.integer({ min: -1, max: 70_000 }), { maxLength: 3 })
      .map((ps) =>
        setting("udp-guard-ports", `[${ps.join(", ")}]`, ps.length > 0 ? ["--udp-guard-ports", ps.join(",")] : null),
      ),
    fc.constant(setting("udp-guard-ports", str("7,9"), null)),
  ),
  switchKey("udp-guard", [], ["--no-udp-guard"]),
  stringKey("rate", ["20/s", "10/m", "1.5/h", "0/s", "fast"]),
  integerKey("burst", 0, 2_000_000),
  stringKey("global-rate", ["1000/s", "0.5/s", "-1/s"]),
  fc.oneof(
    // A bare date that is no date (2021-02-29) is a TOML syntax error: the parser's line, not a key's.
    fc
      .constantFrom("2024-01-01", "2020-02-29", "0099-12-31")
      .map((d) => setting("clock-floor", d, ["--clock-floor", d])),
    fc
      .constantFrom("2024-01-01", "2021-02-29", "24-01-01")
      .map((d) => setting("clock-floor", str(d), ["--clock-floor", d])),
    fc.constant(setting("clock-floor", "20240101", null)),
  ),
  switchKey("require-sync", ["--require-sync"], []),
  fc.constant(setting("prot", "8037", null)), // a misspelt key
];

const fresh = () => ({ hosts: [], help: false, version: false, checkConfig: false });

/** The UsageError message of `run`, or its result. */
function attempt<T>(run: () => T): { ok: T } | { error: string } {
  try {
    return { ok: run() };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { error: error.message };
  }
}

test("a generated TOML table reads as the same settings given as flags, or is refused in one line naming the key", () => {
  const path = files.write("");
  const table = fc.uniqueArray(fc.oneof(...SETTINGS), { selector: (s) => s.key, maxLength: 8 });
  fc.assert(
    fc.property(table, (settings) => {
      files.write(`${settings.map((s) => `${s.key} = ${s.toml}`).join("\n")}\n# generated\n`, path);
      const fromFile = attempt(() => parseArgs(["--config", path]));
      // A key is bad when its TOML type is wrong or its flag alone refuses its value (rules across keys come later).
      const bad = settings.filter(
        (s) => s.argv === null || "error" in attempt(() => parseFlags(s.argv!, FLAGS, fresh())),
      );
      if (bad.length > 0) {
        if (!("error" in fromFile))
          throw new Error(`accepted, though ${bad.map((s) => s.key).join(", ")} should be refused`);
        expect(fromFile.error).not.toContain("\n");
        const named = /^[^:]+: (?:key "([a-z-]+)": |unknown key "([a-z-]+)")/.exec(fromFile.error);
        expect(bad.map((s) => s.key)).toContain(named?.[1] ?? named?.[2] ?? fromFile.error);
        return;
      }
      const fromFlags = attempt(() => parseArgs(settings.flatMap((s) => s.argv!)));
      if ("error" in fromFlags) return void expect(fromFile).toEqual({ error: `${path}: ${fromFlags.error}` });
      if (!("ok" in fromFile)) throw new Error(`refused (${fromFile.error}), though the same flags are accepted`);
      const { config, ...options } = fromFile.ok;
      expect(config).toBe(path);
      expect(options).toEqual(fromFlags.ok);
    }),
    { numRuns: RUNS },
  );
});

test("the options a reload's worker posts arrive whole: packed, cloned across threads, unpacked, they equal what was parsed", () => {
  const cidr = fc.oneof(
    fc.ipV4().map((ip) => `${ip}/32`),
    fc.ipV6(),
    fc.constantFrom("10.0.0.0/8", "::ffff:192.0.2.0/120"),
  );
  const lists = fc.record({
    allow: fc.option(fc.array(cidr, { maxLength: 5 }), { nil: undefined }),
    deny: fc.option(fc.array(cidr, { maxLength: 5 }), { nil: undefined }),
  });
  fc.assert(
    fc.property(
      fc.option(lists, { nil: undefined }),
      fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      (listed, burst) => {
        const hardening =
          listed && Object.fromEntries(Object.entries({ ...listed, burst }).filter(([, v]) => v !== undefined));
        const options = {
          hosts: ["127.0.0.1"],
          help: false,
          version: false,
          port: 0,
          ...(hardening ? { hardening } : {}),
        };
        // The lists put back as the packing's reader would (a clone crosses threads as the worker posts it).
        const { options: cloned, lists } = structuredClone(packOptions(options));
        const unpacked = cloned.hardening
          ? {
              ...cloned,
              hardening: {
                ...cloned.hardening,
                ...Object.fromEntries(
                  Object.entries(lists).map(([name, joined]) => [name, joined === "" ? [] : joined.split("\n")]),
                ),
              },
            }
          : cloned;
        expect(unpacked).toEqual(options);
      },
    ),
    { numRuns: RUNS },
  );
});
