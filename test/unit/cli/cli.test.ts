// src/cli/server-flags.ts: parseArgs defaults, both flag forms, repeats, and a UsageError with one clear message for each mistake.
import { afterAll, describe, expect, test } from "bun:test";
import { UsageError, parseArgs, usage } from "../../../src/cli/server-flags.ts";
import { DEFAULTS } from "../../../src/base/defaults.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** The UsageError parseArgs throws for `argv` (fails the test if it returns or throws anything else). */
function usageError(argv: string[]): UsageError {
  let error: unknown;
  try {
    parseArgs(argv);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("parseArgs", () => {
  test("with no flags serves 0.0.0.0 port 8037 with backlog 1024, not quiet, no help or version", () => {
    const options = parseArgs([]);
    expect(options.hosts).toEqual(["0.0.0.0"]);
    // parseArgs may leave port and backlog unset for runTimeServer to default: check what takes effect.
    expect(options.port ?? DEFAULTS.port).toBe(8037);
    expect(options.backlog ?? DEFAULTS.backlog).toBe(1024);
    expect(options.quiet ?? false).toBe(false);
    expect(options.help).toBe(false);
    expect(options.version).toBe(false);
  });

  test("does not share the default hosts array between calls: no call can change it (the configuration is frozen)", () => {
    expect(() => (parseArgs([]).hosts as string[]).push("127.0.0.1")).toThrow(TypeError);
    expect(parseArgs([]).hosts).toEqual(["0.0.0.0"]);
  });

  test("resolves every option once: each unset one at its default, a given one over it, and nothing can change the result", () => {
    expect(parseArgs([])).toEqual({ ...DEFAULTS, config: undefined, help: false, version: false, checkConfig: false });
    const config = parseArgs(["--rate", "5/s", "--allow", "10.0.0.0/8", "--udp"]);
    expect(config.hardening).toEqual({ ...DEFAULTS.hardening, rate: 5, allow: ["10.0.0.0/8"] });
    expect([config.udp, config.tcp, config.port]).toEqual([true, true, 8037]);
    expect([config, config.hardening, config.hardening.allow, config.hosts].every(Object.isFrozen)).toBe(true);
  });

  test("accepts --port=0 and --port 0 alike", () => {
    expect(parseArgs(["--port=0"]).port).toBe(0);
    expect(parseArgs(["--port", "0"]).port).toBe(0);
    expect(parseArgs(["--port=65535"]).port).toBe(65535);
    expect(parseArgs(["--port", "37"]).port).toBe(37);
  });

  test("collects repeated --host flags in order, in both forms, replacing the default", () => {
    expect(parseArgs(["--host", "127.0.0.1", "--host=::1", "--host", "::"]).hosts).toEqual(["127.0.0.1", "::1", "::"]);
  });

  test("sets the switches --quiet, --help (and -h) and --version", () => {
    expect(parseArgs(["--quiet"]).quiet).toBe(true);
    expect(parseArgs(["--help"]).help).toBe(true);
    expect(parseArgs(["-h"]).help).toBe(true);
    expect(parseArgs(["--version"]).version).toBe(true);
  });

  test("refuses --no-tcp without --udp, which would serve nothing, and accepts it with --udp", () => {
    expect(usageError(["--no-tcp"]).message).toMatch(/--no-tcp/);
    expect(parseArgs(["--no-tcp", "--udp"])).toMatchObject({ tcp: false, udp: true });
  });

  test("reads --backlog", () => {
    expect(parseArgs(["--backlog", "5"]).backlog).toBe(5);
  });

  test("rejects an unknown flag, naming it", () => {
    expect(usageError(["--bogus"]).message).toMatch(/unknown option.*--bogus/);
    expect(usageError(["--port", "1", "--bogus=2"]).message).toMatch(/unknown option.*--bogus=2/);
  });

  test("rejects a positional argument and a single-dash flag other than -h", () => {
    expect(usageError(["8037"]).message).toMatch(/unknown option.*8037/);
    expect(usageError(["-p", "8037"]).message).toMatch(/unknown option.*-p/);
  });

  test("rejects a flag whose value is missing, naming the flag", () => {
    expect(usageError(["--port"]).message).toMatch(/--port needs a value/);
    expect(usageError(["--quiet", "--host"]).message).toMatch(/--host needs a value/);
  });

  test.each(["70000", "65536", "-1", "1.5", "0x10", "8e3", "", " 80", "eighty"])(
    "rejects --port %p, naming the range and the value",
    (value) => {
      const message = usageError(["--port", value]).message;
      expect(message).toMatch(/^--port: .*0 to 65535/);
      expect(message).toContain(JSON.stringify(value));
    },
  );

  test("rejects a --backlog of 0", () => {
    expect(usageError(["--backlog", "0"]).message).toMatch(/--backlog/);
  });

  test.each(["nope", "localhost", "127.0.0.1:37", "[::1]", "1.2.3"])(
    "rejects --host %p, which is not an IP literal",
    (value) => {
      const message = usageError(["--host", value]).message;
      expect(message).toMatch(/^--host: /);
      expect(message).toContain(JSON.stringify(value));
    },
  );

  test("rejects a value given to a switch", () => {
    expect(usageError(["--quiet=yes"]).message).toMatch(/--quiet takes no value/);
    expect(usageError(["--help=1"]).message).toMatch(/--help takes no value/);
    expect(usageError(["--version="]).message).toMatch(/--version takes no value/);
  });

  test("each error message is a single line", () => {
    for (const argv of [
      ["--bogus"],
      ["--port"],
      ["--port", "70000"],
      ["--host", "nope"],
      ["--quiet=1"],
      ["--port", "1\n2"],
    ]) {
      expect(usageError(argv).message).not.toContain("\n");
    }
  });
});

/** A well-formed value for each flag whose value "1" is not (the rest get "1"). */
const SAMPLE_VALUES: Record<string, string> = {
  host: "127.0.0.1",
  allow: "192.0.2.0/24",
  deny: "2001:db8::/32",
  rate: "20/s",
  "global-rate": "5000/s",
  "clock-floor": "2024-01-01",
};

describe("usage", () => {
  test("lists the documented flags, and parseArgs recognises every flag it lists", () => {
    const listed = [...usage("rfc868").matchAll(/^ {2}--([a-z-]+)( [A-Z]+)?/gm)].map((m) => ({
      name: m[1]!,
      value: m[2],
    }));
    expect(listed.map((f) => f.name)).toEqual(
      expect.arrayContaining(["host", "port", "backlog", "quiet", "help", "version"]),
    );
    for (const flag of listed) {
      const argv = flag.value ? [`--${flag.name}`, SAMPLE_VALUES[flag.name] ?? "1"] : [`--${flag.name}`];
      // The placeholder value may not suit the flag, and a flag may be refused alone (--no-tcp serves
      // nothing), but parseArgs must know each listed flag and agree on whether it takes a value.
      try {
        parseArgs(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toMatch(/unknown option|needs a value|takes no value/);
      }
    }
  });
});
