// The process_* families: read from /proc at scrape time, checked against what the test reads itself.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { processFamilies } from "../../../src/metrics/process-metrics.ts";
import { metricsUrl, samples, scrape } from "../../support/metrics.ts";
import { killAll, startServer } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";
import { UNDER_QEMU } from "../../support/emulation.ts";

useSuiteTimeout();

/** qemu-user answers /proc/self/stat itself, with utime and stime 0: the CPU time is real natively only. */
const CPU_SKIP = UNDER_QEMU ? "qemu-user writes its own /proc/self/stat, with utime and stime 0" : null;
if (CPU_SKIP) console.log(`process.test.ts: the CPU time checks skip: ${CPU_SKIP}`);

afterAll(killAll);

const valueOf = (name: string) => processFamilies().find((family) => family.name === name)!.samples[0]!.value;

describe("processFamilies", () => {
  test("has the families operators expect, each one sample without labels", () => {
    const families = processFamilies();
    expect(families.map((f) => `${f.name} ${f.type}`)).toEqual([
      "process_cpu_seconds counter",
      "process_resident_memory_bytes gauge",
      "process_virtual_memory_bytes gauge",
      "process_open_fds gauge",
      "process_max_fds gauge",
    ]);
    for (const family of families) expect(family.samples.map((s) => s.labels)).toEqual([[]]);
  });

  test("the open fd count follows files opened and closed", () => {
    const before = valueOf("process_open_fds");
    const fds = Array.from({ length: 5 }, () => openSync("/dev/null", "r"));
    expect(valueOf("process_open_fds")).toBe(before + 5);
    for (const fd of fds) closeSync(fd);
    expect(valueOf("process_open_fds")).toBe(before);
  });

  test.skipIf(CPU_SKIP !== null)(
    "CPU time grows with work and agrees with getrusage (process.cpuUsage), to a tick and a tenth",
    () => {
      const before = valueOf("process_cpu_seconds");
      const usage = process.cpuUsage();
      let x = 0;
      for (const end = performance.now() + 300; performance.now() < end;) x += Math.sqrt(x + 1);
      expect(x).toBeGreaterThan(0);
      const spentByProc = valueOf("process_cpu_seconds") - before;
      const used = process.cpuUsage(usage);
      const spentByRusage = (used.user + used.system) / 1e6;
      expect(spentByProc).toBeGreaterThan(0);
      expect(Math.abs(spentByProc - spentByRusage)).toBeLessThanOrEqual(0.02 + spentByRusage * 0.1);
    },
  );
});

describe("a spawned server's page", () => {
  test("shows its own process: the fd limit it was given, its memory as /proc says, its fds", async () => {
    const server = await startServer(["--metrics", "127.0.0.1:0", "--quiet"], {}, [
      "prlimit",
      "--nofile=777:777",
      "--",
    ]);
    const values = samples((await scrape(await metricsUrl(server))).body);
    expect(values.get("process_max_fds")).toBe(777);
    const rss = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${server.proc.pid}/status`, "utf8"))![1]) * 1024;
    expect(values.get("process_resident_memory_bytes")! / rss).toBeGreaterThan(0.5);
    expect(values.get("process_resident_memory_bytes")! / rss).toBeLessThan(2);
    // At least stdin, stdout, stderr, the TCP listener, the metrics listener and the scrape's connection.
    expect(values.get("process_open_fds")).toBeGreaterThanOrEqual(6);
    expect(values.get("process_open_fds")).toBeLessThan(777);
    if (!CPU_SKIP) expect(values.get("process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(values.get("process_virtual_memory_bytes")).toBeGreaterThan(values.get("process_resident_memory_bytes")!);
    expect(await server.stop()).toBe(0);
  });
});
