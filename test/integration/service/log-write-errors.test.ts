// A log output whose writes fail (stdout on /dev/full: ENOSPC; a reader gone: EPIPE): the service keeps answering, the lost lines are counted, and stderr says so once.
import { afterAll, expect, test } from "bun:test";
import { killAll, serverCommand, spawnTracked } from "../../support/server-process.ts";
import { closedTcpPort } from "../../support/ports.ts";
import { tcpTime } from "../../support/clients.ts";
import { parseCounters } from "../../support/hardening.ts";
import { samples, scrape } from "../../support/metrics.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const REQUESTS = 1000;

test("stdout on /dev/full: every request answered, every event line counted as dropped (counters, metrics), one notice on stderr", async () => {
  // The ready line goes to /dev/full too: the port is chosen here and polled until it answers.
  const port = await closedTcpPort();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--log", "json", "--metrics", "127.0.0.1:0"];
  const { proc, stderr } = spawnTracked(["sh", "-c", 'exec "$@" > /dev/full', "sh", ...serverCommand(args)]);
  const metricsNotice = JSON.parse(await stderr.waitFor(/metrics on http:/));
  const metricsUrl = metricsNotice.message.split(" ").pop();
  let polled = 0;
  while ((await tcpTime(port)).bytes.length !== 4) polled++;

  const clients = startQueryLoop(port, 4);
  await clients.reached(REQUESTS);
  const tally = await clients.stop();
  expect(tally.answered).toBe(tally.sent);
  expect(tally.other).toEqual({});

  // Every event line so far: the listening line and one per connection (JSON has no idle lines).
  const lines = 1 + (polled + 1) + tally.answered;
  const page = samples((await scrape(metricsUrl)).body);
  expect(page.get("rfc868_log_lines_dropped_total")).toBe(lines);

  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  await stderr.ended();
  const notices = stderr.all.filter((line) => line !== "").map((line) => JSON.parse(line).message as string);
  console.log(
    `/dev/full: ${tally.answered} answered; stderr: ${notices.filter((n) => !n.startsWith("metrics")).join(" | ")}`,
  );
  expect(notices.filter((notice) => /fd 1/.test(notice))).toEqual([
    "the output (fd 1) failed, write: No space left on device (ENOSPC): lines it does not take are dropped and counted as log_lines_dropped",
  ]);
  const counters = parseCounters(`rfc868: ${notices.find((notice) => notice.startsWith("counters: "))!}`);
  expect(counters.served_tcp).toBe(tally.answered + 1 + polled);
  expect(counters.log_lines_dropped).toBe(1 + counters.served_tcp!);
  expect(notices.at(-1)).toBe(
    `${counters.log_lines_dropped} log lines lost in all (log_lines_dropped): the output could not take them`,
  );
});

/** Runs the server with stdout on a pipe whose reader closes it after the ready line; passes the server's stderr through. */
const READER_THAT_LEAVES = `
import os, subprocess, sys
r, w = os.pipe()
server = subprocess.Popen(sys.argv[1:], stdout=w)
os.close(w)
reader = os.fdopen(r)
print(reader.readline().strip(), flush=True)
reader.close()
print(server.pid, flush=True)
print("exit", server.wait(), flush=True)
`;

test("stdout's reader gone (EPIPE): every request answered, every line after counted as dropped, one notice on stderr", async () => {
  const wrapper = spawnTracked([
    "python3",
    "-c",
    READER_THAT_LEAVES,
    ...serverCommand(["--host", "127.0.0.1", "--port", "0", "--log", "json"]),
  ]);
  const { port } = JSON.parse(await wrapper.stdout.waitFor(/"event":"listening"/));
  const pid = Number(await wrapper.stdout.waitFor(/^\d+$/));
  const clients = startQueryLoop(port, 4);
  await clients.reached(REQUESTS);
  const tally = await clients.stop();
  expect(tally.answered).toBe(tally.sent);
  process.kill(pid, "SIGTERM");
  expect(await wrapper.stdout.waitFor(/^exit /)).toBe("exit 0");
  await wrapper.stderr.ended();
  const notices = wrapper.stderr.all.filter((line) => line !== "").map((line) => JSON.parse(line).message as string);
  console.log(`EPIPE: ${tally.answered} answered; stderr: ${notices.join(" | ")}`);
  expect(notices.filter((notice) => /fd 1/.test(notice))).toEqual([
    "the output (fd 1) failed, write: Broken pipe (EPIPE): lines it does not take are dropped and counted as log_lines_dropped",
  ]);
  const counters = parseCounters(`rfc868: ${notices.find((notice) => notice.startsWith("counters: "))!}`);
  expect(counters.served_tcp).toBe(tally.answered);
  expect(counters.log_lines_dropped).toBe(tally.answered);
});
