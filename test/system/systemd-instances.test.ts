// deploy/rfc868@.service: the template unit verifies, and its identity (one user for all instances, only CAP_NET_BIND_SERVICE) shares port 37.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAll, serverCommand, startServer } from "../support/server-process.ts";
import { findCommand, runCommand } from "../support/commands.ts";
import { readCounters, startLoad } from "../support/hardening.ts";
import { netnsProblem, privateNetns } from "../support/netns.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";
import { NOT_REAL_ROOT, USERNS_ROOT } from "../support/emulation.ts";

useSuiteTimeout();

afterAll(killAll);

const UNIT = readFileSync(new URL("../../deploy/rfc868@.service", import.meta.url), "utf8");
const EXEC_START = /^ExecStart=(\S+) (.*)$/m.exec(UNIT);

/** `systemd-analyze verify` on `text` saved as an instance of the template; its complaints ("" when none). */
async function verifyInstance(text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "rfc868-units-"));
  try {
    // verify checks that the executable exists: the bun running this test stands in for /usr/bin/rfc868.
    writeFileSync(join(dir, "rfc868@2.service"), text.replaceAll(EXEC_START![1]!, process.execPath));
    const run = await runCommand([systemdAnalyze!, "verify", join(dir, "rfc868@2.service")]);
    return `${run.code === 0 ? "" : `exit ${run.code}\n`}${run.stdout}${run.stderr}`.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const systemdAnalyze = findCommand("systemd-analyze");
if (!systemdAnalyze)
  console.log("systemd-instances.test.ts: skipping systemd-analyze verify: not installed (apt-get install systemd)");

describe.skipIf(!systemdAnalyze)("the template unit", () => {
  test("an instance verifies with no complaint", async () => {
    expect(await verifyInstance(UNIT)).toBe("");
  });

  test("a broken copy does draw complaints, so the check above can fail", async () => {
    expect(await verifyInstance(UNIT.replace("Type=notify", "Type=notfy"))).toContain("Failed to parse service type");
  });

  test("each instance shares its port and runs as one named user", () => {
    expect(EXEC_START![2]).toContain("--port 37 --reuse-port");
    expect(UNIT).toMatch(/^DynamicUser=yes$/m);
    expect(UNIT).toMatch(/^User=rfc868$/m);
  });
});

/** Why uid 65534 cannot run the server from this checkout (it must read the sources, Bun, and the working directory), or null. */
function checkoutUnreadable(): string | null {
  const setpriv = findCommand("setpriv");
  if (!setpriv) return "needs setpriv(1)";
  const argv = [
    setpriv,
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "sh",
    "-c",
    'test -r "$1" && test -x "$2" && cd "$3"',
    "sh",
    serverCommand()[1]!,
    process.execPath,
    process.cwd(),
  ];
  return Bun.spawnSync(argv).exitCode === 0
    ? null
    : `uid 65534 cannot read this checkout (${process.cwd()}) or Bun: a parent folder is private`;
}

const skipReason =
  (USERNS_ROOT ? `switching to another uid ${NOT_REAL_ROOT}` : null) ?? netnsProblem() ?? checkoutUnreadable();
if (skipReason) console.log(`systemd-instances.test.ts: skipping the identity test: ${skipReason}`);

describe.skipIf(skipReason !== null)(
  "the unit's identity, in a private network namespace (port 37 is free there)",
  () => {
    /** What the unit gives each instance: one non-root user and CAP_NET_BIND_SERVICE, nothing else. */
    const as = (uid: number) => [
      findCommand("setpriv")!,
      `--reuid=${uid}`,
      `--regid=${uid}`,
      "--clear-groups",
      "--inh-caps=-all,+net_bind_service",
      "--ambient-caps=+net_bind_service",
      "--bounding-set=-all,+net_bind_service",
    ];
    const flags = ["--host", "::", "--port", "37", "--reuse-port", "--quiet"];

    test("two instances as one user share port 37 and both serve; one under another user is refused with EADDRINUSE", async () => {
      const ns = await privateNetns();
      const instances = [
        await startServer(flags, {}, [...ns.enter, ...as(65534)]),
        await startServer(flags, {}, [...ns.enter, ...as(65534)]),
      ];
      const load = startLoad(37, { tcp: 400 }, { wrapper: ns.enter });
      expect((await load.summary).kinds).toEqual({ tcp: { ok: 400 } });
      await load.release();
      for (const counters of await Promise.all(instances.map(readCounters)))
        expect(counters.served_tcp).toBeGreaterThan(0);
      const other = startServer(flags, {}, [...ns.enter, ...as(65533)]);
      await expect(other).rejects.toThrow(
        "rfc868: cannot listen on tcp [::] port 37: bind: Address already in use (EADDRINUSE)",
      );
    });
  },
);
