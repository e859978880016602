// The config file's keys, derived from the flag table: one source for names, TOML types and value checks.
import { quoted } from "./quote.ts";
import { UsageError, type ConfigType, type Flag, type OptionSlot } from "./flags.ts";

export interface ConfigKey<Options> {
  name: string;
  /** The flags that set this key: one given on the command line wins over the file. */
  flags: string[];
  /** The option it sets, and whether a reload applies it (the flags' own; absent in a table without options, the client's). */
  option: OptionSlot | undefined;
  /** Check the value's TOML type, then apply it through the flag's own parser; a UsageError says what was expected. */
  apply(options: Options, value: unknown): void;
}

/** `key "rate": ...` reads better in a file than the parser's `--rate: ...`. */
function asKeyError(flag: string, error: unknown): never {
  if (!(error instanceof UsageError)) throw error;
  throw new UsageError(error.message.replace(new RegExp(`^--${flag}: `), ""));
}

function expected(what: string, value: unknown): never {
  throw new UsageError(`expected ${what}, got ${quoted(value)}`);
}

const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
/** Bun's TOML parser gives a bare date (clock-floor = 2024-01-01) as a Temporal.PlainDate, which prints as YYYY-MM-DD. */
const isLocalDate = (value: unknown) => Object.prototype.toString.call(value) === "[object Temporal.PlainDate]";

/** How a value of `type` becomes the flag's argument strings (one per application), once its TOML type is right. */
function argumentsOf(type: Exclude<ConfigType, { switch: boolean }>, value: unknown): string[] {
  switch (type) {
    case "string":
      return typeof value === "string" ? [value] : expected("a string", value);
    case "date":
      return typeof value === "string" || isLocalDate(value)
        ? [String(value)]
        : expected("a date such as 2024-01-01", value);
    case "integer":
      return isInteger(value) ? [String(value)] : expected("an integer", value);
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? value
        : expected("an array of strings", value);
    case "integers":
      return Array.isArray(value) && value.length > 0 && value.every(isInteger)
        ? [value.join(",")]
        : expected("a non-empty array of integers", value);
  }
}

/** Every key `flags` define, by name. A switch pair (tcp, no-tcp) is one boolean key; a lone switch's other value is its default. */
export function configKeys<Options>(flags: readonly Flag<Options>[]): Map<string, ConfigKey<Options>> {
  const keys = new Map<string, ConfigKey<Options>>();
  const switches = new Map<string, Flag<Options>[]>();
  for (const flag of flags) {
    const type = flag.config;
    if (type === undefined) continue;
    if (typeof type === "object") {
      const name = type.switch ? flag.name : flag.name.replace(/^no-/, "");
      switches.set(name, [...(switches.get(name) ?? []), flag]);
      continue;
    }
    keys.set(flag.name, {
      name: flag.name,
      flags: [flag.name],
      option: flag.option,
      apply(options, value) {
        for (const argument of argumentsOf(type, value)) {
          try {
            flag.apply(options, argument);
          } catch (error) {
            asKeyError(flag.name, error);
          }
        }
      },
    });
  }
  for (const [name, pair] of switches) {
    keys.set(name, {
      name,
      flags: pair.map((flag) => flag.name),
      option: pair[0]!.option,
      apply(options, value) {
        if (typeof value !== "boolean") expected("true or false", value);
        pair.find((flag) => (flag.config as { switch: boolean }).switch === value)?.apply(options, "");
      },
    });
  }
  return keys;
}
