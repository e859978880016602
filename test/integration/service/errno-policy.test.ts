// The one errno policy on a running server: EINTR retried inside the wrappers, a client's error skipped, out of memory backed off, a short send not served.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LISTENER_BACKOFF_MS } from "../../../src/core/socket-io.ts";
import { killAll, spawnTracked, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, udpTime } from "../../support/clients.ts";
import { readCounters } from "../../support/hardening.ts";
import { metricsUrl, portOf, scrape } from "../../support/metrics.ts";
import { findCommand } from "../../support/commands.ts";
import { UNDER_QEMU } from "../../support/emulation.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** strace, when it is installed and may trace here (ptrace allowed; not under qemu-user, whose own host calls strace would see). */
function usableStrace(): string | null {
  const strace = findCommand("strace");
  if (!strace || UNDER_QEMU) return null;
  return Bun.spawnSync([strace, "-qq", "-o", "/dev/null", "-e", "trace=none", "true"]).exitCode === 0 ? strace : null;
}
const STRACE = usableStrace();
if (!STRACE)
  console.log(
    "errno-policy.test.ts: skipping: no strace that can inject errors here (not installed, ptrace denied, or under qemu-user)",
  );

const traces = mkdtempSync(join(tmpdir(), "rfc868-errno-"));
afterAll(async () => {
  await killAll();
  rmSync(traces, { recursive: true, force: true });
});

/**
 * Attach strace to the running server's main thread (the select loop's) with `options` (`-e inject=...`),
 * the kernel left untouched: the syscalls named fail as the kernel could make them fail. Resolves once attached.
 */
async function inject(server: ServerProcess, options: string[]) {
  const file = join(traces, `${server.proc.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const tracer = spawnTracked([STRACE!, "-p", String(server.proc.pid), "-o", file, ...options]);
  if (!(await tracer.stderr.waitFor(/attached/)))
    throw new Error(`strace did not attach: ${tracer.stderr.all.join(" | ")}`);
  return {
    /** The traced calls, one per line, injected ones marked "(INJECTED)". */
    calls: () =>
      readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== ""),
    /** Detach: the server goes on untraced. */
    async detach() {
      tracer.proc.kill("SIGTERM");
      await tracer.proc.exited;
    },
  };
}

describe.skipIf(!STRACE)("EINTR never leaves the native wrappers", () => {
  test("accept4 and send interrupted by a signal are retried: the client has its time, and no client error is counted", async () => {
    const server = await startServer(["--quiet"]);
    const tracer = await inject(server, [
      "-e",
      "trace=accept4,sendto",
      "-e",
      "inject=accept4:error=EINTR:when=1",
      "-e",
      "inject=sendto:error=EINTR:when=1",
    ]);
    const reply = await tcpTime(server.port);
    await tracer.detach();
    expect(tracer.calls().filter((call) => call.includes("EINTR") && call.includes("(INJECTED)")).length).toBe(2);
    expect([reply.bytes.length, reply.close]).toEqual([4, "end"]);
    expect(await readCounters(server)).toEqual({ served_tcp: 1 });
  });

  test("recvmmsg and sendmmsg interrupted are retried: the datagram is answered, and no client error is counted", async () => {
    const server = await startServer(["--quiet", "--udp"]);
    const tracer = await inject(server, [
      "-e",
      "trace=recvmmsg,sendmmsg",
      "-e",
      "inject=recvmmsg:error=EINTR:when=1",
      "-e",
      "inject=sendmmsg:error=EINTR:when=1",
    ]);
    const reply = await udpTime(server.port);
    await tracer.detach();
    expect(tracer.calls().filter((call) => call.includes("EINTR") && call.includes("(INJECTED)")).length).toBe(2);
    expect(reply.length).toBe(4);
    expect(await readCounters(server)).toEqual({ served_udp: 1 });
  });
});

describe.skipIf(!STRACE)("one errno table for every listener", () => {
  test("ENOMEM from recvmmsg pauses the UDP listener instead of spinning, TCP is answered meanwhile, and the datagram is answered after", async () => {
    const server = await startServer(["--udp"]);
    const tracer = await inject(server, ["-e", "trace=recvmmsg", "-e", "inject=recvmmsg:error=ENOMEM"]);
    const startedAt = performance.now();
    const answered = udpTime(server.port, "127.0.0.1", Buffer.alloc(0), 20_000);
    expect(
      await server.stderr.waitFor(/recvmmsg: Cannot allocate memory \(ENOMEM\); pausing receives for 100 ms/),
    ).not.toBe("");
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
    let failures = 0;
    while (failures < 5) failures = (await readCounters(server)).udp_backoff_ENOMEM ?? 0;
    // A spinning loop calls recvmmsg thousands of times a second; a paused listener once per LISTENER_BACKOFF_MS.
    const elapsed = performance.now() - startedAt;
    expect(failures).toBeLessThanOrEqual(elapsed / LISTENER_BACKOFF_MS + 2);
    await tracer.detach();
    expect((await answered).length).toBe(4);
  });

  test("a connection that aborted in the metrics queue costs only itself: the next accept follows at once, with no pause", async () => {
    const server = await startServer(["--quiet", "--metrics", "127.0.0.1:0"]);
    const url = await metricsUrl(server);
    const tracer = await inject(server, [
      "-e",
      "trace=accept4,pselect6",
      "-e",
      "inject=accept4:error=ECONNABORTED:when=1",
    ]);
    const first = scrape(url);
    const second = scrape(`http://127.0.0.1:${portOf(url)}/metrics`);
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    await tracer.detach();
    const calls = tracer.calls();
    const aborted = calls.findIndex((call) => call.includes("ECONNABORTED") && call.includes("(INJECTED)"));
    expect(aborted).toBeGreaterThanOrEqual(0);
    // A pause would leave the listener out of the next select(): the call after the failure would be pselect6.
    expect(calls[aborted + 1]).toStartWith("accept4(");
    expect((await readCounters(server)).metrics_ECONNABORTED).toBe(1);
  });
});

describe.skipIf(!STRACE)("a TCP reply counts as served only when all 4 bytes went", () => {
  test.each([
    ["a full send buffer (EAGAIN)", "inject=sendto:error=EAGAIN:when=1"],
    ["a short send (2 of 4 bytes)", "inject=sendto:retval=2:when=1"],
  ])("%s is counted as tcp_reply_dropped, not served_tcp", async (_, injection) => {
    const server = await startServer(["--quiet"]);
    const tracer = await inject(server, ["-e", "trace=sendto", "-e", injection]);
    const reply = await tcpTime(server.port);
    await tracer.detach();
    expect(tracer.calls().filter((call) => call.includes("(INJECTED)")).length).toBe(1);
    expect(reply.bytes.length).toBe(0); // the injected call never reached the kernel
    expect(await readCounters(server)).toEqual({ tcp_reply_dropped: 1 });
  });
});
