// A start-up failure under socket activation turns away the clients already waiting, so the held socket is not readable and no new start follows until a new client comes.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, serverCommand, spawnTracked } from "../../support/server-process.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { tcpTime } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

const HOLDER = new URL("../../support/socket_holder.py", import.meta.url).pathname;

describe("a bad configuration under socket activation", () => {
  test("the waiting client is closed without a byte, the server exits 2 once, and only a new client starts it again", async () => {
    const config = files.write("prot = 37\n");
    const { stdout, stderr } = spawnTracked(["python3", HOLDER, ...serverCommand(["--config", config])]);
    const port = Number((await stdout.waitFor(/^port \d+$/)).split(" ")[1]);
    const first = await tcpTime(port);
    expect(first).toEqual({ bytes: Buffer.alloc(0), close: "end" });
    expect(await stdout.waitFor(/^exited /)).toBe("exited 2");
    expect(await stderr.waitFor(/unknown key/)).toContain('unknown key "prot"');
    // Were the client still queued, the holder (like systemd) would start the server again at once.
    // A second client is the only thing that may: it finds one start so far, then causes the second.
    expect(stdout.count(/^started /)).toBe(1);
    await tcpTime(port);
    expect(await stdout.waitFor(/^exited /, stdout.all.indexOf("exited 2") + 1)).toBe("exited 2");
    expect(stdout.count(/^started /)).toBe(2);
  });
});
