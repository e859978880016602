// Privilege drop (--user, --group) after binding a port below 1024, checked in /proc for every thread; the root refusal.
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { killAll, runServer, startServer } from "../../support/server-process.ts";
import { runCommand } from "../../support/commands.ts";
import { tcpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { freePrivilegedPort } from "../../support/ports.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { NOT_REAL_ROOT, REAL_ROOT } from "../../support/emulation.ts";

useSuiteTimeout();

afterAll(killAll);

const isRoot = REAL_ROOT;
if (!isRoot)
  console.log(
    `ops-privileges.test.ts: skipping the privilege drop and root refusal tests: they bind ports below 1024 and switch users, which ${NOT_REAL_ROOT}`,
  );

/** Real, effective, saved and filesystem ids of every thread of `pid`, and its supplementary groups, from /proc. */
function threadIds(pid: number) {
  return readdirSync(`/proc/${pid}/task`).map((task) => {
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, "utf8");
    const field = (name: string) => (new RegExp(`^${name}:(.*)$`, "m").exec(status)?.[1] ?? "").trim();
    return {
      task,
      uid: field("Uid").split(/\s+/).map(Number),
      gid: field("Gid").split(/\s+/).map(Number),
      groups: field("Groups"),
    };
  });
}

/** An id from the system's own tools, not from the code under test. */
async function idOf(flag: "-u" | "-g", user: string): Promise<number> {
  const result = await runCommand(["id", flag, user]);
  if (result.code !== 0) throw new Error(`id ${flag} ${user}: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** Exec the rest of the command line with supplementary groups 1 and 2, which the drop must clear. */
const WITH_GROUPS = ["python3", "-c", "import os, sys; os.setgroups([1, 2]); os.execv(sys.argv[1], sys.argv[1:])"];

async function groupId(group: string): Promise<number> {
  const result = await runCommand(["getent", "group", group]);
  if (result.code !== 0) throw new Error(`getent group ${group}: exit ${result.code}`);
  return Number(result.stdout.split(":")[2]);
}

describe.skipIf(!isRoot)("--user as root", () => {
  test("binds a port below 1024, then every thread runs as nobody (all four uids and gids) with no supplementary groups", async () => {
    const [uid, gid] = [await idOf("-u", "nobody"), await idOf("-g", "nobody")];
    const port = await freePrivilegedPort();
    const server = await startServer(["--port", String(port), "--user", "nobody"], {}, WITH_GROUPS);
    expect(server.port).toBe(port);
    const threads = threadIds(server.proc.pid);
    // Bun runs JIT and GC threads beside the main one: the drop must reach them all.
    expect(threads.length).toBeGreaterThan(1);
    for (const thread of threads) {
      expect(thread).toEqual({ task: thread.task, uid: [uid, uid, uid, uid], gid: [gid, gid, gid, gid], groups: "" });
    }
    const reply = await tcpTime(port);
    expect(reply.close).toBe("end");
    expectNearNow(unixSecondsOf(reply.bytes));
  });

  test("--group replaces the user's own group on every thread", async () => {
    const gid = await groupId("daemon");
    const server = await startServer([
      "--port",
      String(await freePrivilegedPort()),
      "--user",
      "nobody",
      "--group",
      "daemon",
    ]);
    for (const thread of threadIds(server.proc.pid)) expect(thread.gid).toEqual([gid, gid, gid, gid]);
  });

  test("refuses to serve a port below 1024 as root without --user: one line, exit 1, nothing served", async () => {
    const port = await freePrivilegedPort();
    const run = await runServer(["--host", "127.0.0.1", "--port", String(port)]);
    expect(run.code).toBe(1);
    expect(run.stdout.filter(Boolean)).toEqual([]);
    expect(run.stderr.filter(Boolean)).toEqual([
      `rfc868: refusing to serve port ${port} as root: give --user NAME to drop privileges once bound, or --allow-root`,
    ]);
  });

  test("--allow-root serves a port below 1024 as root", async () => {
    const port = await freePrivilegedPort();
    const server = await startServer(["--port", String(port), "--allow-root"]);
    for (const thread of threadIds(server.proc.pid)) expect(thread.uid).toEqual([0, 0, 0, 0]);
    expect((await tcpTime(port)).bytes.length).toBe(4);
  });

  test("--user root is refused: it would drop nothing", async () => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", "--user", "root"]);
    expect(run.code).toBe(1);
    expect(run.stderr.filter(Boolean)).toEqual([
      "rfc868: --user root is root, which drops nothing (--allow-root runs as root)",
    ]);
  });
});

describe("unknown names and misuse", () => {
  test.each([
    [["--user", "no-such-user-rfc868"], 'rfc868: unknown user "no-such-user-rfc868" (--user)'],
    [["--user", "nobody", "--group", "no-such-group-rfc868"], 'rfc868: unknown group "no-such-group-rfc868" (--group)'],
  ])("%p fails with one line and exit 1", async (args, line) => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", ...args]);
    expect(run.code).toBe(1);
    expect(run.stderr.filter(Boolean)).toEqual([line]);
  });

  test("--group without --user is a usage error", async () => {
    const run = await runServer(["--port", "0", "--group", "daemon"]);
    expect(run.code).toBe(2);
    expect(run.stderr.filter(Boolean)).toEqual(["rfc868: --group needs --user"]);
  });
});
