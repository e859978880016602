// A log reader that stops reading (a full stdout pipe) never stalls the service, nor SIGTERM.
import { afterAll, expect, test } from "bun:test";
import { killAll, serverCommand, spawnTracked } from "./support/server-process.ts";
import { tcpTime, unixSecondsOf } from "./support/clients.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

/** The server is the wrapper's child, which killAll does not reach: a stalled one is killed here. */
let serverPid = 0;
afterAll(async () => {
  if (serverPid) {
    try {
      process.kill(serverPid, "SIGKILL");
    } catch {
      // already gone: the usual case
    }
  }
  await killAll();
});

/** Runs the server with stdout on a pipe it reads one line from, then never again; reports pid and exit. */
const STALLING_READER = `
import os, subprocess, sys
r, w = os.pipe()
server = subprocess.Popen(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
reader = os.fdopen(r)   # kept open (a closed reader would be EPIPE, not a stall) and never read past the ready line
print(reader.readline().strip(), flush=True)
print(server.pid, flush=True)
print("exit", server.wait(), flush=True)
`;

test("with stdout unread, 3,000 logged connections are all served and SIGTERM still exits 0", async () => {
  const { stdout } = spawnTracked(["python3", "-c", STALLING_READER, ...serverCommand(["--host", "127.0.0.1", "--port", "0"])]);
  const port = Number((await stdout.waitFor(/^listening on port \d+$/)).split(" ").pop());
  const pid = (serverPid = Number(await stdout.waitFor(/^\d+$/)));
  // ~40 bytes a line: 3,000 lines are more than the pipe (64 KiB) and the console buffer (64 KiB) hold together.
  for (let round = 0; round < 30; round++) {
    const replies = await Promise.all(Array.from({ length: 100 }, () => tcpTime(port)));
    for (const reply of replies) expect(Math.abs(unixSecondsOf(reply.bytes) - Date.now() / 1000)).toBeLessThanOrEqual(2);
  }
  process.kill(pid, "SIGTERM");
  expect(await stdout.waitFor(/^exit /)).toBe("exit 0");
});
