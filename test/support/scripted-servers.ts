// Misbehaving time servers on node:net and node:dgram, for the client's and the load generator's tests: wrong sizes, silence, no close.
import net from "node:net";
import dgram from "node:dgram";

/**
 * What a scripted server does with each request: send these bytes (made afresh per request when a
 * function; `times` datagrams for UDP, default 1), then close (TCP) or not; or "silent": nothing.
 */
export type Script = { send: Buffer | (() => Buffer); close: boolean; times?: number } | "silent";

const bytesOf = (send: Buffer | (() => Buffer)) => (typeof send === "function" ? send() : send);

export interface ScriptedServer {
  port: number;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 that follows `script` for every connection. */
export async function scriptedTcpServer(script: Script): Promise<ScriptedServer> {
  const held: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    held.push(socket);
    if (script === "silent") return;
    socket.write(bytesOf(script.send));
    if (script.close) socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of held) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A UDP server on 127.0.0.1 that answers every datagram with `script.send` (or never). */
export async function scriptedUdpServer(script: Script): Promise<ScriptedServer> {
  const socket = dgram.createSocket("udp4");
  // A reply sent after the client closed its socket comes back as ICMP port unreachable, which
  // node:dgram reports as an 'error' event: expected of clients that give up, not a failure.
  socket.on("error", () => undefined);
  socket.on("message", (_, peer) => {
    if (script === "silent") return;
    for (let i = 0; i < (script.times ?? 1); i++) socket.send(bytesOf(script.send), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** The 4 big-endian bytes of a 32-bit value. */
export function valueBytes(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
