// Unit tests of the flag tables and parsers in src/cli as users meet them: --help rows and defaults, exact error wording, value bounds, config keys.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, flagRows, parseChoice, parseFlags, type Flag } from "../../../src/cli/flags.ts";
import { checkHardeningFlags, parseCidrFlag, parseDate, parseRate } from "../../../src/cli/hardening-flags.ts";
import { clientUsage, parseClientArgs, parseSeconds, resolveHost } from "../../../src/cli/client-flags.ts";
import { configKeys } from "../../../src/cli/config-keys.ts";
import { FLAGS, parseArgs, usage } from "../../../src/cli/server-flags.ts";
import type { CliOptions } from "../../../src/cli/server-options.ts";
import { ConfigError } from "../../../src/base/config-error.ts";
import { DEFAULTS } from "../../../src/base/defaults.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** The UsageError message `run` throws; fails the test when it throws nothing or something else. */
function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError, got none");
}

/** The README's "## Options" block: a copy users read, kept apart from the code. */
function readmeOptionRows(): string[] {
  const readme = readFileSync(join(import.meta.dir, "../../..", "README.md"), "utf8");
  const block = /^## Options\n\n```\n([\s\S]*?)```/m.exec(readme);
  expect(block).not.toBeNull();
  return block![1]!.split("\n").filter((line) => line.startsWith("  --"));
}

describe("the server's --help", () => {
  test("its option rows are exactly the README's options block, padding included", () => {
    const rows = usage("rfc868")
      .split("\n")
      .filter((line) => line.startsWith("  --"));
    expect(rows.length).toBe(FLAGS.length);
    expect(rows).toEqual(readmeOptionRows());
  });

  test("the burst bounds are 1 and 1,000,000, and the message says so", () => {
    const burst = (n: string) => parseArgs(["--rate", "1/s", "--burst", n]).hardening!.burst;
    expect(burst("1")).toBe(1);
    expect(burst("1000000")).toBe(1_000_000);
    expect(usageMessage(() => burst("0"))).toBe('--burst: expected an integer from 1 to 1000000, got "0"');
    expect(usageMessage(() => burst("1000001"))).toBe('--burst: expected an integer from 1 to 1000000, got "1000001"');
  });

  test("a CIDR typo is a usage error naming the flag, the reason and the value", () => {
    expect(parseCidrFlag("allow", "10.0.0.0/8")).toBe("10.0.0.0/8");
    expect(usageMessage(() => parseCidrFlag("deny", "10.0.0.0/33"))).toBe(
      '--deny: the prefix must be a number from 0 to 32 (such as 192.0.2.0/24 or 2001:db8::/32), got "10.0.0.0/33"',
    );
    expect(usageMessage(() => parseArgs(["--allow", "10.0.0.1/24"]))).toMatch(/^--allow: .*, got "10\.0\.0\.1\/24"$/);
  });

  test("each value flag's message names the flag as typed", () => {
    expect(usageMessage(() => parseArgs(["--deny", "10.0.0.0/33"]))).toStartWith("--deny: the prefix must be");
    expect(usageMessage(() => parseArgs(["--udp-guard-ports", "7,65536"]))).toBe(
      '--udp-guard-ports: expected an integer from 0 to 65535, got "65536"',
    );
    expect(usageMessage(() => parseArgs(["--global-rate", "0/s"]))).toStartWith("--global-rate: expected a rate");
    expect(usageMessage(() => parseArgs(["--clock-floor", "2024-13-01"]))).toBe(
      '--clock-floor: expected a date YYYY-MM-DD (UTC), got "2024-13-01"',
    );
  });

  test("rates and dates: good values, and each bad kind's exact message", () => {
    expect(parseRate("rate", "90/m")).toBe(1.5);
    // The unit is the last character: nothing may follow it.
    for (const text of ["10/sx", "10/s ", "10/mm"])
      expect(usageMessage(() => parseRate("rate", text))).toBe(
        `--rate: expected a rate such as 20/s, 600/m or 10/h (above 0), got ${JSON.stringify(text)}`,
      );
    expect(usageMessage(() => parseRate("rate", "fast"))).toBe(
      '--rate: expected a rate such as 20/s, 600/m or 10/h (above 0), got "fast"',
    );
    expect(usageMessage(() => parseRate("global-rate", "0/s"))).toBe(
      '--global-rate: expected a rate such as 20/s, 600/m or 10/h (above 0), got "0/s"',
    );
    expect(parseDate("clock-floor", "2024-01-01")).toBe(Date.parse("2024-01-01T00:00:00Z"));
    for (const bad of ["x2024-01-01", "2024-01-01x", "2024-02-30"]) {
      expect(usageMessage(() => parseDate("clock-floor", bad))).toBe(
        `--clock-floor: expected a date YYYY-MM-DD (UTC), got ${JSON.stringify(bad)}`,
      );
    }
  });

  test("the checks across flags: --burst needs --rate; --udp-guard-ports contradicts --no-udp-guard", () => {
    expect(usageMessage(() => checkHardeningFlags({ hardening: { burst: 5 } }))).toBe("--burst needs --rate");
    expect(() => checkHardeningFlags({ hardening: { burst: 5, rate: 1 } })).not.toThrow();
    expect(usageMessage(() => checkHardeningFlags({ hardening: { udpGuard: false, udpGuardPorts: [7] } }))).toBe(
      "--udp-guard-ports and --no-udp-guard contradict each other",
    );
    expect(() => checkHardeningFlags({ hardening: { udpGuard: false } })).not.toThrow();
    expect(() => checkHardeningFlags({ hardening: { udpGuardPorts: [7] } })).not.toThrow();
    expect(() => checkHardeningFlags({})).not.toThrow();
  });
});

describe("the flag mechanism", () => {
  interface Recorded {
    values: string[];
    host?: string;
  }
  const RECORDING: Flag<Recorded>[] = [
    { name: "switch", help: "", apply: (o, v) => void o.values.push(v) },
    { name: "value", value: "V", help: "", apply: (o, v) => void o.values.push(v) },
  ];

  test("a switch's apply gets the empty string; a value flag gets its value in both forms", () => {
    expect(parseFlags(["--switch", "--value", "a", "--value=b"], RECORDING, { values: [] }).values).toEqual([
      "",
      "a",
      "b",
    ]);
  });

  test("a flag must be the whole argument: text before -- is an unknown option", () => {
    expect(usageMessage(() => parseFlags(["x--switch"], RECORDING, { values: [] }))).toBe(
      'unknown option "x--switch" (see --help)',
    );
    expect(usageMessage(() => parseArgs(["x--help"]))).toBe('unknown option "x--help" (see --help)');
  });

  test("with a positional handler, only arguments not starting with - are positional", () => {
    const positional = (o: Recorded, arg: string) => void (o.host = arg);
    const parsed = parseFlags(["--switch", "h-", "--value", "-v"], RECORDING, { values: [] }, positional);
    expect(parsed).toEqual({ values: ["", "-v"], host: "h-" });
    expect(usageMessage(() => parseFlags(["-x"], RECORDING, { values: [] }, positional))).toBe(
      'unknown option "-x" (see --help)',
    );
  });

  test("parseChoice returns a listed choice and names the choices otherwise", () => {
    expect(parseChoice("log", "json", ["seed", "json"])).toBe("json");
    expect(usageMessage(() => parseChoice("log", "xml", ["seed", "json"]))).toBe(
      '--log: unknown value "xml" (one of seed, json)',
    );
  });

  test("flagRows pads short names to 20 columns and long ones to two spaces past the longest", () => {
    const short: Flag<object>[] = [
      { name: "a", value: "N", help: "first", apply: () => {} },
      { name: "bb", help: "second", apply: () => {} },
    ];
    expect(flagRows(short)).toEqual(["  --a N             first", "  --bb              second"]);
    const long: Flag<object>[] = [
      ...short,
      { name: "a-long-flag-name", value: "VALUE", help: "third", apply: () => {} },
    ];
    expect(flagRows(long)).toEqual([
      "  --a N                     first",
      "  --bb                      second",
      "  --a-long-flag-name VALUE  third",
    ]);
  });
});

describe("the client's command line", () => {
  test("its --help text, word for word", () => {
    expect(clientUsage("rfc868-client")).toBe(
      [
        "usage: rfc868-client HOST [options]",
        "",
        "Ask an RFC 868 time server for the time, like rdate -p: print the server's time, its offset from",
        "the local clock and the round trip. The reply must be exactly 4 bytes.",
        "",
        "HOST is an IPv4 or IPv6 address literal, or localhost (127.0.0.1); no other name is resolved (no DNS).",
        "",
        "The 32-bit value is read as OpenBSD's rdate does, in the unsigned window 1970-01-01 to 2106-02-07:",
        "a value below 2208988800 (which would be before 1970) is taken as after the 2036 wrap.",
        "",
        "options:",
        "  --port N          the server's port (default 37)",
        "  --udp             ask over UDP (default TCP); an unanswered request times out",
        "  --timeout S       give up after S seconds (default 5; fractions allowed)",
        "  --json            print one JSON object instead of text",
        "  --help            show this help and exit",
        "  --version         print the version, the git commit and the Bun version, and exit",
        "",
        "exit status: 0 with a reply, 1 when the query fails (one line on stderr), 2 for a usage mistake.",
      ].join("\n"),
    );
  });

  test("the defaults are RFC 868's port 37 and the 5 s --help states, over TCP, as text", () => {
    expect(parseClientArgs(["192.0.2.1"])).toEqual({
      host: "192.0.2.1",
      port: 37,
      udp: false,
      timeoutMs: 5000,
      json: false,
      help: false,
      version: false,
    });
  });

  test("every flag sets what it says, in any order around HOST", () => {
    expect(parseClientArgs(["--udp", "::1", "--json", "--port", "65535", "--timeout", "0.25"])).toEqual({
      host: "::1",
      port: 65535,
      udp: true,
      timeoutMs: 250,
      json: true,
      help: false,
      version: false,
    });
    expect(parseClientArgs(["--help"]).help).toBe(true);
    expect(parseClientArgs(["--version"]).version).toBe(true);
  });

  test("ports 1 and 65535 are the bounds", () => {
    expect(parseClientArgs(["h", "--port", "1"]).port).toBe(1);
    expect(usageMessage(() => parseClientArgs(["h", "--port", "0"]))).toBe(
      '--port: expected an integer from 1 to 65535, got "0"',
    );
    expect(usageMessage(() => parseClientArgs(["h", "--port", "65536"]))).toBe(
      '--port: expected an integer from 1 to 65535, got "65536"',
    );
  });

  test("--timeout is more than 0 and at most 3600 seconds, rounded up to the millisecond", () => {
    expect(parseSeconds("timeout", "0.001")).toBe(1);
    expect(parseSeconds("timeout", "0.0005")).toBe(1);
    expect(parseSeconds("timeout", "3599.9995")).toBe(3_600_000);
    expect(parseSeconds("timeout", "3600")).toBe(3_600_000);
    expect(parseSeconds("timeout", "3600.000")).toBe(3_600_000);
    for (const bad of ["0", "0.000", "3600.0005", "3600.001", "1e3", ".5", ""]) {
      expect(usageMessage(() => parseSeconds("timeout", bad))).toBe(
        `--timeout: expected seconds, more than 0 and at most 3600, got ${JSON.stringify(bad)}`,
      );
    }
  });

  test("HOST is an address literal or localhost, which is 127.0.0.1; one HOST only", () => {
    expect(resolveHost("localhost")).toBe("127.0.0.1");
    expect(resolveHost("192.0.2.1")).toBe("192.0.2.1");
    expect(resolveHost("2001:db8::1")).toBe("2001:db8::1");
    expect(usageMessage(() => resolveHost("example.com"))).toBe(
      'HOST must be an IPv4 or IPv6 address literal or localhost (no DNS), got "example.com"',
    );
    expect(usageMessage(() => parseClientArgs(["a", "b"]))).toBe('one HOST only, got "a" and "b"');
    expect(usageMessage(() => parseClientArgs([]))).toBe("HOST is missing (see --help)");
  });
});

describe("the config file's keys", () => {
  const keys = configKeys(FLAGS);
  const fresh = (): CliOptions => ({ hosts: [], help: false, version: false, checkConfig: false });
  const apply = (name: string, value: unknown): CliOptions => {
    const options = fresh();
    keys.get(name)!.apply(options, value);
    return options;
  };

  test("a wrong TOML type names the type expected, for each kind of key", () => {
    expect(usageMessage(() => apply("rate", 5))).toBe("expected a string, got 5");
    expect(usageMessage(() => apply("rate", TemporalDateOf("2024-01-01")))).toBe('expected a string, got "2024-01-01"');
    expect(usageMessage(() => apply("clock-floor", 5))).toBe("expected a date such as 2024-01-01, got 5");
    expect(usageMessage(() => apply("port", 1.5))).toBe("expected an integer, got 1.5");
    expect(usageMessage(() => apply("port", "8037"))).toBe('expected an integer, got "8037"');
    expect(usageMessage(() => apply("allow", "10.0.0.0/8"))).toBe('expected an array of strings, got "10.0.0.0/8"');
    expect(usageMessage(() => apply("allow", ["10.0.0.0/8", 5]))).toBe(
      'expected an array of strings, got ["10.0.0.0/8",5]',
    );
    expect(usageMessage(() => apply("udp-guard-ports", []))).toBe("expected a non-empty array of integers, got []");
    expect(usageMessage(() => apply("udp-guard-ports", [7, "9"]))).toBe(
      'expected a non-empty array of integers, got [7,"9"]',
    );
    expect(usageMessage(() => apply("udp-guard-ports", "7"))).toBe('expected a non-empty array of integers, got "7"');
    expect(usageMessage(() => apply("tcp", "yes"))).toBe('expected true or false, got "yes"');
  });

  test("good values reach the flag's parser; its message loses the --flag prefix", () => {
    expect(apply("clock-floor", TemporalDateOf("2024-01-02")).hardening!.clockFloorMs).toBe(
      Date.parse("2024-01-02T00:00:00Z"),
    );
    expect(apply("allow", ["10.0.0.0/8", "::1"]).hardening!.allow).toEqual(["10.0.0.0/8", "::1"]);
    expect(apply("deny", ["192.0.2.0/24"]).hardening!.deny).toEqual(["192.0.2.0/24"]);
    expect(apply("global-rate", "60/m").hardening!.globalRate).toBe(1);
    expect(apply("udp-guard-ports", [7, 9]).hardening!.udpGuardPorts).toEqual([7, 9]);
    expect(usageMessage(() => apply("rate", "fast"))).toBe(
      'expected a rate such as 20/s, 600/m or 10/h (above 0), got "fast"',
    );
    expect(usageMessage(() => apply("burst", 0))).toBe('expected an integer from 1 to 1000000, got "0"');
  });

  test("each key names the option it sets and whether a reload applies it (live) or it needs a restart", () => {
    const slots = Object.fromEntries(
      [...keys].map(([name, key]) => [name, `${key.option?.field} ${key.option?.reload}`]),
    );
    expect(slots).toEqual({
      host: "hosts restart",
      port: "port restart",
      backlog: "backlog restart",
      "reuse-port": "reusePort restart",
      tcp: "tcp restart",
      udp: "udp restart",
      quiet: "quiet live",
      log: "logFormat live",
      user: "user restart",
      group: "group restart",
      "allow-root": "allowRoot restart",
      allow: "hardening.allow live",
      deny: "hardening.deny live",
      "udp-guard-ports": "hardening.udpGuardPorts live",
      "udp-guard": "hardening.udpGuard live",
      rate: "hardening.rate live",
      burst: "hardening.burst live",
      "global-rate": "hardening.globalRate live",
      "clock-floor": "hardening.clockFloorMs live",
      "require-sync": "hardening.requireSync live",
      metrics: "metrics restart",
      "idle-exit": "idleExitSeconds restart",
    });
    // Each option has its place in the defaults (undefined: off until set), and a live one is one TimeServer.reconfigure takes.
    for (const { option } of keys.values()) {
      const [top, inner] = option!.field.split(".") as [keyof typeof DEFAULTS, string | undefined];
      expect(inner === undefined ? top in DEFAULTS : inner in DEFAULTS.hardening).toBe(true);
      if (option!.reload === "live") expect(["hardening", "quiet", "logFormat"]).toContain(top);
    }
  });

  test("a usage error is a ConfigError, so a reload refuses the file rather than reporting a fault", () => {
    expect(new UsageError("x")).toBeInstanceOf(ConfigError);
  });

  test("the help shows the defaults the server has (src/base/defaults.ts)", () => {
    const help = usage("rfc868");
    expect(help).toContain(`(default ${DEFAULTS.hosts[0]}; :: is dual stack)`);
    expect(help).toContain("(default 8037; 0 picks a free one)");
    expect(help).toContain("(default 1024)");
    expect(help).toContain("(default 0,7,9,13,19,37; our own port always)");
    expect(help).toContain("send no time while the clock reads before this UTC date (default 2024-01-01)");
  });

  test("switch keys: a pair is one boolean key; a lone switch sets only its own value", () => {
    expect(keys.get("tcp")!.flags).toEqual(["tcp", "no-tcp"]);
    expect(apply("tcp", false).tcp).toBe(false);
    expect(apply("tcp", true).tcp).toBe(true);
    expect(keys.get("udp-guard")!.flags).toEqual(["no-udp-guard"]);
    expect(apply("udp-guard", false).hardening!.udpGuard).toBe(false);
    expect(apply("udp-guard", true).hardening).toBeUndefined();
    expect(keys.get("require-sync")!.flags).toEqual(["require-sync"]);
    expect(apply("require-sync", true).hardening!.requireSync).toBe(true);
    expect(apply("require-sync", false).hardening).toBeUndefined();
  });

  test("a key's name drops only a leading no-, and a switch's apply gets the empty string", () => {
    const seen: string[] = [];
    const table: Flag<object>[] = [
      { name: "keep-no-cache", config: { switch: false }, help: "", apply: (_o, v) => void seen.push(v) },
    ];
    const own = configKeys(table);
    expect([...own.keys()]).toEqual(["keep-no-cache"]);
    own.get("keep-no-cache")!.apply({}, false);
    expect(seen).toEqual([""]);
  });

  test("an error that is not a usage mistake passes through unchanged", () => {
    const bug = new TypeError("a bug");
    const table: Flag<object>[] = [
      {
        name: "x",
        config: "string",
        help: "",
        apply: () => {
          throw bug;
        },
      },
    ];
    let caught: unknown;
    try {
      configKeys(table).get("x")!.apply({}, "v");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(bug);
  });
});

/** A TOML local date as Bun's parser gives it. */
function TemporalDateOf(text: string): unknown {
  return (
    globalThis as unknown as { Temporal: { PlainDate: { from(text: string): unknown } } }
  ).Temporal.PlainDate.from(text);
}
