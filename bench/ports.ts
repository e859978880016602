// A loopback port free for both TCP and UDP, for one peer. Below the ephemeral range, so load generator clients never collide with it.
import net from "node:net";
import dgram from "node:dgram";

const FIRST = 20000;
const LAST = 29999; // Linux hands out client ports from 32768 up (ip_local_port_range)
const handedOut = new Set<number>();

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: "127.0.0.1", exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = dgram.createSocket("udp4");
    probe.once("error", () => {
      probe.close();
      resolve(false);
    });
    probe.bind(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** A random port in FIRST..LAST that nothing binds on 127.0.0.1 for TCP or UDP, never the same twice per process. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (handedOut.has(port)) continue;
    if ((await tcpFree(port)) && (await udpFree(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port for TCP and UDP in ${FIRST}-${LAST}`);
}
