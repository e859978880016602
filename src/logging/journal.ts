// systemd's journal as an output: whether an fd is the stream $JOURNAL_STREAM names, and the sd-daemon(3) priority prefixes for it.
import { fstatSync } from "node:fs";
import type { Severity } from "./log-format.ts";

/** syslog priorities as sd-daemon(3) prefixes: journald reads `<N>` at a line's start as its priority and strips it. */
const PRIORITIES: Record<Severity, number> = { error: 3, warning: 4, notice: 5, info: 6 };

/** The `<N>` prefix of each severity, as text and as bytes (for the per-request fast path). */
export const PRIORITY_TEXT = Object.fromEntries(
  Object.entries(PRIORITIES).map(([severity, n]) => [severity, `<${n}>`]),
) as Record<Severity, string>;
export const PRIORITY_BYTES = Object.fromEntries(
  Object.entries(PRIORITY_TEXT).map(([severity, text]) => [severity, new TextEncoder().encode(text)]),
) as Record<Severity, Uint8Array>;

/**
 * Whether `fd` is connected to the journal: systemd sets JOURNAL_STREAM to the "device:inode" of the
 * stream it gave the service (systemd.exec(5)), so an fd redirected elsewhere since (a pipe, a file)
 * does not match and gets no prefixes.
 */
export function isJournalStream(fd: number, env: Record<string, string | undefined> = process.env): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  try {
    const { dev, ino } = fstatSync(fd, { bigint: true });
    return stream === `${dev}:${ino}`;
  } catch {
    return false; // a closed fd is no journal
  }
}
