// NUL-terminated UTF-8 copies of JS strings for libc, in their own ArrayBuffer so their address stays put.

const encoder = new TextEncoder();

/**
 * `text` as a C string, or null when it holds a NUL: libc would see only the part before it
 * ("127.0.0.1\0junk" as "127.0.0.1"), so such text is never passed on.
 */
export function cString(text: string): Uint8Array | null {
  if (text.includes("\0")) return null;
  const bytes = new Uint8Array(new ArrayBuffer(text.length * 3 + 1)); // zero-filled: the NUL is there
  encoder.encodeInto(text, bytes);
  return bytes;
}
