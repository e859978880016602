// How a command-line program ends on a mistake or a failure: one line on stderr (in the log's format once it is known) and an exit status, never a stack trace.
import { PRIORITY_TEXT, isJournalStream } from "../logging/journal.ts";

/** How a failure becomes a line; plain `program: message` until the server knows its --log format. */
let failureLine: ((message: string) => string) | null = null;

/** From now on print failures as `line` makes them (the log format's notice): a JSON server writes only JSON. */
export function printFailuresAs(line: (message: string) => string): void {
  failureLine = line;
}

/**
 * The format `argv` names with --log (the last, as the flag parser takes it), read before the rest is
 * checked so that a usage error is printed in it too; undefined for none or one not in `names` (that
 * mistake itself is printed plain: there is no format to print it in).
 */
export function logFormatNamedIn<Name extends string>(
  argv: readonly string[],
  names: readonly Name[],
): Name | undefined {
  let named: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === "--log") named = argv[i + 1];
    else if (arg.startsWith("--log=")) named = arg.slice("--log=".length);
  });
  return names.find((name) => name === named);
}

/** Print `program: message` (or the log format's line) and exit with `status` (2 for a usage mistake, 1 for a failure). */
export function die(message: string, status: number, program = "rfc868"): never {
  const line = failureLine ? failureLine(message) : `${program}: ${message}`;
  process.stderr.write(`${isJournalStream(2) ? PRIORITY_TEXT.error : ""}${line}\n`);
  process.exit(status);
}
