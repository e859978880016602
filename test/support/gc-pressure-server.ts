// The UDP server through the library API plus a full collection every few ms, for test/integration/service/udp-gc.test.ts: a buffer only a raw pointer keeps is freed at once.
import { startTimeServer } from "../../src/time-server.ts";

// A hook in the test's own process rather than in src/: the server's code is exactly what ships.
const everyMs = Number(process.argv[2] ?? 10);
const server = await startTimeServer({ hosts: ["127.0.0.1"], port: 0, tcp: false, udp: true, quiet: true });
let collections = 0;
const collector = setInterval(() => {
  Bun.gc(true);
  collections++;
}, everyMs);
process.on("SIGTERM", () => {
  clearInterval(collector);
  console.log(`collections ${collections}`);
  void server.stop();
});
