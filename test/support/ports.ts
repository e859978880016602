// Ports for tests that cannot use port 0: a free port below 1024, and a port nothing listens on.
import net from "node:net";
import dgram from "node:dgram";

/** Whether TCP and UDP `port` on 127.0.0.1 can both be bound right now (then released). */
async function bindable(port: number): Promise<boolean> {
  const tcp = net.createServer();
  const tcpOk = await new Promise<boolean>((resolve) => {
    tcp.once("error", () => resolve(false));
    tcp.listen(port, "127.0.0.1", () => resolve(true));
  });
  if (tcpOk) await new Promise((resolve) => tcp.close(resolve));
  if (!tcpOk) return false;
  const udp = dgram.createSocket("udp4");
  const udpOk = await new Promise<boolean>((resolve) => {
    udp.once("error", () => resolve(false));
    udp.bind(port, "127.0.0.1", () => resolve(true));
  });
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  return udpOk;
}

/** A port in 600-1023 free for TCP and UDP on loopback (needs root to bind); random start, so parallel runs rarely meet. */
export async function freePrivilegedPort(): Promise<number> {
  const start = 600 + Math.floor(Math.random() * 424);
  for (let i = 0; i < 424; i++) {
    const port = 600 + ((start - 600 + i) % 424);
    if (await bindable(port)) return port;
  }
  throw new Error("no free port in 600-1023 on 127.0.0.1");
}

/** `count` distinct TCP ports on 127.0.0.1 that were free a moment ago and are closed now (all held at once, so never twice the same). */
export async function closedTcpPorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A TCP port on 127.0.0.1 that was free a moment ago and is closed now: connecting to it is refused. */
export async function closedTcpPort(): Promise<number> {
  return (await closedTcpPorts(1))[0]!;
}

/** A UDP port on 127.0.0.1 that was free a moment ago and is closed now: a datagram to it gets ICMP port unreachable. */
export async function closedUdpPort(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
