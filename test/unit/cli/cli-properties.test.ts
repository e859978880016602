// Property tests of the parsers of outside input in src/cli: flags, integers, rates, dates, port lists, seconds, addresses, each against an independent oracle.
import { describe, expect, test } from "bun:test";
import { isIP } from "node:net";
import fc from "fast-check";
import { UsageError, parseFlags, parseInteger, type Flag } from "../../../src/cli/flags.ts";
import { parseDate, parsePortList, parseRate } from "../../../src/cli/hardening-flags.ts";
import { parseSeconds } from "../../../src/cli/client-flags.ts";
import { FLAGS, parseHost } from "../../../src/cli/server-flags.ts";
import { parseMetricsAddress } from "../../../src/metrics/address.ts";
import { ConfigError } from "../../../src/base/config-error.ts";
import { QUOTED_MAX_CHARS, quoted } from "../../../src/cli/quote.ts";
import { RUNS } from "../../support/properties.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** Bun's Temporal (TypeScript's lib has no types for it yet): the date oracle, a calendar written apart from Date. */
const { Temporal } = globalThis as unknown as {
  Temporal: {
    PlainDate: {
      from(fields: object, options: object): { toZonedDateTime(zone: string): { epochMilliseconds: number } };
    };
  };
};

const property = (p: fc.IProperty<unknown> | fc.IAsyncProperty<unknown>) =>
  fc.assert(p as fc.IProperty<unknown>, { numRuns: RUNS });

/** The UsageError `run` throws, or null when it returns. */
function usageError(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return error.message;
  }
}

/** Any text, including the shapes the parsers look for, so the generators hit both sides of each rule. */
const noisy = (...shapes: fc.Arbitrary<string>[]) =>
  fc.oneof(
    fc.string({ maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(..."0123456789.,-+/=:smhe x"), maxLength: 16 }),
    ...shapes,
  );

describe("parseFlags", () => {
  interface Seen {
    given: [string, string][];
  }
  const table: Flag<Seen>[] = ["port", "port-range", "quiet", "no-quiet", "x"].map((name) => ({
    name,
    value: name.startsWith("port") || name === "x" ? "V" : undefined,
    help: "",
    apply: (o, v) => void o.given.push([name, v]),
  }));
  const names = table.map((flag) => flag.name);

  test("--NAMEtail is an unknown option unless NAMEtail is itself a flag: --port8037 is never --port", () => {
    const tail = fc.string({
      unit: fc.constantFrom(..."0123456789abcdefghijklmnopqrstuvwxyz-_.:"),
      minLength: 1,
      maxLength: 8,
    });
    property(
      fc.property(fc.constantFrom(...names), tail, (name, rest) => {
        const arg = `--${name}${rest}`;
        fc.pre(!names.includes(`${name}${rest}`) && !rest.startsWith("="));
        expect(usageError(() => parseFlags([arg, "1"], table, { given: [] }))).toStartWith(
          `unknown option ${quoted(arg)}`,
        );
      }),
    );
  });

  test("--name=VALUE and --name VALUE give the flag exactly VALUE, whatever it holds (=, newlines, leading dashes)", () => {
    property(
      fc.property(
        fc.constantFrom("port", "port-range", "x"),
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        (name, value, joined) => {
          const argv = joined ? [`--${name}=${value}`] : [`--${name}`, value];
          expect(parseFlags(argv, table, { given: [] }).given).toEqual([[name, value]]);
        },
      ),
    );
  });

  test("a switch takes no value; any other argument that is not a known --flag is refused with its quoted text", () => {
    property(
      fc.property(fc.string({ maxLength: 30 }), (arg) => {
        const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg === "-h" ? "--help" : arg);
        const known = match !== null && names.includes(match[1]!);
        const message = usageError(() => parseFlags([arg, "v"], table, { given: [] }));
        if (!known) expect(message).toStartWith(`unknown option ${quoted(arg)}`);
        else if (match[1]!.includes("quiet") && match[2] !== undefined)
          expect(message).toBe(`--${match[1]} takes no value`);
        else expect(message).toBeNull();
      }),
    );
  });

  test("the server's real table: every flag name with a digit or letter appended is unknown (--port8037, --udpx)", () => {
    const flagNames = FLAGS.map((flag) => flag.name);
    property(
      fc.property(fc.constantFrom(...flagNames), fc.stringMatching(/^[0-9a-z]{1,6}$/), (name, rest) => {
        fc.pre(!flagNames.includes(`${name}${rest}`));
        expect(
          usageError(() =>
            parseFlags([`--${name}${rest}`, "1"], FLAGS, {
              hosts: [],
              help: false,
              version: false,
              checkConfig: false,
            }),
          ),
        ).toStartWith("unknown option ");
      }),
    );
  });
});

describe("value parsers against independent oracles", () => {
  test("parseInteger: exactly the decimal digit strings within [min, max], compared as BigInt", () => {
    const digits = fc.stringMatching(/^[0-9]{1,22}$/);
    property(
      fc.property(
        noisy(digits),
        fc.integer({ min: 0, max: 70_000 }),
        fc.integer({ min: 0, max: 70_000 }),
        (text, a, b) => {
          const [min, max] = a <= b ? [a, b] : [b, a];
          const valid = /^[0-9]+$/.test(text) && BigInt(text) >= BigInt(min) && BigInt(text) <= BigInt(max);
          const message = usageError(() => expect(parseInteger("n", text, min, max)).toBe(Number(text)));
          expect(message).toBe(valid ? null : `--n: expected an integer from ${min} to ${max}, got ${quoted(text)}`);
        },
      ),
    );
  });

  test("parseRate: N/s, N/m, N/h with up to 9 digits and a 6-digit fraction, above 0, in requests a second", () => {
    const rate = fc.tuple(
      fc.stringMatching(/^[0-9]{1,10}$/),
      fc.option(fc.stringMatching(/^[0-9]{0,7}$/)),
      fc.constantFrom("s", "m", "h", "d", "S"),
    );
    const rateText = rate.map(
      ([whole, fraction, unit]) => `${whole}${fraction === null ? "" : `.${fraction}`}/${unit}`,
    );
    property(
      fc.property(noisy(rateText), (text) => {
        // The oracle splits by hand: no regular expression shared with the parser.
        const [number = "", unit = "", ...rest] = text.split("/");
        const [whole = "", fraction, ...more] = number.split(".");
        const isDigits = (s: string) => s.length > 0 && [...s].every((c) => c >= "0" && c <= "9");
        const seconds = ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[unit];
        const shaped =
          rest.length === 0 &&
          more.length === 0 &&
          seconds !== undefined &&
          isDigits(whole) &&
          whole.length <= 9 &&
          (fraction === undefined || (isDigits(fraction) && fraction.length <= 6));
        const valid = shaped && Number(number) > 0;
        const message = usageError(() => expect(parseRate("rate", text)).toBe(Number(number) / seconds!));
        expect(message).toBe(
          valid ? null : `--rate: expected a rate such as 20/s, 600/m or 10/h (above 0), got ${quoted(text)}`,
        );
      }),
    );
  });

  test("parseDate: a real calendar date YYYY-MM-DD (years 0000-9999), as Temporal says, at its UTC midnight", () => {
    const date = fc.tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
    );
    const dateText = date.map(
      ([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    );
    property(
      fc.property(
        noisy(
          dateText,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        ),
        (text) => {
          let expected: number | null = null;
          const [y, m, d] = text.split("-");
          if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) {
            try {
              const plain = Temporal.PlainDate.from(
                { year: Number(y), month: Number(m), day: Number(d) },
                { overflow: "reject" },
              );
              expected = plain.toZonedDateTime("UTC").epochMilliseconds;
            } catch {
              expected = null;
            }
          }
          const message = usageError(() => expect(parseDate("clock-floor", text)).toBe(expected!));
          expect(message).toBe(
            expected === null ? `--clock-floor: expected a date YYYY-MM-DD (UTC), got ${quoted(text)}` : null,
          );
        },
      ),
    );
  });

  test("parsePortList: comma-separated ports 0-65535, spaces around each allowed, as numbers in order", () => {
    const port = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 65536, max: 10_000_000 }));
    const list = fc.array(fc.tuple(port, fc.constantFrom("", " ", "  ")), { minLength: 1, maxLength: 8 });
    property(
      fc.property(list, (entries) => {
        const text = entries.map(([p, pad]) => `${pad}${p}${pad}`).join(",");
        const valid = entries.every(([p]) => p <= 65535);
        const message = usageError(() =>
          expect(parsePortList("udp-guard-ports", text)).toEqual(entries.map(([p]) => p)),
        );
        expect(message === null).toBe(valid);
      }),
    );
  });

  test("parseSeconds: a decimal above 0 and at most 3600, as whole milliseconds rounded up from its exact value", () => {
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 4000 }), fc.option(fc.stringMatching(/^[0-9]{1,6}$/)))
      .map(([w, f]) => (f === null ? `${w}` : `${w}.${f}`));
    property(
      fc.property(noisy(decimal), (text) => {
        // Exact decimal arithmetic: microseconds as BigInt, so 0.29 is 290 ms, not a float's 290.00000000000006.
        const match = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
        const nanos = match
          ? BigInt(match[1]!) * 1_000_000_000n +
            BigInt((match[2] ?? "").padEnd(9, "0").slice(0, 9) || "0") +
            (/[1-9]/.test((match[2] ?? "").slice(9)) ? 1n : 0n)
          : -1n;
        const valid = nanos > 0n && nanos <= 3_600_000_000_000n;
        const ms = Number((nanos + 999_999n) / 1_000_000n);
        const message = usageError(() => expect(parseSeconds("timeout", text)).toBe(ms));
        expect(message).toBe(
          valid ? null : `--timeout: expected seconds, more than 0 and at most 3600, got ${quoted(text)}`,
        );
      }),
    );
  });
});

describe("addresses against node:net's isIP", () => {
  /** Address literals and near misses: dotted quads, IPv6 (some with embedded IPv4), octal and hex forms, padded literals. */
  const ipText = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.x"), maxLength: 40 }),
    fc
      .tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.constantFrom(" ", "\n", "\0", "0", ":", "."), fc.boolean())
      .map(([text, pad, before]) => (before ? pad + text : text + pad)),
  );
  /** isIP, less the zone index (fe80::1%eth0) it takes and inet_pton does not: an address literal alone. */
  const family = (text: string) => (text.includes("%") ? 0 : isIP(text));

  test("parseHost (--host, config host): exactly the IPv4 and IPv6 literals isIP knows, given back unchanged", () => {
    let accepted = 0;
    property(
      fc.property(noisy(ipText), (text) => {
        const message = usageError(() => expect(parseHost(text)).toBe(text));
        expect(message).toBe(
          family(text) === 0 ? `--host: expected an IPv4 or IPv6 address literal, got ${quoted(text)}` : null,
        );
        if (message === null) accepted++;
      }),
    );
    // Both sides of the rule were tried, not only refusals.
    // About 1 in 7 inputs is a literal isIP takes: the bound leaves room for a short run (500 cases in the mutation run).
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  test("parseMetricsAddress (--metrics): exactly ADDR:PORT with an IP literal, IPv6 alone in brackets, a port of 1-5 digits up to 65535", () => {
    const hostPart = fc.oneof(
      ipText,
      ipText.map((text) => `[${text}]`),
    );
    const portPart = fc.oneof(
      fc.integer({ min: 0, max: 70_000 }).map(String),
      fc.stringMatching(/^[0-9]{0,7}$/),
      fc.constantFrom("65535", "65536", "00000", "099999", "0x50", " 80", "80 "),
    );
    const wellFormed = fc
      .tuple(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6().map((text) => `[${text}]`),
        ),
        portPart,
      )
      .map(([host, port]) => `${host}:${port}`);
    const mixed = fc.tuple(hostPart, fc.constantFrom(":", "", "::", "]:"), portPart).map((parts) => parts.join(""));
    const address = fc.oneof(wellFormed, mixed);
    let accepted = 0;
    property(
      fc.property(noisy(address), (text) => {
        const split = /^(.*):([0-9]{1,5})$/s.exec(text);
        const host = split?.[1] ?? "";
        const bracketed = host.startsWith("[") && host.endsWith("]");
        const bare = bracketed ? host.slice(1, -1) : host;
        const valid = split !== null && Number(split[2]) <= 65535 && family(bare) === (bracketed ? 6 : 4);
        let result: unknown;
        try {
          result = parseMetricsAddress(text);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          result = null;
        }
        expect(result).toEqual(valid ? { host: bare, port: Number(split![2]) } : null);
        if (result !== null) accepted++;
      }),
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });
});

describe("quoted values in messages", () => {
  test("any value quotes to one line of at most a bounded length, and a short string quotes as JSON", () => {
    property(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue(), fc.array(fc.string(), { maxLength: 200 })),
        (value) => {
          const text = quoted(value);
          expect(text).not.toContain("\n");
          // 80 characters of JSON (escapes make a character up to 6), the quotes, and "... (N bytes)".
          expect(text.length).toBeLessThanOrEqual(QUOTED_MAX_CHARS * 6 + 2 + 30);
          if (typeof value === "string" && value.length <= QUOTED_MAX_CHARS) expect(text).toBe(JSON.stringify(value));
        },
      ),
    );
  });

  test("a 400 KB value is quoted as its first 80 characters and its size", () => {
    expect(quoted("x".repeat(400_000))).toBe(`"${"x".repeat(80)}"... (400000 bytes)`);
  });
});
