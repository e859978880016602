// The one request the metrics endpoint reads: a strict HTTP/1.1 request head (RFC 9112), in one linear pass over its bytes.

/** Largest request head accepted; a bigger one is answered 431 and closed (a scraper's GET is a few hundred bytes). */
export const MAX_REQUEST_BYTES = 8 * 1024;

export interface RequestHead {
  readonly method: string;
  /** The path, without any query string. */
  readonly path: string;
  /** The Accept header's value (repeated ones joined with ", "), or null. */
  readonly accept: string | null;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;
const PERCENT = 0x25;
const QUESTION = 0x3f;

/** A 256-entry membership table: one array read per byte decides a class, where a regex could backtrack. */
function byteClass(...members: string[]): Uint8Array {
  // Stryker disable next-line NumericLiteral: no class holds 0xff, and a read past a shorter table is undefined, not 1: 255 or 257 entries decide alike.
  const table = new Uint8Array(256);
  for (const member of members) for (const char of member) table[char.charCodeAt(0)] = 1;
  return table;
}

const DIGIT = "0123456789";
const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** tchar (RFC 9110 §5.6.2): what a method and a field name are made of. */
const TCHAR = byteClass("!#$%&'*+-.^_`|~", DIGIT, ALPHA);
/** An origin-form target's bytes besides pct-encoded (RFC 3986 pchar, "/" and "?"). */
const TARGET = byteClass("-._~!$&'()*+,;=:@/?", DIGIT, ALPHA);
const HEX = byteClass(DIGIT, "ABCDEFabcdef");
const OWS = byteClass(" \t");
/** field-value bytes (RFC 9110 §5.5): VCHAR, SP and HTAB. obs-text is left out, as llhttp's strict mode does. */
const FIELD = byteClass(" \t", String.fromCharCode(...Array.from({ length: 0x7e - 0x20 }, (_, i) => 0x21 + i)));
const DIGITS = byteClass(DIGIT);
const SPACES = byteClass(" ");

/** The methods of RFC 9110 §9 and PATCH: GET is served, the rest answered 405; any other is not read (400). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"]);
/** Longest Content-Length taken: more digits than a 2^53 could need is no GET's. */
const MAX_LENGTH_DIGITS = 15;

const latin1 = new TextDecoder("latin1");
const text = (head: Uint8Array, from: number, to: number) => latin1.decode(head.subarray(from, to));

/** Past the run of `table` bytes that starts at `from`; reads of `head` past its end give undefined, which no table holds. */
function skip(head: Uint8Array, from: number, table: Uint8Array): number {
  let i = from;
  while (table[head[i]!] === 1) i++;
  return i;
}

/**
 * Where the head in `bytes[0, length)` ends: just past the CRLF CRLF that closes it, or just past a bare LF
 * (an LF without CR before it), which strict HTTP/1.1 does not take as a line end: RFC 9112 §2.2 lets a
 * recipient accept one, llhttp's strict mode and this endpoint do not. The parser then rejects the head
 * (400) at once, instead of the client waiting out its deadline for a CRLF CRLF it will not send. -1 while
 * neither has arrived. Bytes before `from` were scanned by an earlier call (the length before the last read):
 * each byte is looked at once, and nothing at or past `length` is read.
 */
export function headEnd(bytes: Uint8Array, length: number, from = 0): number {
  for (let i = from; i < length; i++) {
    if (bytes[i] !== LF) continue;
    if (bytes[i - 1] !== CR) return i + 1;
    // The LF two back already passed the check above, so a CR precedes it: CRLF CRLF.
    if (bytes[i - 2] === LF) return i + 1;
  }
  return -1;
}

/** Past the origin-form target (RFC 9112 §3.2.1) that starts at `from`; `from` itself when none does. */
function targetEnd(head: Uint8Array, from: number): number {
  if (head[from] !== 0x2f) return from;
  // From the "/" itself, a target byte like the rest.
  let i = from;
  for (;;) {
    if (TARGET[head[i]!] === 1) i++;
    // Past the "%" of a whole encoding: its two hex digits are target bytes too.
    else if (head[i] === PERCENT && HEX[head[i + 1]!] === 1 && HEX[head[i + 2]!] === 1) i++;
    else return i;
  }
}

/** Whether `head` holds the ASCII `expected` at `at`. */
function holds(head: Uint8Array, at: number, expected: string): boolean {
  for (let i = 0; i < expected.length; i++) if (head[at + i] !== expected.charCodeAt(i)) return false;
  return true;
}

/**
 * The request head in `bytes[0, end)`, or null when it is not a strict HTTP/1.1 (or 1.0) request head:
 * `METHOD SP origin-form SP HTTP/1.x CRLF`, then `token ":" OWS value OWS CRLF` fields, then CRLF. A GET
 * takes no body, so Transfer-Encoding is refused, and a Content-Length must be digits, given once.
 */
export function parseRequestHead(bytes: Uint8Array, end: number): RequestHead | null {
  const head = bytes.subarray(0, end);
  // Stryker disable next-line NumericLiteral: skipping from 1 ends at the same byte after a tchar, and after any other first byte the method read from 0 is no known method either way.
  const methodEnd = skip(head, 0, TCHAR);
  const method = text(head, 0, methodEnd);
  if (!METHODS.has(method) || head[methodEnd] !== SP) return null;
  const pathEnd = targetEnd(head, methodEnd + 1);
  if (pathEnd === methodEnd + 1 || head[pathEnd] !== SP || !holds(head, pathEnd + 1, "HTTP/1.")) return null;
  const minor = head[pathEnd + 8];
  if ((minor !== 0x30 && minor !== 0x31) || head[pathEnd + 9] !== CR || head[pathEnd + 10] !== LF) return null;
  const query = head.subarray(methodEnd + 1, pathEnd).indexOf(QUESTION);
  // Stryker disable next-line EqualityOperator,NumericLiteral: a target starts with "/", so its "?" is never at 0.
  const path = text(head, methodEnd + 1, query < 0 ? pathEnd : methodEnd + 1 + query);

  let accept: string | null = null;
  let contentLength = false;
  let at = pathEnd + 11;
  while (head[at] !== CR) {
    const nameEnd = skip(head, at, TCHAR);
    if (nameEnd === at || head[nameEnd] !== COLON) return null;
    const valueStart = skip(head, nameEnd + 1, OWS);
    const lineEnd = skip(head, valueStart, FIELD);
    if (head[lineEnd] !== CR || head[lineEnd + 1] !== LF) return null;
    let valueEnd = lineEnd;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the scan back stops at the ":" or at a value byte
    // by itself; the bound only keeps an all-whitespace value's range from turning over (text() of it is "" either way).
    while (valueEnd > valueStart && OWS[head[valueEnd - 1]!] === 1) valueEnd--;
    const name = text(head, at, nameEnd).toLowerCase();
    if (name === "accept")
      accept = accept === null ? text(head, valueStart, valueEnd) : `${accept}, ${text(head, valueStart, valueEnd)}`;
    if (name === "transfer-encoding") return null;
    if (name === "content-length") {
      const digits = valueEnd - valueStart;
      // Digits, then spaces only: llhttp refuses a tab after them, so this parser (the stricter of the two) does too.
      if (
        contentLength ||
        digits === 0 ||
        digits > MAX_LENGTH_DIGITS ||
        skip(head, valueStart, DIGITS) !== valueEnd ||
        skip(head, valueEnd, SPACES) !== lineEnd
      )
        return null;
      contentLength = true;
    }
    at = lineEnd + 2;
  }
  // The blank line, and nothing after it: a head cut at a bare LF (see headEnd) ends anywhere else.
  if (head[at + 1] !== LF || at + 2 !== end) return null;
  return { method, path, accept };
}
