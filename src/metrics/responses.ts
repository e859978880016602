// The endpoint's HTTP answers: the page for GET /metrics, the health probes, a short status for anything else; one answer per connection.
import type { Probe } from "./health.ts";
import type { RequestHead } from "./http-request.ts";

/** What GET /metrics answers: the page in the format the scraper's Accept header asked for. */
export interface Page {
  readonly contentType: string;
  readonly body: string;
}

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

const utf8 = new TextEncoder();

/** A whole HTTP/1.1 response with Connection: close: each connection serves one request, then the server closes it. */
export function httpResponse(status: number, page: Page, extraHeaders: readonly string[] = []): Uint8Array {
  const body = utf8.encode(page.body);
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status]}`,
    `Content-Type: ${page.contentType}`,
    `Content-Length: ${body.byteLength}`,
    "Connection: close",
    ...extraHeaders,
  ];
  const headBytes = utf8.encode(head.join("\r\n") + "\r\n\r\n");
  // One buffer of its own, so one send() usually takes it all.
  const bytes = new Uint8Array(new ArrayBuffer(headBytes.byteLength + body.byteLength));
  bytes.set(headBytes);
  bytes.set(body, headBytes.byteLength);
  return bytes;
}

const text = (body: string): Page => ({ contentType: "text/plain; charset=utf-8", body: `${body}\n` });

/** The answer to a request head (null: not HTTP/1.x). Only `GET /metrics` renders the page; a probe's path answers 200 `ok` or 503 and its reason. */
export function answer(
  head: RequestHead | null,
  page: (accept: string | null) => Page,
  probes: Readonly<Record<string, Probe>> = {},
): Uint8Array {
  if (head === null) return httpResponse(400, text("bad request"));
  if (head.method !== "GET") return httpResponse(405, text("only GET"), ["Allow: GET"]);
  const probe = Object.hasOwn(probes, head.path) ? probes[head.path]! : null;
  if (probe) {
    const problem = probe();
    return problem === null ? httpResponse(200, text("ok")) : httpResponse(503, text(problem));
  }
  if (head.path !== "/metrics") return httpResponse(404, text("not found: the metrics are at /metrics"));
  return httpResponse(200, page(head.accept));
}

/** The answer to a head that outgrew MAX_REQUEST_BYTES. */
export const tooLarge = (): Uint8Array => httpResponse(431, text("request head over 8 KiB"));
