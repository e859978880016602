// A program that embeds this server through the library API (src/embedding/): the server on its Worker, SIGTERM stops it and exits.
import { startTimeServer } from "../../src/embedding/library.ts";

const port = Number(process.argv[2]);
const server = await startTimeServer({ hosts: ["127.0.0.1"], port, udp: true, quiet: true });
process.on("SIGTERM", () => void server.stop().then(() => process.exit(0)));
