// A value from the command line or a config file, quoted for a one-line message at a bounded length.

/** How much of a value a message shows: enough to recognise it, never a file's worth (a 400 KB value once stalled the log). */
export const QUOTED_MAX_CHARS = 80;

/** TOML integers beyond 2^53 may come as BigInt, which JSON.stringify refuses. */
const bigintAsText = (_key: string, value: unknown) => (typeof value === "bigint" ? String(value) : value);

/**
 * `value` as JSON (a newline or a quote cannot break the line). A longer one is cut to its first
 * QUOTED_MAX_CHARS characters plus `... (N bytes)`; a string is cut before it is quoted, so that costs nothing per byte.
 */
export function quoted(value: unknown): string {
  if (typeof value === "string") {
    if (value.length <= QUOTED_MAX_CHARS) return JSON.stringify(value);
    return `${JSON.stringify(value.slice(0, QUOTED_MAX_CHARS))}... (${Buffer.byteLength(value)} bytes)`;
  }
  const json = JSON.stringify(value, bigintAsText) ?? String(value);
  return json.length <= QUOTED_MAX_CHARS
    ? json
    : `${json.slice(0, QUOTED_MAX_CHARS)}... (${Buffer.byteLength(json)} bytes)`;
}
