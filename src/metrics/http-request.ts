// The one request the metrics endpoint reads: an HTTP/1.x request head, parsed only as far as GET /metrics needs.

/** Largest request head accepted; a bigger one is answered 431 and closed (a scraper's GET is a few hundred bytes). */
export const MAX_REQUEST_BYTES = 8 * 1024;

export interface RequestHead {
  readonly method: string;
  /** The path, without any query string. */
  readonly path: string;
  /** The Accept header's value, or null. */
  readonly accept: string | null;
}

const latin1 = new TextDecoder("latin1");
const CR = 0x0d;
const LF = 0x0a;

/** Where the head ends (after its blank line), or -1 while it has not arrived whole. Bare LF line ends are taken too. */
export function headEnd(bytes: Uint8Array, length: number): number {
  for (let i = 0; i < length; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i + 1] === LF && i + 1 < length) return i + 2;
    if (bytes[i + 1] === CR && bytes[i + 2] === LF && i + 2 < length) return i + 3;
  }
  return -1;
}

/** The request head in `bytes[0, end)`, or null when it is not HTTP/1.x (answered 400). */
export function parseRequestHead(bytes: Uint8Array, end: number): RequestHead | null {
  const lines = latin1.decode(bytes.subarray(0, end)).split(/\r?\n/);
  const request = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0]!);
  if (!request) return null;
  let accept: string | null = null;
  for (const line of lines.slice(1)) {
    const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (line !== "" && !header) return null;
    if (header && header[1]!.toLowerCase() === "accept") accept = accept === null ? header[2]! : `${accept}, ${header[2]}`;
  }
  return { method: request[1]!, path: request[2]!.split("?")[0]!, accept };
}
