// A time server as a Bun user would write it: Bun.listen for TCP, Bun.udpSocket for UDP, no logging.
// Usage: bun bench/peers/bun-peer.ts PORT [HOST]

export {}; // a module, for top-level await

const SECONDS_1900_TO_1970 = 2208988800;

const port = Number(process.argv[2]);
const hostname = process.argv[3] ?? "127.0.0.1";

function stamp(): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, (Math.floor(Date.now() / 1000) + SECONDS_1900_TO_1970) % 2 ** 32);
  return bytes;
}

Bun.listen({
  hostname,
  port,
  socket: {
    open(socket) {
      socket.end(stamp());
    },
    data() {},
    error() {}, // a client that reset: nothing to do
  },
});

await Bun.udpSocket({
  hostname,
  port,
  socket: {
    data(socket, _request, peerPort, peerAddress) {
      socket.send(stamp(), peerPort, peerAddress);
    },
  },
});

console.log(`listening on port ${port}`);
