// Wait until a peer answers: one real TCP request (and one UDP request) polled until they succeed, since not every peer prints a ready line we could read.
import net from "node:net";
import dgram from "node:dgram";

const POLL_MS = 20;
const ATTEMPT_TIMEOUT_MS = 500;

/** One TCP time request; true once the server sent something and closed. */
function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let bytes = 0;
    const socket = net.connect({ port, host: "127.0.0.1" });
    const timer = setTimeout(() => socket.destroy(), ATTEMPT_TIMEOUT_MS);
    socket.on("data", (chunk) => void (bytes += chunk.length));
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(bytes > 0);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(bytes > 0);
    });
    socket.on("error", () => undefined);
  });
}

/** One empty UDP datagram; true once a reply came back. */
function udpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), ATTEMPT_TIMEOUT_MS);
    socket.on("message", () => done(true));
    socket.on("error", () => undefined); // ICMP port unreachable before the peer binds: try again
    socket.send(Buffer.alloc(0), port, "127.0.0.1");
  });
}

/**
 * Poll until the peer on `port` answers over each transport, or fail when it exits first or `deadlineMs`
 * passes. `exited` resolves when the peer process ends.
 */
export async function waitUntilAnswering(
  port: number,
  udp: boolean,
  exited: Promise<unknown>,
  deadlineMs = 15_000,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + deadlineMs;
  for (const probe of udp ? [tcpAnswers, udpAnswers] : [tcpAnswers]) {
    while (!(await probe(port))) {
      if (gone) throw new Error("exited before answering");
      if (performance.now() > deadline) throw new Error(`not answering on port ${port} after ${deadlineMs} ms`);
      await Bun.sleep(POLL_MS);
    }
  }
}
