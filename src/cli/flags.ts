// The flag mechanism the server (server-flags.ts) and the client (client-flags.ts) share: a declarative table, strict parsing.
import { quoted } from "./quote.ts";
import { ConfigError } from "../base/config-error.ts";

/** A mistake on the command line or in a --config file; its message is one line, and the program exits 2. */
export class UsageError extends ConfigError {}

/** One `--name` (or `--name VALUE`) flag; `apply` records it in the options, throwing UsageError for a bad value. */
export interface Flag<Options> {
  name: string;
  /** Placeholder for the value; absent for a switch. */
  value?: string;
  help: string;
  /** How a config file (src/cli/config-*.ts) spells this flag, by its key's TOML type; absent: no key (help, version, config). */
  config?: ConfigType;
  /** With `config`: the option the key sets and when a running server takes a new value of it. */
  option?: OptionSlot;
  apply(options: Options, value: string): void;
}

/**
 * A key's TOML type. "date" is a TOML local date (2024-01-01) or a string. "strings" is a repeatable flag applied once per element; "integers" a comma-list flag.
 * A switch names the boolean its key holds when the switch is on: `--no-tcp` is `tcp = false`, `--quiet` is `quiet = true`.
 */
export type ConfigType = "string" | "date" | "integer" | "strings" | "integers" | { switch: boolean };

/**
 * Where a key's value sits in the resolved options (`port`, `hardening.rate`; its default is the same
 * field of src/base/defaults.ts), and whether a SIGHUP reload applies a change ("live") or it waits for a restart.
 */
export interface OptionSlot {
  field: string;
  reload: "live" | "restart";
}

export function parseInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${flag}: expected an integer from ${min} to ${max}, got ${quoted(text)}`);
  }
  return Number(text);
}

/** `text` when it is one of `choices`. */
export function parseChoice<Choice extends string>(flag: string, text: string, choices: readonly Choice[]): Choice {
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`--${flag}: unknown value ${quoted(text)} (one of ${choices.join(", ")})`);
  return text as Choice;
}

/**
 * Apply `argv` to `options` through `flags`: `--name VALUE`, `--name=VALUE`, switches, `-h` for --help.
 * An argument that is not a flag goes to `positional` when given, and is an unknown option otherwise.
 */
export function parseFlags<Options>(
  argv: readonly string[],
  flags: readonly Flag<Options>[],
  options: Options,
  positional?: (options: Options, arg: string) => void,
): Options {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (positional && !arg.startsWith("-")) {
      positional(options, arg);
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg === "-h" ? "--help" : arg);
    const flag = match && flags.find((f) => f.name === match[1]);
    if (!match || !flag) throw new UsageError(`unknown option ${quoted(arg)} (see --help)`);
    let value = match[2];
    if (flag.value && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${flag.name} needs a value (${flag.value})`);
    } else if (!flag.value && value !== undefined) {
      throw new UsageError(`--${flag.name} takes no value`);
    }
    flag.apply(options, value ?? "");
  }
  return options;
}

/** The options section of a usage text: `  --name VALUE` padded, then the help. */
export function flagRows<Options>(flags: readonly Flag<Options>[]): string[] {
  const names = flags.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ""}`);
  // At least two spaces after the longest name (--udp-guard-ports LIST), so no help text touches its flag.
  const width = Math.max(20, ...names.map((name) => name.length + 2));
  return names.map((name, i) => name.padEnd(width) + flags[i]!.help);
}
