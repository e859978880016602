// The benchmark harness checked, not timed: the load generator against the real server and against wrong servers, the verdicts, and --smallest end to end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { buildProgram, findCompiler } from "../../bench/build.ts";
import { runLoadgen, type LoadRequest, type LoadResult } from "../../bench/loadgen.ts";
import { serverHasUdp } from "../../bench/peers.ts";
import type { LoadSummary } from "../../bench/summary.ts";
import { evaluateTargets } from "../../bench/targets.ts";
import { scriptedTcpServer, scriptedUdpServer, type Script, type ScriptedServer } from "../support/scripted-servers.ts";
import { killAll, startServer, type ServerProcess } from "../support/server-process.ts";
import { TIME_SCALE } from "../support/emulation.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const SECONDS_1900_TO_1970 = 2208988800;
const cc = findCompiler();
if (!cc) console.warn("bench-smoke: skipped: no C compiler (cc) on PATH, and the load generator is C");
const withCompiler = cc ? describe : describe.skip;

/** In-process wrong servers and the bench subprocess: closed and killed in afterAll like the servers. */
const servers: ScriptedServer[] = [];
const benchRuns = new Set<Subprocess>();
let scratch = "";

afterAll(async () => {
  for (const proc of benchRuns) proc.kill("SIGTERM");
  const timer = setTimeout(() => benchRuns.forEach((proc) => proc.kill("SIGKILL")), 2000);
  await Promise.all([...benchRuns].map((proc) => proc.exited));
  clearTimeout(timer);
  await killAll();
  await Promise.all(servers.map((server) => server.close()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function rfc868Now(offsetSeconds = 0): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE((Math.floor(Date.now() / 1000) + SECONDS_1900_TO_1970 + offsetSeconds) % 2 ** 32);
  return bytes;
}

/** A scripted server on a free loopback port, closed in afterAll. */
async function scripted(transport: "tcp" | "udp", script: Script): Promise<number> {
  const server = await (transport === "tcp" ? scriptedTcpServer : scriptedUdpServer)(script);
  servers.push(server);
  return server.port;
}

withCompiler("the load generator", () => {
  let loadgen: string;
  let server: ServerProcess;
  const udp = serverHasUdp();
  const load = (port: number, overrides: Partial<LoadRequest> = {}): Promise<LoadResult> =>
    runLoadgen(loadgen, {
      transport: "tcp",
      host: "127.0.0.1",
      port,
      concurrency: 8,
      requests: 200,
      durationSeconds: 20,
      timeoutMs: 2000,
      ...overrides,
    });

  beforeAll(async () => {
    loadgen = await buildProgram(cc!, "loadgen");
    server = await startServer(udp ? ["--udp", "--quiet"] : ["--quiet"]);
  });

  test("counts every TCP reply of the real server as ok, at concurrency 1 and 64", async () => {
    for (const concurrency of [1, 64]) {
      const result = await load(server.port, { concurrency, requests: 300 });
      expect(result.requested).toBe(300);
      expect(result.ok).toBe(result.requested);
      expect(result.wrong + result.reset + result.timed_out + result.never_answered + result.client_errors).toBe(0);
      expect(result.latency_us.max).toBeGreaterThan(0);
    }
  });

  test.skipIf(!udp)(
    "counts every UDP reply of the real server as ok (empty and 1-byte requests alternate)",
    async () => {
      const result = await load(server.port, { transport: "udp", concurrency: 16, requests: 300, timeoutMs: 1000 });
      expect(result.ok).toBe(300);
      expect(result.wrong + result.lost + result.reset).toBe(0);
    },
  );

  test("reports a 3-byte reply as wrong (short)", async () => {
    const result = await load(await scripted("tcp", { send: () => rfc868Now().subarray(0, 3), close: true }));
    expect(result.ok).toBe(0);
    expect(result.wrong).toBe(result.requested);
    expect(result.wrong_detail.short).toBe(result.requested);
  });

  test("reports 5 bytes, an empty reply and a time 1 hour off as wrong, each by kind", async () => {
    const long = await load(
      await scripted("tcp", { send: () => Buffer.concat([rfc868Now(), Buffer.from([0])]), close: true }),
    );
    expect(long.wrong_detail.long).toBe(long.requested);
    const empty = await load(await scripted("tcp", { send: Buffer.alloc(0), close: true }));
    expect(empty.wrong_detail.empty).toBe(empty.requested);
    const late = await load(await scripted("tcp", { send: () => rfc868Now(3600), close: true }));
    expect(late.wrong_detail.value).toBe(late.requested);
    expect(long.ok + empty.ok + late.ok).toBe(0);
  });

  test("reports 4 good bytes without the server closing as wrong (no EOF), not ok", async () => {
    const result = await load(await scripted("tcp", { send: rfc868Now, close: false }), {
      timeoutMs: 300,
      requests: 16,
    });
    expect(result.ok).toBe(0);
    expect(result.wrong_detail.no_eof).toBe(16);
  });

  test("reports a connection that is accepted and never answered as never answered", async () => {
    const result = await load(await scripted("tcp", "silent"), { timeoutMs: 300, requests: 16 });
    expect(result.never_answered).toBe(16);
    expect(result.ok).toBe(0);
  });

  test("reports a refused connection as reset", async () => {
    const port = await scripted("tcp", "silent");
    await servers.pop()!.close(); // the port is free again: a connection to it is refused
    const result = await load(port, { requests: 20 });
    expect(result.reset).toBe(20);
  });

  test("UDP: no reply is lost, a short reply is wrong", async () => {
    const silent = await load(await scripted("udp", "silent"), { transport: "udp", requests: 8, timeoutMs: 300 });
    expect(silent.lost).toBe(8);
    const short = await load(await scripted("udp", { send: () => rfc868Now().subarray(0, 3), close: false }), {
      transport: "udp",
      requests: 50,
    });
    expect(short.wrong_detail.short).toBe(50);
  });

  test("UDP: a doubled reply is an extra, even one that lands after the next request", async () => {
    // A second datagram still on its way takes the next request's place (it carries the right time), so
    // during the run the extras are anywhere from 0 to 50; lingering after the run sees every one of them.
    const doubled = await load(await scripted("udp", { send: rfc868Now, close: false, times: 2 }), {
      transport: "udp",
      requests: 50,
      concurrency: 1,
      lingerMs: 1000 * TIME_SCALE,
    });
    expect({ ok: doubled.ok, extra: doubled.wrong_detail.extra }).toEqual({ ok: 50, extra: 50 });
  });
});

/** A row as summarize() makes it, with only what the verdicts read set to something meaningful. */
function row(peer: string, scenario: string, rps: number, cpuPerRequestUs: number, neverAnswered = 0): LoadSummary {
  return {
    peer,
    scenario,
    rounds: 1,
    rps,
    rpsByRound: [rps],
    rpsSpread: 0,
    cpuPerRequestUs,
    cpuSpread: 0,
    requested: 1000,
    ok: 1000 - neverAnswered,
    wrong: 0,
    reset: 0,
    timedOut: 0,
    neverAnswered,
    lost: 0,
    clientErrors: 0,
    p50Us: 1,
    p99Us: 1,
    maxUs: 1,
    loadgenBusy: 1,
  };
}

describe("the target verdicts", () => {
  const peers = [
    { name: "server", kind: "this" as const },
    { name: "python2.7", kind: "python" as const },
    { name: "c-select", kind: "c-class" as const },
  ];
  const verdicts = (load: LoadSummary[], memoryMiB: number, wakeups: number) =>
    Object.fromEntries(
      evaluateTargets({
        peers,
        load,
        idle: [
          { peer: "server", window: "settled", seconds: 10, wakeupsPerSecond: wakeups, cpuTicks: 0, cpuUsPerSecond: 1 },
        ],
        memory: [
          {
            peer: "server",
            peakRssKiB: memoryMiB * 1024,
            rssKiB: 0,
            rssAnonKiB: 0,
            rssFileKiB: 0,
            rssAnonMaxSeenKiB: 0,
          },
        ],
        pythonOriginal: "python2.7",
      }).map((t) => [t.target, t.verdict]),
    );

  test("are met when this server is at least as fast and as cheap as the peers", () => {
    const v = verdicts(
      [
        row("server", "tcp-64", 60_000, 6),
        row("server", "tcp-256", 60_000, 6),
        row("python2.7", "tcp-64", 20_000, 20),
        row("c-select", "tcp-64", 60_000, 6),
        row("c-select", "tcp-256", 59_000, 6),
      ],
      40,
      1,
    );
    expect(v["tcp-64: req/s at least the C-class peers'"]).toBe("met");
    expect(v["tcp-64: req/s at least 2x the Python original's"]).toBe("met");
    expect(v["tcp-256: server CPU per request within 1.1x of the best peer"]).toBe("met");
    expect(v["tcp-64, tcp-256: 0 never answered"]).toBe("met");
    expect(v["peak RSS under 44 MiB"]).toBe("met");
    expect(v["idle: at most 1 wake-up per second"]).toBe("met");
    expect(v["udp-64: req/s at least 0.9x the best peer's"]).toBe("n/a");
  });

  test("are missed when this server is slower, costlier, drops a connection, wakes up or grows", () => {
    const v = verdicts(
      [
        row("server", "tcp-64", 50_000, 7, 1),
        row("server", "tcp-256", 50_000, 6.7),
        row("python2.7", "tcp-64", 30_000, 20),
        row("c-select", "tcp-64", 60_000, 6),
        row("c-select", "tcp-256", 60_000, 6),
      ],
      45,
      2,
    );
    expect(v["tcp-64: req/s at least the C-class peers'"]).toBe("missed");
    expect(v["tcp-64: req/s at least 2x the Python original's"]).toBe("missed");
    expect(v["tcp-64: server CPU per request within 1.1x of the best peer"]).toBe("missed");
    expect(v["tcp-256: server CPU per request within 1.1x of the best peer"]).toBe("missed");
    expect(v["tcp-64, tcp-256: 0 never answered"]).toBe("missed");
    expect(v["peak RSS under 44 MiB"]).toBe("missed");
    expect(v["idle: at most 1 wake-up per second"]).toBe("missed");
  });
});

withCompiler("bun run bench --smallest", () => {
  test("measures this server alone, every request ok, and writes a report with tables and verdicts", async () => {
    scratch = mkdtempSync(join(tmpdir(), "bench-smoke-"));
    const out = join(scratch, "RESULTS.md");
    const json = join(scratch, "results.json");
    const proc = Bun.spawn(
      [
        process.execPath,
        new URL("../../bench/run.ts", import.meta.url).pathname,
        "--smallest",
        "--out",
        out,
        "--json",
        json,
      ],
      {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    benchRuns.add(proc);
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    benchRuns.delete(proc);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const results = JSON.parse(readFileSync(json, "utf8")) as {
      peers: { name: string }[];
      samples: { peer: string; result: LoadResult }[];
    };
    expect(results.peers.map((p) => p.name)).toEqual(["server"]);
    expect(results.samples.length).toBeGreaterThanOrEqual(3);
    for (const { peer, result } of results.samples) {
      expect(peer).toBe("server");
      expect(result.ok).toBe(result.requested);
      expect(result.wrong).toBe(0);
    }
    const report = readFileSync(out, "utf8");
    expect(report).toContain("Command: `bun run bench/run.ts --smallest");
    expect(report).toMatch(/\| `server` \| tcp-64, tcp-256: 0 never answered \| met \|/);
    expect(stdout).toContain("### Targets");
  });
});
