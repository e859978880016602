// --idle-exit: under socket activation the server exits after the idle time, the socket's holder keeps the port, and the next client starts it again and is answered.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, runServer, serverCommand, spawnTracked } from "../../support/server-process.ts";
import { expectNearNow, tcpTime, unixSecondsOf } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const HOLDER = new URL("../../support/socket_holder.py", import.meta.url).pathname;

describe("--idle-exit", () => {
  test("exits 0 after a second without a request; the held socket starts it again for the next client, who is answered", async () => {
    const { stdout, stderr } = spawnTracked(["python3", HOLDER, ...serverCommand(["--idle-exit", "1", "--quiet"])]);
    const port = Number((await stdout.waitFor(/^port \d+$/)).split(" ")[1]);
    expectNearNow(unixSecondsOf((await tcpTime(port)).bytes));
    expect(await stdout.waitFor(/^exited /)).toBe("exited 0");
    expect(await stderr.waitFor(/--idle-exit/)).toBe(
      "rfc868: nothing to do for 1 s (--idle-exit): exiting; the listening sockets stay open with whoever passed them",
    );
    // Nothing runs now; the next client waits in the held socket's queue until the server is up again.
    expect(stdout.count(/^started /)).toBe(1);
    const started = performance.now();
    expectNearNow(unixSecondsOf((await tcpTime(port)).bytes));
    console.log(`idle exit: first answer after a restart by the holder ${(performance.now() - started).toFixed(1)} ms`);
    expect(stdout.count(/^started /)).toBe(2);
    // The counters line of the first run went out before it exited.
    expect(stderr.all.some((line) => line.startsWith("rfc868: counters: served_tcp=1"))).toBe(true);
  });

  test("without socket activation it is refused: nothing would start the server again; one line, exit 2", async () => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", "--idle-exit", "5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      "rfc868: --idle-exit needs socket activation (LISTEN_FDS): once it exited, nothing would start the server again",
    ]);
  });
});
