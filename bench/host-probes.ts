// What an embedding host feels of a server running in its process: how late its timers fire, how long its own node:net round trip to the server takes.
import { connect } from "node:net";

/** ms past its due time that each of `count` back-to-back setTimeout(`delayMs`) calls fired. */
export async function timerLateness(count: number, delayMs = 10): Promise<number[]> {
  const late: number[] = [];
  for (let i = 0; i < count; i++) {
    const due = performance.now() + delayMs;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    late.push(performance.now() - due);
  }
  return late;
}

/** ms from connect() to the end of the server's 4-byte reply, over node:net on this process's event loop. */
export function tcpRoundTrip(port: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("data", (chunk) => (bytes += chunk.length));
    socket.on("error", reject);
    socket.on("end", () => {
      socket.destroy();
      if (bytes === 4) resolve(performance.now() - start);
      else reject(new Error(`expected a 4-byte reply, got ${bytes} bytes`));
    });
  });
}

/** `count` round trips, one after another. */
export async function tcpRoundTrips(port: number, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await tcpRoundTrip(port));
  return times;
}
