// Independent time clients over node:net and node:dgram, and the RFC 868 value a reply should carry.
import net from "node:net";
import dgram from "node:dgram";
import { expect } from "bun:test";

export const SECONDS_1900_TO_1970 = 2208988800;

/** What a TCP client saw: every byte until the server closed, and how it closed. */
export interface TcpReply {
  bytes: Buffer;
  /** "end" for a clean FIN, else the error code (ECONNRESET, ...). */
  close: string;
}

/** `localAddress`: the source address to connect from (any 127.0.0.0/8 address works on loopback). */
export function tcpTime(
  port: number,
  host = "127.0.0.1",
  timeoutMs = 10_000,
  localAddress?: string,
): Promise<TcpReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host, localAddress });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply from ${host}:${port} in ${timeoutMs} ms`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve({ bytes: Buffer.concat(chunks), close: "end" }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code ? resolve({ bytes: Buffer.concat(chunks), close: error.code }) : reject(error),
    );
  });
}

/** Send one datagram of `payload` and wait for one reply datagram (rejects on timeout). */
export function udpTime(
  port: number,
  host = "127.0.0.1",
  payload = Buffer.alloc(0),
  timeoutMs = 5_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP reply from ${host}:${port} in ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.send(payload, port, host);
  });
}

/** The Unix seconds a 4-byte RFC 868 reply carries, for a reply received near `nowMs` (unwraps 2036). */
export function unixSecondsOf(reply: Buffer, nowMs = Date.now()): number {
  if (reply.length !== 4) throw new Error(`expected 4 bytes, got ${reply.length}`);
  const value = reply.readUInt32BE(0);
  const era = Math.round((nowMs / 1000 + SECONDS_1900_TO_1970 - value) / 2 ** 32);
  return value + era * 2 ** 32 - SECONDS_1900_TO_1970;
}

/** The agreement every test asks of a served time: within 2 s of the local clock (the protocol counts whole seconds). */
export function expectNearNow(unixSeconds: number): void {
  expect(Math.abs(unixSeconds - Date.now() / 1000)).toBeLessThanOrEqual(2);
}

/**
 * One TCP query from `source`: true when served (4 bytes of the current time), false when refused
 * (closed with a FIN and no byte). Anything else (a reset, a short reply) fails the test.
 */
export async function tcpServed(port: number, source = "127.0.0.1", host = "127.0.0.1"): Promise<boolean> {
  const reply = await tcpTime(port, host, 10_000, source);
  expect(reply.close).toBe("end");
  if (reply.bytes.length === 0) return false;
  expectNearNow(unixSecondsOf(reply.bytes));
  return true;
}
