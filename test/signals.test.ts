// Every signal an operator or a tool may send, under load: none costs a log line or the counters line (answered = logged).
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, runServer, startServer, type ServerProcess } from "./support/server-process.ts";
import { SIGNALS } from "../src/ops/signals.ts";
import { parseCounters } from "./support/hardening.ts";
import { ConfigDir } from "./support/config-files.ts";
import { startQueryLoop, type QueryTally } from "./support/query-loop.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

/** Replies the clients get before the signal and after it: enough that the signal lands mid-load. */
const REPLIES_PER_PHASE = 200;
/** Clients querying at once: enough that connections wait in the backlog when the signal lands. */
const WORKERS = 8;

/** Once the server has exited: its connection lines, its last counters line, and the clients' tally agree. */
async function expectAnsweredLogged(signal: string, server: ServerProcess, tally: QueryTally): Promise<void> {
  await Promise.all([server.stdout.ended(), server.stderr.ended()]);
  const counters = server.stderr.all.filter((line) => line.startsWith("rfc868: counters: "));
  const logged = server.stdout.count(/^connection from /);
  console.log(`${signal}: ${tally.sent} requests, ${tally.answered} answered, ${logged} logged, exit ${server.proc.exitCode}`);
  expect(counters.length).toBeGreaterThan(0);
  expect(logged).toBe(tally.answered);
  expect(parseCounters(counters.at(-1)!).served_tcp).toBe(tally.answered);
}

describe("a signal that keeps the server serving", () => {
  test.each([
    ["SIGHUP", /^rfc868: reloaded .*: no change$/],
    ["SIGUSR1", /^rfc868: counters: /],
    ["SIGUSR2", null],
    ["SIGPIPE", null],
    ["SIGALRM", null],
  ] as const)("%s under load: every request answered and logged, then SIGTERM exits 0", async (signal, reply) => {
    const server = await startServer(["--config", files.write('host = ["127.0.0.1"]\nport = 0\n')]);
    const clients = startQueryLoop(server.port, WORKERS);
    await clients.reached(REPLIES_PER_PHASE);
    const from = server.stderr.all.length;
    server.proc.kill(signal);
    if (reply) expect(await server.stderr.waitFor(reply, from)).not.toBe("");
    await clients.reached(clients.tally.answered + REPLIES_PER_PHASE);
    const tally = await clients.stop();
    expect(server.proc.exitCode).toBeNull();
    expect(tally.other).toEqual({});
    expect(tally.answered).toBe(tally.sent);
    expect(await server.stop("SIGTERM")).toBe(0);
    await expectAnsweredLogged(signal, server, tally);
  });
});

describe("a signal that stops the server", () => {
  test.each(["SIGINT", "SIGTERM", "SIGQUIT"] as const)("%s under load: exit 0 with every answered request logged and counted", async (signal) => {
    const server = await startServer([]);
    const clients = startQueryLoop(server.port, WORKERS);
    await clients.reached(REPLIES_PER_PHASE);
    server.proc.kill(signal);
    expect(await server.proc.exited).toBe(0);
    // The clients end on their first refused connection: nothing listens any more.
    const tally = await clients.ended();
    expect(tally.refused).toBe(WORKERS);
    await expectAnsweredLogged(signal, server, tally);
  });
});

test("--help lists every caught signal with its meaning", async () => {
  const run = await runServer(["--help"]);
  expect(run.code).toBe(0);
  const listed = run.stdout.slice(run.stdout.indexOf("signals:") + 1).filter((line) => line !== "");
  expect(listed.map((line) => line.trim().split(/\s+/)[0])).toEqual(SIGNALS.map(({ signal }) => signal));
  expect(SIGNALS.map(({ signal }) => signal).sort()).toEqual(["SIGALRM", "SIGHUP", "SIGINT", "SIGPIPE", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2"]);
});
