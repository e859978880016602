// The messages between the reload's worker thread and the loop's thread: argv in, options (the address lists as one string each) or a refusal out.
import type { CliOptions } from "./server-flags.ts";

/** The lists that may hold 100,000 entries (operators load country and abuse lists). */
const LISTS = ["allow", "deny"] as const;

/** What the worker posts: plain options with the lists taken out, each list's entries joined by newlines. */
export interface PackedOptions {
  options: CliOptions;
  lists: Partial<Record<(typeof LISTS)[number], string>>;
}

/**
 * A string crosses threads as one copy, while the loop's thread rebuilds a cloned array one string at a
 * time: for 100,000 entries about 70 ms against 12 ms for the split. Every entry passed parseCidr, so none holds a newline.
 */
export function packOptions(options: CliOptions): PackedOptions {
  const hardening = { ...options.hardening };
  const lists: PackedOptions["lists"] = {};
  for (const name of LISTS) {
    if (hardening[name] === undefined) continue;
    lists[name] = hardening[name].join("\n");
    delete hardening[name];
  }
  return { options: { ...options, hardening: options.hardening && hardening }, lists };
}

/** What the worker posts: the options (plain data, packed), or the one-line reason it refused. */
export type ParsedReply = { packed: PackedOptions } | { refused: string };

/** What the loop's thread posts: the command line to parse, and the loop's wake-up fd (EventLoop.wakeFd) to write once the reply is posted. */
export interface ParseRequest {
  argv: readonly string[];
  wakeFd: number;
}

/** The options packOptions took apart. */
export function unpackOptions({ options, lists }: PackedOptions): CliOptions {
  if (!options.hardening) return options;
  for (const name of LISTS) {
    const joined = lists[name];
    if (joined !== undefined) options.hardening[name] = joined === "" ? [] : joined.split("\n");
  }
  return options;
}
