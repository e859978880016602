// SIGHUP re-reads --config: the policy and log format change in one step, a bad file changes nothing, the sockets stay.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../../src/base/config-error.ts";
import { ConfigReloader } from "../../../src/cli/config-reload.ts";
import { parseArgs } from "../../../src/cli/server-flags.ts";
import { Log } from "../../../src/logging/log.ts";
import { OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { runTimeServer, type TimeServer } from "../../../src/time-server.ts";
import { killAll, spawnServer, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { readCounters } from "../../support/hardening.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

const BASE = 'host = ["127.0.0.1"]\nport = 0\n';
/** The reload's own line, in either log format. */
const RELOAD_LINE = /(reloaded |reload refused|SIGHUP: )/;

/** Send SIGHUP and return the reload's line (reloaded, refused, or no file), waiting for it rather than for time. */
async function reload(server: ServerProcess): Promise<string> {
  const from = server.stderr.all.length;
  server.proc.kill("SIGHUP");
  const line = await server.stderr.waitFor(RELOAD_LINE, from);
  if (!line) throw new Error(`no reload line; stderr: ${server.stderr.all.join(" | ")}`);
  return line;
}

describe("SIGHUP with --config", () => {
  test("a client querying through 100 reloads, a fifth of them with broken files, loses no answer", async () => {
    const path = files.write(BASE);
    const server = await startServer(["--config", path, "--quiet"]);
    const clients = startQueryLoop(server.port, 4);
    const variants = [
      `${BASE}deny = ["192.0.2.0/24"]\nglobal-rate = "100000/s"\n`,
      `${BASE}clock-floor = "2020-01-01"\nrate = "100000/s"\nburst = 100000\n`,
      `${BASE}log = "json"\n`,
      BASE,
      `${BASE}rate = "fast"\n`, // broken: refused, the running policy stays
    ];
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      files.write(variants[i % variants.length]!, path);
      lines.push(await reload(server));
      await clients.reached(i + 1); // requests run between reloads, not only around them
    }
    const tally = await clients.stop();
    const counters = await readCounters(server);
    console.log(
      `reload test: ${tally.sent} requests, ${tally.answered} answered, 100 reloads, ${lines.filter((l) => l.includes("refused")).length} refused`,
    );
    expect(tally.answered).toBe(tally.sent);
    expect(tally.other).toEqual({});
    expect(lines.filter((line) => line.startsWith("rfc868: reload refused")).length).toBe(20);
    expect(counters.reload_ok).toBe(80);
    expect(counters.reload_failed).toBe(20);
    expect(counters.served_tcp).toBe(tally.answered);
    expect(await server.stop()).toBe(0);
  });

  test("an address denied by a reload is refused from the next request on; a broken file keeps it denied", async () => {
    const path = files.write(BASE);
    const server = await startServer(["--config", path]);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);

    files.write(`${BASE}deny = ["127.0.0.1"]\n`, path);
    expect(await reload(server)).toBe(`rfc868: reloaded ${path}: changed deny`);
    expect((await tcpTime(server.port)).bytes.length).toBe(0);

    files.write(`${BASE}deny = ["127.0.0.1", "not-an-address"]\n`, path);
    expect(await reload(server)).toMatch(
      new RegExp(`^rfc868: reload refused, still serving the previous configuration: ${path}: key "deny": `),
    );
    expect((await tcpTime(server.port)).bytes.length).toBe(0);

    files.write(BASE, path);
    expect(await reload(server)).toBe(`rfc868: reloaded ${path}: changed deny`);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect(await readCounters(server)).toEqual({
      served_tcp: 2,
      refused_tcp_denied: 2,
      reload_ok: 2,
      reload_failed: 1,
    });
  });

  test("host, port and the rest that need a rebind are named as needing a restart and left as they are", async () => {
    const path = files.write(BASE);
    // Only --config: startServer would add --host and --port, and a flag wins over the file.
    const { proc, stdout, stderr } = spawnServer(["--config", path]);
    const port = Number((await stdout.waitFor(/^listening on port \d+$/)).split(" ").pop());
    const server: ServerProcess = { proc, stdout, stderr, port, stop: async () => (proc.kill("SIGTERM"), proc.exited) };
    files.write('host = ["::1"]\nport = 1\nbacklog = 7\nudp = true\nquiet = true\n', path);
    const from = server.stderr.all.length;
    expect(await reload(server)).toBe(`rfc868: reloaded ${path}: changed quiet`);
    expect(await server.stderr.waitFor(/needs a restart/, from)).toBe(
      `rfc868: ${path}: host, port, backlog, udp changed: needs a restart (left as they are until then)`,
    );
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect(server.stdout.count(/^connection from /)).toBe(0); // quiet took effect; the old port still serves
  });

  test("the log format changes from the next line on", async () => {
    const path = files.write(BASE);
    const server = await startServer(["--config", path]);
    await tcpTime(server.port);
    files.write(`${BASE}log = "json"\n`, path);
    expect(await reload(server)).toMatch(/"message":"reloaded .*: changed log"/);
    await tcpTime(server.port);
    await server.stop();
    await server.stdout.ended();
    const connections = server.stdout.all.filter((line) => line.includes("connection"));
    expect(connections).toEqual([
      expect.stringMatching(/^connection from \('127\.0\.0\.1', \d+\)$/),
      expect.stringMatching(/^\{.*"event":"connection"/),
    ]);
  });

  test("a command-line flag still wins after a reload", async () => {
    const path = files.write(BASE);
    const server = await startServer(["--config", path, "--deny", "127.0.0.2"]);
    files.write(`${BASE}deny = ["127.0.0.1"]\n`, path);
    expect(await reload(server)).toBe(`rfc868: reloaded ${path}: no change`);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });
});

test("SIGHUP without --config says there is no file and keeps serving", async () => {
  const server = await startServer([]);
  expect(await reload(server)).toBe(
    "rfc868: SIGHUP: no configuration file to reload (start with --config PATH); serving unchanged",
  );
  expect((await tcpTime(server.port)).bytes.length).toBe(4);
});

describe("a reload that fails inside the server, not in the file", () => {
  /**
   * An in-process server whose reconfigure throws `fault` (the reloader's TimeServer is its constructor's
   * argument: no real input makes a correct server throw here), reloaded once with a changed file; its stderr lines and counters.
   */
  async function reloadThrowing(
    fault: Error,
  ): Promise<{ lines: string[]; failed: number; ok: number; served: boolean }> {
    const path = files.write(`${BASE}deny = ["192.0.2.1"]\n`);
    const logPath = join(files.dir, `reload-${fault.name}.log`);
    const fd = openSync(logPath, "w");
    const log = new Log({ out: new OutputBuffer(fd), err: new OutputBuffer(fd), eventLines: false });
    const server = await runTimeServer({ hosts: ["127.0.0.1"], port: 0, log });
    try {
      const argv = ["--config", path];
      const faulty: TimeServer = {
        ...server,
        reconfigure: () => {
          throw fault;
        },
      };
      const reloader = new ConfigReloader(argv, parseArgs(argv), faulty);
      files.write(`${BASE}deny = ["192.0.2.2"]\n`, path);
      await reloader.reload();
      const served = (await tcpTime(server.port)).bytes.length === 4;
      log.flush();
      const lines = readFileSync(logPath, "utf8")
        .split("\n")
        .filter((line) => line.includes("reload"));
      return { lines, failed: server.counters.get("reload_failed"), ok: server.counters.get("reload_ok"), served };
    } finally {
      await server.stop();
      closeSync(fd);
    }
  }

  test("a bug (any error but a ConfigError) is an internal error at error level, counted as a failed reload, never a refused file; serving goes on", async () => {
    const { lines, failed, ok, served } = await reloadThrowing(new TypeError("undefined is not an object"));
    expect(lines).toEqual([
      "rfc868: reload failed on an internal error, still serving the previous configuration: TypeError: undefined is not an object",
    ]);
    expect([failed, ok]).toEqual([1, 0]);
    expect(served).toBe(true);
  });

  test("a plain RangeError from a bug is an internal error too; a ConfigError is a refused file", async () => {
    expect((await reloadThrowing(new RangeError("offset is out of bounds"))).lines).toEqual([
      "rfc868: reload failed on an internal error, still serving the previous configuration: RangeError: offset is out of bounds",
    ]);
    const refused = await reloadThrowing(new ConfigError("a token bucket needs a rate > 0"));
    expect(refused.lines).toEqual([
      "rfc868: reload refused, still serving the previous configuration: a token bucket needs a rate > 0",
    ]);
    expect([refused.failed, refused.ok, refused.served]).toEqual([1, 0, true]);
  });
});
