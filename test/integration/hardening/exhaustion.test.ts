// Out of fds: EMFILE backs off instead of spinning and serving resumes once fds are free; FD_SETSIZE is never crossed.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readdirSync } from "node:fs";
import { FD_SETSIZE } from "../../../native/index.ts";
import { OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { EventLoop } from "../../../src/core/event-loop.ts";
import { Log } from "../../../src/logging/log.ts";
import { LISTENER_BACKOFF_MS as ACCEPT_BACKOFF_MS } from "../../../src/core/socket-io.ts";
import { runTimeServer } from "../../../src/time-server.ts";
import { RUNTIME_TUNING } from "../../../src/ops/runtime-tuning.ts";
import { killAll, startServer } from "../../support/server-process.ts";
import { tcpTime, unixSecondsOf } from "../../support/clients.ts";
import { runCommand } from "../../support/commands.ts";
import {
  fdLimits,
  openFdCount,
  readCounters,
  setSoftFdLimit,
  startLoad,
  waitForFdCount,
} from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const SERVER = new URL("../../../src/server.ts", import.meta.url).pathname;
/** Filling every fd below FD_SETSIZE needs a limit above it, in this process (soft) and for a child (hard). */
const ROOM_ABOVE_FD_SETSIZE = FD_SETSIZE + 64;
const limits = fdLimits();
if (limits.hard < ROOM_ABOVE_FD_SETSIZE)
  console.log(
    `hardening-exhaustion.test.ts: skipping the FD_SETSIZE start-up test: the hard fd limit ${limits.hard} is below ${ROOM_ABOVE_FD_SETSIZE}`,
  );
if (limits.soft < ROOM_ABOVE_FD_SETSIZE)
  console.log(
    `hardening-exhaustion.test.ts: skipping the accepted-fd test: the fd limit ${limits.soft} is below ${ROOM_ABOVE_FD_SETSIZE}`,
  );

describe("fd exhaustion", () => {
  test("at the fd limit, accept's EMFILE pauses the listener (no busy loop), and every waiting client is served once fds are free", async () => {
    const server = await startServer(["--quiet"]);
    const pid = server.proc.pid;
    expect((await tcpTime(server.port)).close).toBe("end");
    const baseline = openFdCount(pid);
    // The tightest `ulimit -n`: the lowest free fd number is the limit, so the next accept gets EMFILE.
    const open = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
    let lowestFree = 0;
    while (open.has(lowestFree)) lowestFree++;
    const startedAt = performance.now();
    const oldLimit = await setSoftFdLimit(pid, lowestFree);
    try {
      const load = startLoad(server.port, { tcp: 300 }, { concurrency: 300 });
      expect(
        await server.stderr.waitFor(/accept4: Too many open files \(EMFILE\); pausing accepts for 100 ms/),
      ).not.toBe("");
      let backoffs = 0;
      while (backoffs < 5) backoffs = (await readCounters(server)).accept_backoff_EMFILE ?? 0;
      // A spinning loop would count thousands by now; pausing allows one back-off per ACCEPT_BACKOFF_MS.
      const elapsed = performance.now() - startedAt;
      expect(backoffs).toBeLessThanOrEqual(elapsed / ACCEPT_BACKOFF_MS + 2);
      await setSoftFdLimit(pid, "restore", oldLimit);
      const summary = await load.summary;
      await load.release();
      expect(summary.kinds.tcp).toEqual({ ok: 300 });
    } finally {
      await setSoftFdLimit(pid, "restore", oldLimit);
    }
    expect(await waitForFdCount(pid, baseline)).toBe(baseline);
  });
});

describe("FD_SETSIZE", () => {
  test("an fd at or above FD_SETSIZE is refused by the event loop before it can enter an fd_set", () => {
    const loop = new EventLoop();
    expect(() => loop.register(FD_SETSIZE, () => {})).toThrow(/FD_SETSIZE/);
    expect(() => loop.register(FD_SETSIZE - 1, () => {})).not.toThrow();
  });

  // The parent: raise the fd limit, fill every fd from 3 to 1023 (inheritable), exec the server.
  const FILLING_PARENT = `import os,resource,sys
s,h=resource.getrlimit(resource.RLIMIT_NOFILE);resource.setrlimit(resource.RLIMIT_NOFILE,(max(s,min(h,4096)),h))
n=os.open("/dev/null",os.O_RDONLY)
for fd in range(3,1024):
  if fd!=n: os.dup2(n,fd)
os.execv(sys.argv[1],sys.argv[1:])`;

  test.skipIf(limits.hard < ROOM_ABOVE_FD_SETSIZE)(
    "started by a parent that left fds 3-1023 open, the server exits 1 with one line naming FD_SETSIZE",
    async () => {
      // With the runtime tuning already in the environment the CLI does not re-execute, so the fds stay open.
      const run = await runCommand(
        ["python3", "-c", FILLING_PARENT, process.execPath, SERVER, "--host", "127.0.0.1", "--port", "0"],
        { env: { ...RUNTIME_TUNING } },
      );
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split("\n")).toEqual([
        expect.stringMatching(
          /^rfc868: cannot listen on tcp 127\.0\.0\.1 port 0: socket: fd \d{4,} is at or above FD_SETSIZE \(1024\), which select\(\) cannot watch/,
        ),
      ]);
      expect(run.stdout).toBe("");
    },
  );

  test.skipIf(limits.hard < ROOM_ABOVE_FD_SETSIZE)(
    "started by that parent untuned, the re-execution closes the leftover fds and the server serves",
    async () => {
      const server = await startServer([], {}, ["python3", "-c", FILLING_PARENT]);
      expect((await tcpTime(server.port)).bytes.length).toBe(4);
      // fds 0-3 survive (Bun leaves fd 3 alone), the ~1,020 others were close-on-exec.
      expect(openFdCount(server.proc.pid)).toBeLessThan(64);
    },
  );

  test.skipIf(limits.soft < ROOM_ABOVE_FD_SETSIZE)(
    "accepted connections never enter an fd_set: with every fd below 1024 taken, a client is still served",
    async () => {
      const devNull = openSync("/dev/null", "w");
      const log = new Log({ out: new OutputBuffer(devNull), err: new OutputBuffer(devNull), eventLines: false });
      const server = await runTimeServer({ hosts: ["127.0.0.1"], port: 0, log });
      const fillers: number[] = [];
      try {
        while (fillers.length === 0 || fillers.at(-1)! < FD_SETSIZE) fillers.push(openSync("/dev/null", "r"));
        const before = Date.now();
        const reply = await tcpTime(server.port);
        expect(reply.close).toBe("end");
        // In-process, the select loop shares this thread, so the reply may be read a tick (up to 1 s) late.
        expect(unixSecondsOf(reply.bytes)).toBeGreaterThanOrEqual(Math.floor(before / 1000));
        expect(unixSecondsOf(reply.bytes)).toBeLessThanOrEqual(Date.now() / 1000);
        // Still no free fd below FD_SETSIZE: the accepted socket must have been one above it.
        const probe = openSync("/dev/null", "r");
        fillers.push(probe);
        expect(probe).toBeGreaterThanOrEqual(FD_SETSIZE);
        expect(server.counters.get("served_tcp")).toBe(1);
      } finally {
        for (const fd of fillers) closeSync(fd);
        await server.stop();
        closeSync(devNull);
      }
    },
  );
});
