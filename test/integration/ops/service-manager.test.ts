// systemd's notify protocol (Type=notify) against a real AF_UNIX datagram socket: READY after the listeners, RELOADING and READY around a reload, STOPPING, STATUS, and watchdog pings from the loop that stop while it is stalled.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAll, spawnServer, spawnTracked, startServer, type Lines } from "../../support/server-process.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { expectNearNow, tcpTime, unixSecondsOf } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const dir = mkdtempSync(join(tmpdir(), "rfc868-notify-"));
const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
  files.remove();
});

const LISTENER = new URL("../../support/notify_listener.py", import.meta.url).pathname;
let sockets = 0;

/** A notify socket to hand the server: its address, and the datagrams it receives, one string each. */
async function notifySocket(kind: "path" | "abstract"): Promise<{ address: string; messages: Lines }> {
  const name = `n${process.pid}-${sockets++}`;
  const address = kind === "path" ? join(dir, name) : `@rfc868-test-${name}`;
  const { stdout } = spawnTracked(["python3", LISTENER, address]);
  expect(await stdout.waitFor(/^bound$/)).toBe("bound");
  return { address, messages: stdout };
}

/** The datagrams after "bound", decoded. */
const received = (messages: Lines) => messages.all.slice(1).map((line) => JSON.parse(line) as string);

describe("Type=notify", () => {
  test.each(["path", "abstract"] as const)(
    "over a notify socket (%s): READY=1 with a status once serving, STOPPING=1 when the stop begins",
    async (kind) => {
      const { address, messages } = await notifySocket(kind);
      const server = await startServer(["--quiet"], { NOTIFY_SOCKET: address });
      const ready = await messages.waitFor(/READY=1/);
      expect(JSON.parse(ready)).toMatch(/^READY=1\nSTATUS=serving; /);
      expectNearNow(unixSecondsOf((await tcpTime(server.port)).bytes));
      expect(await server.stop()).toBe(0);
      expect(JSON.parse(await messages.waitFor(/STOPPING=1/))).toBe("STOPPING=1\nSTATUS=stopping");
      // Nothing before READY=1: the manager must not think the unit started before its sockets were open.
      expect(received(messages)[0]).toStartWith("READY=1");
    },
  );

  test("a reload: RELOADING=1 with MONOTONIC_USEC, then READY=1 once it is applied", async () => {
    const { address, messages } = await notifySocket("path");
    const config = files.write('log = "seed"\n');
    const server = await startServer(["--config", config], { NOTIFY_SOCKET: address });
    await messages.waitFor(/READY=1/);
    const before = messages.all.length;
    server.proc.kill("SIGHUP");
    expect(await server.stderr.waitFor(/^rfc868: reloaded /)).not.toBe("");
    const reloading = JSON.parse(await messages.waitFor(/RELOADING=1/, before)) as string;
    const usec = BigInt(/MONOTONIC_USEC=(\d+)/.exec(reloading)![1]!);
    // CLOCK_MONOTONIC counts from boot: the same clock as /proc/uptime, to within a second or so.
    const uptimeUsec = BigInt(Math.round(Number((await Bun.file("/proc/uptime").text()).split(" ")[0]) * 1e6));
    expect(Number(uptimeUsec - usec)).toBeGreaterThanOrEqual(-1_000_000);
    expect(Number(uptimeUsec - usec)).toBeLessThan(60_000_000);
    expect(JSON.parse(await messages.waitFor(/READY=1/, before + 1))).toMatch(/^READY=1\nSTATUS=serving; /);
  });

  test("the watchdog: WATCHDOG=1 from the loop at half WATCHDOG_USEC; none while the process is stopped; again once it runs", async () => {
    const { address, messages } = await notifySocket("path");
    const server = await startServer(["--quiet"], { NOTIFY_SOCKET: address, WATCHDOG_USEC: "200000" });
    const pings = () => received(messages).filter((m) => m.startsWith("WATCHDOG=1")).length;
    while (pings() < 3) await messages.waitFor(/WATCHDOG=1/, messages.all.length);
    server.proc.kill("SIGSTOP");
    const stalled = pings();
    // A stalled loop: long enough for several pings at 100 ms had the loop been turning.
    await Bun.sleep(600);
    expect(pings()).toBe(stalled);
    server.proc.kill("SIGCONT");
    await messages.waitFor(/WATCHDOG=1/, messages.all.length);
    expect(pings()).toBeGreaterThan(stalled);
    expectNearNow(unixSecondsOf((await tcpTime(server.port)).bytes));
  });

  test("WATCHDOG_PID naming another process: no pings (the variables were meant for a parent)", async () => {
    const { address, messages } = await notifySocket("path");
    const server = await startServer(["--quiet"], {
      NOTIFY_SOCKET: address,
      WATCHDOG_USEC: "100000",
      WATCHDOG_PID: "1",
    });
    await messages.waitFor(/READY=1/);
    // Several ping intervals, ended by a datagram the server sends anyway (the stop).
    await Bun.sleep(500);
    expect(await server.stop()).toBe(0);
    await messages.waitFor(/STOPPING=1/);
    expect(received(messages).filter((m) => m.startsWith("WATCHDOG=1"))).toEqual([]);
  });

  test("a NOTIFY_SOCKET nobody listens on: one line naming it, exit 1, nothing served", async () => {
    const missing = join(dir, "nobody-here");
    const { proc, stdout, stderr } = spawnServer(["--host", "127.0.0.1", "--port", "0"], { NOTIFY_SOCKET: missing });
    expect(await proc.exited).toBe(1);
    await stderr.ended();
    expect(stderr.all).toEqual([`rfc868: NOTIFY_SOCKET: connect ${missing}: No such file or directory (ENOENT)`]);
    expect(stdout.all.filter((line) => line.startsWith("listening"))).toEqual([]);
  });
});
