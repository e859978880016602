// Entry of the single executable (packaging/build.ts): the client when invoked as rfc868-client, the server otherwise.
import { basename } from "node:path";
import { CLIENT_NAME, runClient } from "./client.ts";
import { runServer } from "./server.ts";

// One ~100 MB runtime serves both, as busybox does: the client is a symlink to the executable.
// process.argv0 is argv[0] as invoked (the symlink's name); process.argv[0] is always "bun" in here.
const run = basename(process.argv0) === CLIENT_NAME ? runClient : runServer;
run(process.argv.slice(2));
