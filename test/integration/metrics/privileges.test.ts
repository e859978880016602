// The --metrics socket meets the time service's rule: bound before --user drops root, and a port below 1024 as root needs --user or --allow-root.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { killAll, runServer, startServer } from "../../support/server-process.ts";
import { freePrivilegedPort } from "../../support/ports.ts";
import { metricsUrl, scrape } from "../../support/metrics.ts";
import { tcpTime } from "../../support/clients.ts";
import { IS_ROOT, skipNotice } from "../../support/hardening.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

skipNotice("metrics-privileges.test.ts", "the metrics port below 1024 as root");

/** Effective uid of `pid`, from /proc. */
const euidOf = (pid: number) => Number(/^Uid:\s+\d+\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]);

describe.skipIf(!IS_ROOT)("a metrics port below 1024 as root", () => {
  test("without --user or --allow-root: one line, exit 1, nothing served (the time service's port is above 1023)", async () => {
    const port = await freePrivilegedPort();
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", "--metrics", `127.0.0.1:${port}`], 10_000);
    expect(run.code).toBe(1);
    expect(run.stdout.filter(Boolean)).toEqual([]);
    expect(run.stderr.filter(Boolean)).toEqual([
      `rfc868: refusing to serve port ${port} as root: give --user NAME to drop privileges once bound, or --allow-root`,
    ]);
  });

  test("with --user: bound before the drop, so it serves its page from a process that is no longer root", async () => {
    const port = await freePrivilegedPort();
    const server = await startServer(["--metrics", `127.0.0.1:${port}`, "--user", "nobody", "--quiet"]);
    expect(await metricsUrl(server)).toBe(`http://127.0.0.1:${port}/metrics`);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    expect((await scrape(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    expect(euidOf(server.proc.pid)).not.toBe(0);
  });

  test("with --allow-root: serves as root", async () => {
    const port = await freePrivilegedPort();
    const server = await startServer(["--metrics", `127.0.0.1:${port}`, "--allow-root", "--quiet"]);
    expect((await scrape(await metricsUrl(server))).status).toBe(200);
    expect(euidOf(server.proc.pid)).toBe(0);
  });
});
