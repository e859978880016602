// --config: a TOML file holding every flag under its own name, checked whole before anything is bound; flags win.
import { afterAll, describe, expect, test } from "bun:test";
import { FLAGS, parseArgs } from "../../../src/cli/server-flags.ts";
import { configKeys } from "../../../src/cli/config-keys.ts";
import { KEY_VALUES } from "../../../src/cli/config-diff.ts";
import { killAll, runServer, startServer } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { ConfigDir, uncommentedExample } from "../../support/config-files.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const files = new ConfigDir();
afterAll(async () => {
  await killAll();
  files.remove();
});

const KEYS = [...configKeys(FLAGS).keys()].sort();

describe("the keys", () => {
  test("are the flag names, a switch pair as one boolean, and only help, version, config and check-config have none", () => {
    const keyless = FLAGS.filter((flag) => flag.config === undefined).map((flag) => flag.name);
    expect(keyless.sort()).toEqual(["check-config", "config", "help", "version"]);
    expect(KEYS).toContain("tcp");
    expect(KEYS).toContain("udp-guard");
    expect(KEYS.filter((key) => key.startsWith("no-"))).toEqual([]);
  });

  test("each has a place in the reload's table of what it takes to apply (src/cli/config-diff.ts)", () => {
    expect(Object.keys(KEY_VALUES).sort()).toEqual(KEYS);
  });

  test("each is in deploy/rfc868.toml, and the example names no other", () => {
    const inExample = [...uncommentedExample().matchAll(/^([a-z-]+) = /gm)].map((match) => match[1]!);
    expect([...inExample].sort()).toEqual(KEYS);
  });

  test("deploy/rfc868.toml uncommented is valid and holds the defaults the server has without it", () => {
    const live = parseArgs(["--config", files.write(uncommentedExample())]);
    const bare = parseArgs([]);
    // The example's user, group, limits, metrics address and idle time are samples (no defaults): every other key reads as its default.
    const sampled = new Set(["user", "group", "rate", "burst", "global-rate", "metrics", "idle-exit"]);
    const differ = Object.entries(KEY_VALUES)
      .filter(([key, { read }]) => !sampled.has(key) && JSON.stringify(read(live)) !== JSON.stringify(read(bare)))
      .map(([key]) => key);
    expect(differ).toEqual([]);
    expect(live.hardening?.rate).toBe(20);
  });

  test("a file reads as the same flags: switches, lists, integers, rates, dates", () => {
    const path = files.write(
      [
        'host = ["127.0.0.1", "::1"]',
        "port = 9037",
        "tcp = false",
        "udp = true",
        "quiet = true",
        'log = "json"',
        'allow = ["10.0.0.0/8"]',
        'deny = ["10.1.0.0/16"]',
        "udp-guard-ports = [7, 9]",
        'rate = "10/m"',
        "burst = 3",
        'global-rate = "1000/s"',
        "clock-floor = 2020-01-02",
        "require-sync = true",
      ].join("\n"),
    );
    const argv = [
      "--host",
      "127.0.0.1",
      "--host",
      "::1",
      "--port",
      "9037",
      "--no-tcp",
      "--udp",
      "--quiet",
      "--log",
      "json",
      "--allow",
      "10.0.0.0/8",
      "--deny",
      "10.1.0.0/16",
      "--udp-guard-ports",
      "7,9",
      "--rate",
      "10/m",
      "--burst",
      "3",
      "--global-rate",
      "1000/s",
      "--clock-floor",
      "2020-01-02",
      "--require-sync",
    ];
    const { config, ...fromFile } = parseArgs(["--config", path]);
    expect(config).toBe(path);
    expect(fromFile).toEqual(parseArgs(argv));
  });

  test("a flag on the command line wins over the file's key, lists included", () => {
    const path = files.write('host = ["::1"]\nport = 9037\ntcp = false\nudp = true\nrate = "5/s"');
    const options = parseArgs(["--config", path, "--host", "127.0.0.1", "--tcp", "--rate", "7/s"]);
    expect(options.hosts).toEqual(["127.0.0.1"]);
    expect([options.port, options.tcp, options.udp, options.hardening?.rate]).toEqual([9037, true, true, 7]);
  });
});

describe("a bad file", () => {
  const nonEmpty = (lines: string[]) => lines.filter((line) => line !== "");

  // Each file binds loopback port 0 if it were wrongly let through, so a regression never takes a real port.
  test.each([
    ["an unknown key", 'host = ["127.0.0.1"]\nport = 0\nbogus = 1', /: unknown key "bogus" /],
    ["a string for an integer", 'host = ["127.0.0.1"]\nport = "0"', /: key "port": expected an integer, got "0"$/],
    ["a number for a rate", 'host = ["127.0.0.1"]\nport = 0\nrate = 20', /: key "rate": expected a string, got 20$/],
    [
      "a bad rate",
      'host = ["127.0.0.1"]\nport = 0\nrate = "20/x"',
      /: key "rate": expected a rate such as 20\/s, 600\/m or 10\/h \(above 0\), got "20\/x"$/,
    ],
    [
      "a string for a list",
      'host = "127.0.0.1"\nport = 0',
      /: key "host": expected an array of strings, got "127.0.0.1"$/,
    ],
    [
      "a bad address in a list",
      'host = ["127.0.0.1"]\nport = 0\ndeny = ["10.0.0.0/33"]',
      /: key "deny": .*"10.0.0.0\/33"$/,
    ],
    [
      "a string for a switch",
      'host = ["127.0.0.1"]\nport = 0\nudp = "yes"',
      /: key "udp": expected true or false, got "yes"$/,
    ],
    [
      "a port out of range in a list",
      'host = ["127.0.0.1"]\nport = 0\nudp-guard-ports = [7, 70000]',
      /: key "udp-guard-ports": expected an integer from 0 to 65535, got "70000"$/,
    ],
    ["a table", 'host = ["127.0.0.1"]\nport = 0\n[server]\nport = 1', /: unknown key "server" /],
    ["a rule across keys", 'host = ["127.0.0.1"]\nport = 0\nburst = 5', /: --burst needs --rate$/],
    ["not TOML", "port = = 0", /: TOML Parse error: /],
  ])("%s: one line naming the file and the key, exit 2, nothing bound", async (_name, text, pattern) => {
    const path = files.write(text);
    const run = await runServer(["--config", path]);
    expect(run.code).toBe(2);
    expect(nonEmpty(run.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^rfc868: ${path.replace(/[.]/g, "\\.")}${pattern.source}`)),
    ]);
    expect(nonEmpty(run.stdout)).toEqual([]);
  });

  test("a bad value is refused even where the command line overrides its key", async () => {
    const path = files.write('port = "x"');
    const run = await runServer(["--config", path, "--host", "127.0.0.1", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(nonEmpty(run.stderr)).toEqual([`rfc868: ${path}: key "port": expected an integer, got "x"`]);
  });

  test("a missing file: one line with the path and ENOENT, exit 2", async () => {
    const path = `${files.dir}/absent.toml`;
    const run = await runServer(["--config", path, "--host", "127.0.0.1", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(nonEmpty(run.stderr)).toEqual([`rfc868: ${path}: cannot read it: open: No such file or directory (ENOENT)`]);
    expect(nonEmpty(run.stdout)).toEqual([]);
  });
});

describe("a server started from a file", () => {
  test("binds and serves as the file says, the command line's flags first", async () => {
    const path = files.write('host = ["::1"]\nport = 1\ndeny = ["127.0.0.2"]');
    const server = await startServer(["--config", path, "--host", "127.0.0.1", "--port", "0"]);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect((await tcpTime(server.port, "127.0.0.1", 10_000, "127.0.0.2")).bytes.length).toBe(0);
    expect(await server.stop()).toBe(0);
  });
});
