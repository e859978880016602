// A time server as a Node.js user would write it: node:net for TCP, node:dgram for UDP, no logging.
// Usage: node bench/peers/node-peer.mjs PORT [HOST]
import net from "node:net";
import dgram from "node:dgram";

const SECONDS_1900_TO_1970 = 2208988800;

const port = Number(process.argv[2]);
const host = process.argv[3] ?? "127.0.0.1";

function stamp() {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE((Math.floor(Date.now() / 1000) + SECONDS_1900_TO_1970) % 2 ** 32);
  return bytes;
}

const tcp = net.createServer((socket) => {
  socket.on("error", () => {}); // a client that reset: nothing to do
  socket.end(stamp());
});
tcp.listen(port, host);

const udp = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
udp.on("message", (_request, peer) => udp.send(stamp(), peer.port, peer.address));
udp.bind(port, host, () => console.log(`listening on port ${port}`));

process.on("SIGTERM", () => process.exit(0));
