// A log reader that stops reading (a full stdout pipe) never stalls the service, nor SIGTERM; what it missed is reported in the log format.
import { afterAll, expect, test } from "bun:test";
import { killAll, serverCommand, spawnTracked } from "../../support/server-process.ts";
import { tcpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { parseCounters } from "../../support/hardening.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { withinGuard } from "../../support/stall-guard.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** The servers are the wrapper's children, which killAll does not reach: a stalled one is killed here. */
const serverPids: number[] = [];
const files = new ConfigDir();
afterAll(async () => {
  files.remove();
  for (const pid of serverPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone: the usual case
    }
  }
  await killAll();
});

/** `connections` TCP queries, 100 at a time, each reply checked to be the time now; how many were answered. */
async function queryAll(port: number, connections: number): Promise<number> {
  let answered = 0;
  for (let round = 0; round < connections / 100; round++) {
    const replies = await Promise.all(Array.from({ length: 100 }, () => tcpTime(port)));
    for (const reply of replies) {
      expectNearNow(unixSecondsOf(reply.bytes));
      answered++;
    }
  }
  return answered;
}

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
  const { stdout } = spawnTracked([
    "python3",
    "-c",
    STALLING_READER,
    ...serverCommand(["--host", "127.0.0.1", "--port", "0"]),
  ]);
  const port = Number((await stdout.waitFor(/^listening on port \d+$/)).split(" ").pop());
  const pid = Number(await stdout.waitFor(/^\d+$/));
  serverPids.push(pid);
  // ~40 bytes a line: 3,000 lines are more than the pipe (64 KiB) and the console buffer (64 KiB) hold together.
  expect(await queryAll(port, 3000)).toBe(3000);
  process.kill(pid, "SIGTERM");
  expect(await stdout.waitFor(/^exit /)).toBe("exit 0");
});

/** As STALLING_READER, but on SIGUSR1 it reads again and passes on every line; the server's stderr is passed through. */
const RESUMING_READER = `
import os, signal, subprocess, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
r, w = os.pipe()
server = subprocess.Popen(sys.argv[1:], stdout=w, preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1}))
os.close(w)
reader = os.fdopen(r)
print(reader.readline().strip(), flush=True)
print(server.pid, flush=True)
signal.sigwait({signal.SIGUSR1})
for line in reader:
    print(line, end="", flush=True)
print("exit", server.wait(), flush=True)
`;

test("--log json with a stalled reader: every line parses, and logged plus dropped is every connection", async () => {
  const wrapper = spawnTracked([
    "python3",
    "-c",
    RESUMING_READER,
    ...serverCommand(["--host", "127.0.0.1", "--port", "0", "--log", "json"]),
  ]);
  const { port } = JSON.parse(await wrapper.stdout.waitFor(/"event":"listening"/));
  const pid = Number(await wrapper.stdout.waitFor(/^\d+$/));
  serverPids.push(pid);
  const connections = 3000; // ~110 bytes a JSON line: far more than the pipe and the buffer hold
  expect(await queryAll(port, connections)).toBe(connections);
  process.kill(wrapper.proc.pid, "SIGUSR1"); // the reader reads again
  const dropNotice = JSON.parse(await wrapper.stderr.waitFor(/log lines dropped/));
  process.kill(pid, "SIGTERM");
  expect(await wrapper.stdout.waitFor(/^exit /)).toBe("exit 0");
  await wrapper.stderr.ended();

  const eventLines = wrapper.stdout.all.filter((line) => !/^(\d+|exit \d+)$/.test(line));
  const events = eventLines.map((line) => JSON.parse(line));
  const notices = wrapper.stderr.all.filter((line) => line !== "").map((line) => JSON.parse(line));
  const dropped = Number(/^(\d+) log lines dropped/.exec(dropNotice.message)?.[1]);
  expect(dropped).toBeGreaterThan(0);
  expect(events.filter((event) => event.event === "connection").length + dropped).toBe(connections);
  const counters = notices.find((notice) => notice.message?.startsWith("counters:"));
  expect(counters.message).toContain(`log_lines_dropped=${dropped}`);
  expect(counters.message).toContain(`served_tcp=${connections}`);
});

/** As STALLING_READER, but once the server has exited it reads what the pipe still holds and passes on its whole lines; the server's stderr is passed through. */
const READER_AFTER_EXIT = `
import os, subprocess, sys
r, w = os.pipe()
server = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
reader = os.fdopen(r)
print(reader.readline().strip(), flush=True)
print(server.pid, flush=True)
code = server.wait()
rest = reader.read()
print(rest[: rest.rfind("\\n") + 1], end="", flush=True)   # a line cut at a chunk's end never arrived whole: the server counts it lost
print("exit", code, flush=True)
`;

test("SIGTERM while the reader is stalled: the counters line counts every line lost, and a last notice says how many", async () => {
  const wrapper = spawnTracked([
    "python3",
    "-c",
    READER_AFTER_EXIT,
    ...serverCommand(["--host", "127.0.0.1", "--port", "0", "--log", "json"]),
  ]);
  const { port } = JSON.parse(await wrapper.stdout.waitFor(/"event":"listening"/));
  const pid = Number(await wrapper.stdout.waitFor(/^\d+$/));
  serverPids.push(pid);
  const connections = 3000; // ~110 bytes a JSON line: far more than the pipe and the buffer hold
  expect(await queryAll(port, connections)).toBe(connections);
  process.kill(pid, "SIGTERM");
  expect(await wrapper.stdout.waitFor(/^exit /)).toBe("exit 0");
  await wrapper.stderr.ended();

  const logged = wrapper.stdout.all.filter((line) => line.includes('"event":"connection"')).length;
  const notices = wrapper.stderr.all.filter((line) => line !== "").map((line) => JSON.parse(line).message as string);
  const counters = parseCounters(`rfc868: ${notices.find((notice) => notice.startsWith("counters: "))}`);
  console.log(`stalled at SIGTERM: ${connections} answered, ${logged} logged; ${notices.join(" | ")}`);
  expect(counters.served_tcp).toBe(connections);
  expect(logged).toBeLessThan(connections);
  expect(counters.log_lines_dropped).toBe(connections - logged);
  expect(notices.at(-1)).toBe(
    `${connections - logged} log lines lost in all (log_lines_dropped): the output could not take them`,
  );
});

/** Runs the server with stderr on a pipe nobody reads (stdout passed through); reports pid and exit. */
const STALLED_STDERR = `
import os, subprocess, sys
r, w = os.pipe()
server = subprocess.Popen(sys.argv[1:], stderr=w)
os.close(w)
print(server.pid, flush=True)
print("exit", server.wait(), flush=True)
`;

test("a 400 KB notice (a reload refused, quoting the value) with stderr unread: the service keeps answering and SIGTERM acts", async () => {
  const config = files.write('host = ["127.0.0.1"]\nport = 0\n');
  const wrapper = spawnTracked(["python3", "-c", STALLED_STDERR, ...serverCommand(["--config", config])]);
  const port = Number((await wrapper.stdout.waitFor(/^listening on port \d+$/)).split(" ").pop());
  const pid = Number(await wrapper.stdout.waitFor(/^\d+$/));
  serverPids.push(pid);
  const clients = startQueryLoop(port, 4);
  await clients.reached(200);
  files.write(`host = ["127.0.0.1"]\nport = 0\nlog = "${"x".repeat(400_000)}"\n`, config);
  process.kill(pid, "SIGHUP");
  const target = clients.tally.answered + 500;
  await withinGuard(clients.reached(target));
  const tally = await clients.stop();
  console.log(`huge notice, stderr unread: ${tally.answered} of ${tally.sent} answered`);
  expect(tally.answered).toBeGreaterThanOrEqual(target);
  expect(tally.answered).toBe(tally.sent);
  const sentAt = performance.now();
  process.kill(pid, "SIGTERM");
  expect(await withinGuard(wrapper.stdout.waitFor(/^exit /))).toBe("exit 0");
  console.log(`huge notice, stderr unread: SIGTERM to exit ${Math.round(performance.now() - sentAt)} ms`);
});
