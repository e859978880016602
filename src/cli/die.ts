// How a command-line program ends on a mistake or a failure: one line on stderr and an exit status, never a stack trace.

/** Print `program: message` and exit with `status` (2 for a usage mistake, 1 for a failure). */
export function die(message: string, status: number, program = "rfc868"): never {
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(status);
}
