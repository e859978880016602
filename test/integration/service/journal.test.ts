// Lines into systemd's journal: when stdout/stderr is the stream $JOURNAL_STREAM names, each line carries its sd-daemon priority and the idle heartbeat is left out.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { serverCommand } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const dir = mkdtempSync(join(tmpdir(), "rfc868-journal-"));
const children: Subprocess[] = [];
afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  const late = setTimeout(() => children.forEach((child) => child.kill("SIGKILL")), 2000);
  await Promise.all(children.map((child) => child.exited));
  clearTimeout(late);
  rmSync(dir, { recursive: true, force: true });
});

let runs = 0;

/**
 * The server with stdout and stderr on one file, as systemd gives a service one journal stream for
 * both; JOURNAL_STREAM names that file's device:inode ("match") or another file's ("other").
 */
function spawnInto(journal: "match" | "other", args: string[]) {
  const path = join(dir, `out-${runs++}`);
  writeFileSync(path, "");
  const elsewhere = join(dir, `elsewhere-${runs}`);
  writeFileSync(elsewhere, "");
  const { dev, ino } = statSync(journal === "match" ? path : elsewhere, { bigint: true });
  const file = Bun.file(path);
  const proc = Bun.spawn(serverCommand(["--host", "127.0.0.1", "--port", "0", ...args]), {
    stdin: "ignore",
    stdout: file,
    stderr: file,
    env: { ...process.env, JOURNAL_STREAM: `${dev}:${ino}` },
  });
  children.push(proc);
  const lines = () =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "");
  /** Poll the file until a line matches (the server writes it once per loop iteration). */
  const waitFor = async (pattern: RegExp) => {
    for (;;) {
      const found = lines().find((line) => pattern.test(line));
      if (found !== undefined) return found;
      if (proc.exitCode !== null) return "";
      await Bun.sleep(10);
    }
  };
  return { proc, lines, waitFor };
}

describe("the journal as stdout and stderr", () => {
  test("priorities: <5> listening and the counters line, <6> each connection, <4> a warning; no idle heartbeat, where a server not on the journal writes it", async () => {
    const journal = spawnInto("match", []);
    const plain = spawnInto("other", []);
    const port = Number((await journal.waitFor(/listening on port \d+$/)).split(" ").pop());
    expect(journal.lines()[0]).toBe(`<5>listening on port ${port}`);
    await tcpTime(port);
    expect(await journal.waitFor(/connection from/)).toMatch(/^<6>connection from \('127\.0\.0\.1', \d+\)$/);
    // A warning: SIGHUP with no --config.
    journal.proc.kill("SIGHUP");
    expect(await journal.waitFor(/SIGHUP/)).toStartWith("<4>rfc868: SIGHUP: no configuration file to reload");
    // Two idle seconds on the server beside it, which is not on the journal, and says so.
    expect(await plain.waitFor(/^listening on port \d+$/)).not.toBe("");
    while (plain.lines().filter((line) => line === "still waiting").length < 2) await Bun.sleep(50);
    expect(journal.lines().filter((line) => line.includes("still waiting"))).toEqual([]);
    journal.proc.kill("SIGTERM");
    expect(await journal.proc.exited).toBe(0);
    expect(journal.lines().at(-1)).toMatch(/^<5>rfc868: counters: served_tcp=1/);
    // Every line the journal got has a priority.
    expect(journal.lines().filter((line) => !/^<[3-6]>/.test(line))).toEqual([]);
  });

  test("--log json: the same priorities, and a level field that says the same", async () => {
    const journal = spawnInto("match", ["--log", "json"]);
    const ready = await journal.waitFor(/"event":"listening"/);
    expect(ready).toStartWith("<5>{");
    expect(JSON.parse(ready.slice(3))).toMatchObject({ level: "notice", event: "listening" });
    journal.proc.kill("SIGHUP");
    const warning = await journal.waitFor(/SIGHUP/);
    expect(warning).toStartWith("<4>{");
    expect(JSON.parse(warning.slice(3))).toMatchObject({ level: "warning", event: "notice" });
  });

  test("a start-up failure is <3>, and the journal gets only that line", async () => {
    const taken = spawnInto("other", []);
    const port = Number((await taken.waitFor(/^listening on port \d+$/)).split(" ").pop());
    const failing = spawnInto("match", ["--port", String(port)]);
    expect(await failing.proc.exited).toBe(1);
    expect(failing.lines()).toEqual([
      `<3>rfc868: cannot listen on tcp 127.0.0.1 port ${port}: bind: Address already in use (EADDRINUSE)`,
    ]);
  });
});
