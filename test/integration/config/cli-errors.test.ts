// The server process's exits: one stderr line and a status for each mistake, --help/--version, --quiet, SIGINT.
import { afterAll, describe, expect, test } from "bun:test";
import { killAll, runServer, startServer, type ServerRun } from "../../support/server-process.ts";
import { tcpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { IS_ROOT, skipNotice } from "../../support/hardening.ts";
import packageJson from "../../../package.json";
import { checkoutCommit } from "../../support/commands.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

/** Lines with content (a trailing newline leaves an empty last line). */
const nonEmpty = (lines: string[]) => lines.filter((line) => line !== "");

/** No output line of the run looks like a JavaScript stack frame. */
function expectNoStackTrace(run: ServerRun): void {
  expect([...run.stdout, ...run.stderr].filter((line) => /^\s+at /.test(line))).toEqual([]);
}

describe("start-up failures", () => {
  test("a second server on a port in use exits 1 with one line naming the address and EADDRINUSE", async () => {
    const first = await startServer();
    const run = await runServer(["--host", "127.0.0.1", "--port", String(first.port)]);
    expect(run.code).toBe(1);
    expect(nonEmpty(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^rfc868: cannot listen on .*127\\.0\\.0\\.1.* port ${first.port}: bind: Address already in use \\(EADDRINUSE\\)$`,
        ),
      ),
    ]);
    expect(nonEmpty(run.stdout)).toEqual([]);
    expectNoStackTrace(run);
    // The first server is unharmed.
    expect((await tcpTime(first.port)).bytes.length).toBe(4);
  });
});

describe("start-up failures with --log json: every line the server writes is JSON", () => {
  /** The run's one stderr line, parsed: a JSON notice carrying `message`. */
  function onlyJsonLine(run: ServerRun): { time: string; event: string; message: string } {
    const lines = nonEmpty(run.stderr);
    expect(lines.length).toBe(1);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed).toEqual({ time: expect.any(String), level: "error", event: "error", message: expect.any(String) });
    return parsed;
  }

  test("a port in use: one JSON line naming EADDRINUSE, exit 1", async () => {
    const first = await startServer();
    const run = await runServer(["--host", "127.0.0.1", "--port", String(first.port), "--log", "json"]);
    expect(run.code).toBe(1);
    expect(onlyJsonLine(run).message).toMatch(
      new RegExp(`^cannot listen on .* port ${first.port}: bind: Address already in use \\(EADDRINUSE\\)$`),
    );
    expect(nonEmpty(run.stdout)).toEqual([]);
  });

  test("a missing config file, --log=json before it: one JSON line, exit 2", async () => {
    const run = await runServer(["--log=json", "--config", "/nonexistent/rfc868.toml"]);
    expect(run.code).toBe(2);
    expect(onlyJsonLine(run).message).toMatch(/^\/nonexistent\/rfc868\.toml: .*ENOENT/);
  });

  test('log = "json" in the config file: a port in use is a JSON line too', async () => {
    const first = await startServer();
    const run = await runServer([
      "--config",
      files.write(`host = ["127.0.0.1"]\nport = ${first.port}\nlog = "json"\n`),
    ]);
    expect(run.code).toBe(1);
    expect(onlyJsonLine(run).message).toContain("EADDRINUSE");
  });

  test.skipIf(!IS_ROOT)("port 80 as root without --user: the refusal is one JSON line, exit 1", async () => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "80", "--log", "json"]);
    expect(run.code).toBe(1);
    expect(onlyJsonLine(run).message).toMatch(/^refusing to serve port 80 as root/);
  });
  if (!IS_ROOT) skipNotice("cli-errors.test.ts", "the port 80 refusal in JSON (needs root)");

  test("a bad --log value itself is plain: there is no format to print it in", async () => {
    const run = await runServer(["--port", "0", "--log", "xml", "--config", "/nonexistent/rfc868.toml"]);
    expect(run.code).toBe(2);
    expect(nonEmpty(run.stderr)).toEqual(['rfc868: --log: unknown value "xml" (one of seed, json)']);
  });
});

describe("usage errors", () => {
  // Each case binds loopback port 0 if parsing wrongly let it through, so a regression never takes port 8037.
  test.each([
    ["--bogus", ["--host", "127.0.0.1", "--port", "0", "--bogus"], /^rfc868: unknown option "--bogus"/],
    ["--port 70000", ["--host", "127.0.0.1", "--port", "70000"], /^rfc868: --port: .*0 to 65535.*"70000"/],
    ["--port without a value", ["--host", "127.0.0.1", "--port"], /^rfc868: --port needs a value/],
    ["--host nope", ["--port", "0", "--host", "nope"], /^rfc868: --host: .*"nope"/],
    ["--quiet=1", ["--host", "127.0.0.1", "--port", "0", "--quiet=1"], /^rfc868: --quiet takes no value/],
  ] as const)("%s exits 2 with one stderr line and no stack trace", async (_, args, message) => {
    const run = await runServer([...args]);
    expect(run.code).toBe(2);
    const lines = nonEmpty(run.stderr);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(message);
    expect(nonEmpty(run.stdout)).toEqual([]);
    expectNoStackTrace(run);
  });
});

describe("--help and --version", () => {
  test("--help exits 0 and prints the usage, listing the flags, on stdout", async () => {
    const run = await runServer(["--help"]);
    expect(run.code).toBe(0);
    const text = run.stdout.join("\n");
    expect(text).toMatch(/^usage: /);
    for (const flag of ["--host", "--port", "--quiet", "--help", "--version"]) expect(text).toContain(flag);
    expect(nonEmpty(run.stderr)).toEqual([]);
  });

  test("--version exits 0 and prints package.json's version alone on its first line, then the source tree's commit and the Bun version", async () => {
    const run = await runServer(["--version"]);
    expect(run.code).toBe(0);
    expect(nonEmpty(run.stdout)[0]).toEqual(packageJson.version);
    expect(nonEmpty(run.stdout)).toEqual([packageJson.version, `commit ${checkoutCommit()}`, `bun ${Bun.version}`]);
    expect(nonEmpty(run.stderr)).toEqual([]);
  });
});

describe("--quiet and signals", () => {
  test("--quiet prints the listening line but no 'still waiting' or connection lines", async () => {
    const quiet = await startServer(["--quiet"]);
    // A control server started after the quiet one: once it has said "still waiting" and logged a
    // connection, the quiet one has been idle as long and has served a client, and would have said so.
    const control = await startServer();
    await control.stdout.waitFor(/^still waiting$/);
    const reply = await tcpTime(quiet.port);
    expect(reply.close).toBe("end");
    expectNearNow(unixSecondsOf(reply.bytes));
    await tcpTime(control.port);
    expect(await control.stdout.waitFor(/^connection from /)).not.toBe("");
    // Stopping flushes everything the quiet server had to say; its output then ends.
    expect(await quiet.stop("SIGINT")).toBe(0);
    await quiet.stdout.ended();
    expect(nonEmpty(quiet.stdout.all)).toEqual([`listening on port ${quiet.port}`]);
    // stderr is for operator notices (a counters line at exit, say), never for the per-event lines.
    expect(quiet.stderr.all.filter((line) => /still waiting|connection from|datagram from/.test(line))).toEqual([]);
  });

  // The ready line means "serving": a signal any time after it must take the clean path (exit 0),
  // not the default action (128 + signal number), so the signal is sent as soon as the line is seen.
  test.each(["SIGINT", "SIGTERM"] as const)(
    "%s right after the ready line closes the listener and exits 0",
    async (signal) => {
      const server = await startServer();
      expect(await server.stop(signal)).toBe(0);
      await server.stderr.ended();
      expect(server.stderr.all.filter((line) => /^\s+at /.test(line))).toEqual([]);
      expect((await tcpTime(server.port)).close).toBe("ECONNREFUSED");
    },
  );
});
