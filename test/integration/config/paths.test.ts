// Bad --config paths (issue 16, items 3 and 4): a FIFO, /dev/zero, a directory, an oversized, empty, missing or unreadable file are refused with one line, at start-up and on SIGHUP, while the time service keeps answering.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { killAll, runServer, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { ConfigDir } from "../../support/config-files.ts";
import { startQueryLoop } from "../../support/query-loop.ts";
import { IS_ROOT, skipNotice } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { CONFIG_MAX_BYTES } from "../../../src/cli/config-file.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

const BASE = 'host = ["127.0.0.1"]\nport = 0\n';
const fifo = join(files.dir, "fifo.toml");
execFileSync("mkfifo", [fifo]);
const directory = join(files.dir, "directory.toml");
mkdirSync(directory);
const oversized = files.write(`# ${"x".repeat(CONFIG_MAX_BYTES)}\n`);

/** Peak resident memory of `pid` in MiB (VmHWM): a read of /dev/zero would grow it without bound. */
const peakMiB = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

/** A generous ceiling: the server idles at ~40 MiB; the unbounded read of /dev/zero reached 3 GiB in 3 s. */
const MEMORY_GUARD_MIB = 400;

const REFUSED = [
  { what: "a FIFO", path: fifo, reason: /: not a regular file \(a FIFO\): a config file must be one$/ },
  {
    what: "/dev/zero",
    path: "/dev/zero",
    reason: /: not a regular file \(a character device\): a config file must be one$/,
  },
  { what: "a directory", path: directory, reason: /: not a regular file \(a directory\): a config file must be one$/ },
  {
    what: "a file over 4 MiB",
    path: oversized,
    reason: new RegExp(
      `: ${CONFIG_MAX_BYTES + 3} bytes, over the limit of ${CONFIG_MAX_BYTES} bytes \\(4 MiB\\): refused unread$`,
    ),
  },
];

describe("at start-up", () => {
  for (const { what, path, reason } of REFUSED) {
    test(`${what}: one line, exit 2, at once (no hang, nothing read)`, async () => {
      // The hang guard turns the old hang (a FIFO with no writer, /dev/zero growing to GiBs) into a failure.
      const run = await runServer(["--config", path], 10_000);
      expect(run.code).toBe(2);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]!.startsWith(`rfc868: ${path}: `)).toBe(true);
      expect(run.stderr[0]).toMatch(reason);
      expect(run.stdout).toEqual([]);
    });
  }

  test("a symlink to a regular file is read as the file", async () => {
    const target = files.write(`${BASE}deny = ["127.0.0.1"]\n`);
    const link = join(files.dir, "link.toml");
    symlinkSync(target, link);
    const server = await startServer(["--config", link]);
    expect((await tcpTime(server.port)).bytes.length).toBe(0); // denied: the file behind the link was applied
    expect(await server.stop()).toBe(0);
  });

  test("an empty file: refused, since a file being rewritten in place reads empty", async () => {
    const run = await runServer(["--config", files.write("")], 10_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual([
      expect.stringMatching(
        /: empty: refused \(a file being rewritten reads so; replace it with a rename, see README; no settings is a comment\)$/,
      ),
    ]);
  });
});

/** Send SIGHUP and wait for the reload's own line. */
async function reload(server: ServerProcess): Promise<string> {
  const from = server.stderr.all.length;
  server.proc.kill("SIGHUP");
  return server.stderr.waitFor(/(reloaded |reload refused)/, from);
}

describe("on SIGHUP, with a client querying all along", () => {
  for (const { what, path, reason } of REFUSED) {
    test(`${what} in place of the file: refused, the time service keeps answering, SIGTERM still stops it`, async () => {
      const live = files.write(`${BASE}deny = ["127.0.0.2"]\n`);
      const server = await startServer(["--config", live, "--quiet"]);
      const clients = startQueryLoop(server.port, 2);
      await clients.reached(20);
      // The path the server reads is now the bad one (a rename, as an operator would swap it).
      renameSync(live, `${live}.old`);
      symlinkSync(path, live);
      const line = await reload(server);
      expect(line).toMatch(/^rfc868: reload refused, still serving the previous configuration: /);
      expect(line).toMatch(reason);
      const answeredAtRefusal = clients.tally.answered;
      await clients.reached(answeredAtRefusal + 20); // served after the refusal, not only before it
      const tally = await clients.stop();
      expect(tally.answered).toBe(tally.sent);
      const peak = peakMiB(server.proc.pid);
      console.log(
        `config-paths: ${what} on reload: refused, ${tally.answered} of ${tally.sent} answered, peak RSS ${peak.toFixed(0)} MiB`,
      );
      expect(peak).toBeLessThan(MEMORY_GUARD_MIB);
      expect(await server.stop()).toBe(0);
    });
  }

  test("a file truncated to 0 bytes (a rewrite in place caught halfway): refused, the denied address stays denied", async () => {
    const path = files.write(`${BASE}deny = ["127.0.0.1"]\n`);
    const server = await startServer(["--config", path]);
    expect((await tcpTime(server.port)).bytes.length).toBe(0);
    writeFileSync(path, "");
    expect(await reload(server)).toMatch(
      /^rfc868: reload refused, still serving the previous configuration: .*: empty: refused/,
    );
    expect((await tcpTime(server.port)).bytes.length).toBe(0);
  });
});

/**
 * Why a server run from this checkout as --user cannot reload here, or null: the reload's worker loads its
 * module (src/cli/config-worker.ts) after the drop, so the checkout must be open to other users. A clone in
 * a `mktemp -d` directory (mode 0700) is not; the server then says so in its reload line, not the errno tested.
 */
function checkoutClosedToOthers(): string | null {
  const worker = join(import.meta.dir, "../../../src/cli/config-worker.ts");
  for (let dir = dirname(worker); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return `${dir} is not searchable by other users`;
    if (dir === dirname(dir)) break;
  }
  return (statSync(worker).mode & 0o004) === 0 ? `${worker} is not readable by other users` : null;
}

describe("on SIGHUP, a file the server cannot open: refused with the errno, the time service keeps answering", () => {
  const ENOENT = /: cannot read it: open: No such file or directory \(ENOENT\)$/;
  const EACCES = /: cannot read it: open: Permission denied \(EACCES\)$/;
  const closedCheckout = IS_ROOT ? checkoutClosedToOthers() : null;
  if (closedCheckout)
    console.log(`config/paths.test.ts: skipping a file unreadable by --user on reload: ${closedCheckout}`);
  const cases = [
    { what: "removed", args: [], spoil: (live: string) => rmSync(live), reason: ENOENT },
    {
      what: "a symlink to nothing",
      args: [],
      spoil: (live: string) => {
        rmSync(live);
        symlinkSync(join(files.dir, "nowhere.toml"), live);
      },
      reason: ENOENT,
    },
    // Read as root at start-up, before the drop; a reload reads it as --user, who may not.
    ...(IS_ROOT && closedCheckout === null
      ? [
          {
            what: "unreadable by --user",
            args: ["--user", "nobody"],
            spoil: (live: string) => chmodSync(live, 0o600),
            reason: EACCES,
          },
        ]
      : []),
  ];
  skipNotice("config/paths.test.ts", "a file unreadable by --user on reload");
  chmodSync(files.dir, 0o755); // so that only the file itself is what --user may not read

  for (const { what, args, spoil, reason } of cases) {
    test(what, async () => {
      const live = files.write(`${BASE}deny = ["127.0.0.2"]\n`);
      const server = await startServer(["--config", live, "--quiet", ...args]);
      const clients = startQueryLoop(server.port, 2);
      await clients.reached(20);
      spoil(live);
      const line = await reload(server);
      expect(line).toStartWith(`rfc868: reload refused, still serving the previous configuration: ${live}: `);
      expect(line).toMatch(reason);
      await clients.reached(clients.tally.answered + 20);
      const tally = await clients.stop();
      expect(tally.answered).toBe(tally.sent);
      console.log(`config-paths: ${what} on reload: refused, ${tally.answered} of ${tally.sent} answered`);
      expect(await server.stop()).toBe(0);
    });
  }
});

test("a refused reload quoting a 400 KB value writes one short line, and the time service keeps answering", async () => {
  const path = files.write(BASE);
  const server = await startServer(["--config", path, "--quiet"]);
  const clients = startQueryLoop(server.port, 2);
  await clients.reached(20);
  files.write(`${BASE}rate = "${"9".repeat(400_000)}"\n`, path);
  const line = await reload(server);
  expect(line).toBe(
    `rfc868: reload refused, still serving the previous configuration: ${path}: key "rate": expected a rate such as 20/s, 600/m or 10/h (above 0), got "${"9".repeat(80)}"... (400000 bytes)`,
  );
  await clients.reached(clients.tally.answered + 20);
  const tally = await clients.stop();
  expect(tally.answered).toBe(tally.sent);
});
