// The messages between the reload's worker thread and the loop's thread: argv in, options (the address lists as one string each, and built), a refusal or a failure out.
import type { AccessTables } from "../policy/access-policy.ts";

/** The lists that may hold 100,000 entries (operators load country and abuse lists). */
const LISTS = ["allow", "deny"] as const;

/** Options holding the lists: the resolved Config, or options as given. */
type WithLists = { hardening?: { allow?: readonly string[]; deny?: readonly string[] } };

/** What the worker posts: plain options with the lists taken out, each list's entries joined by newlines. */
export interface PackedOptions<Options extends WithLists> {
  options: Options;
  lists: Partial<Record<(typeof LISTS)[number], string>>;
}

/**
 * A string crosses threads as one copy and compares as one, while the loop's thread rebuilds a cloned array
 * one string at a time and freezes it slower still (bench/PROFILE.md). Every entry passed parseCidr, so none holds a newline.
 */
export function packOptions<Options extends WithLists>(options: Options): PackedOptions<Options> {
  const hardening = { ...options.hardening };
  const lists: PackedOptions<Options>["lists"] = {};
  for (const name of LISTS) {
    if (hardening[name] === undefined) continue;
    lists[name] = hardening[name].join("\n");
    delete hardening[name];
  }
  return { options: { ...options, hardening: options.hardening && hardening }, lists };
}

/**
 * What the worker posts: the options (plain data, packed) and their allow and deny lists built (their buffers
 * transferred); or the one-line reason it refused them (a ConfigError: the file or the command line is wrong);
 * or why it failed otherwise (a bug: an internal error).
 */
export type ParsedReply<Options extends WithLists> =
  { packed: PackedOptions<Options>; access: AccessTables } | { refused: string } | { failed: string };

/** What the loop's thread posts: the command line to parse, and the loop's wake-up fd (EventLoop.wakeFd) to write once the reply is posted. */
export interface ParseRequest {
  argv: readonly string[];
  wakeFd: number;
}
