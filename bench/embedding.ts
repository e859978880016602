// The library API against the in-thread loop: the host's timer lateness and node:net round trips (idle, under a child's load), stop(), peak RSS and SIGTERM-to-exit.
// Usage: bun bench/embedding.ts [--rounds N] [--window-ms MS] [--host-only | --processes-only]   (not pinned: figures are for comparing the two designs on one machine)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { buildProgram, findCompiler } from "./build.ts";
import { timerLateness, tcpRoundTrip } from "./host-probes.ts";
import { loadgenArgs } from "./loadgen.ts";
import { startPeer } from "./peer-process.ts";
import { thisServer, type PeerSpec } from "./peers.ts";
import { memoryUse } from "./proc-stats.ts";
import { median } from "./stats.ts";
import { startTimeServer } from "../src/embedding/library.ts";
import { runTimeServer } from "../src/time-server.ts";

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const rounds = option("--rounds", 3);
const windowMs = option("--window-ms", 3000);
const cc = findCompiler();
if (!cc) throw new Error("needs a C compiler (cc) for the load generator");
const loadgen = await buildProgram(cc, "loadgen");
const runDir = mkdtempSync(join(tmpdir(), "rfc868-embedding-"));

type Load = "idle" | "tcp" | "udp";
const fmt = (n: number) => n.toFixed(1);
const p99 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
const spread = (values: number[]) =>
  `median ${fmt(median(values))}, p99 ${fmt(p99(values))}, max ${fmt(Math.max(...values))} ms (n=${values.length})`;

/** loadgen at c=64 in a child process, for about `seconds`. */
function startLoad(load: Exclude<Load, "idle">, port: number, seconds: number): Subprocess {
  const args = loadgenArgs({
    transport: load,
    host: "127.0.0.1",
    port,
    concurrency: 64,
    requests: 100_000_000,
    durationSeconds: seconds,
    timeoutMs: 1000,
  });
  return Bun.spawn([loadgen, ...args], { stdout: "ignore", stderr: "ignore" });
}

/** Timers back to back and round trips 10 ms apart (back to back, the host's own client work would be what delays its timers), at once, until `windowMs` has passed. */
async function probeWindow(port: number): Promise<{ late: number[]; trips: number[] }> {
  const end = performance.now() + windowMs;
  const late: number[] = [];
  const trips: number[] = [];
  await Promise.all([
    (async () => {
      while (performance.now() < end) late.push(...(await timerLateness(1)));
    })(),
    (async () => {
      while (performance.now() < end) {
        trips.push(await tcpRoundTrip(port));
        await Bun.sleep(10);
      }
    })(),
  ]);
  return { late, trips };
}

/** Part 1: in this process, the in-thread server and then the embedded one. */
async function hostSide(design: "in-thread" | "worker"): Promise<void> {
  for (const load of ["idle", "tcp", "udp"] as const) {
    const options = { hosts: ["127.0.0.1"], port: 0, udp: true, quiet: true };
    const server = design === "worker" ? await startTimeServer(options) : await runTimeServer(options);
    const generator = load === "idle" ? null : startLoad(load, server.port, windowMs / 1000 + 2);
    await Bun.sleep(load === "idle" ? 300 : 500);
    const { late, trips } = await probeWindow(server.port);
    await Bun.sleep(200); // the probes' last request woke the loop: let it fall asleep in select() again
    const start = performance.now();
    await server.stop();
    const stopMs = performance.now() - start;
    generator?.kill("SIGKILL");
    await generator?.exited;
    console.log(
      `${design.padEnd(9)} ${load.padEnd(4)}: setTimeout(10) late ${spread(late)}; node:net round trip ${spread(trips)}; stop() ${fmt(stopMs)} ms`,
    );
  }
}

const embeddedHost: PeerSpec = {
  ...thisServer("embedded", "a program embedding this server (bench/peers/embedded-host.ts)", [], true),
  launch: (port) => ({
    argv: [process.execPath, new URL("./peers/embedded-host.ts", import.meta.url).pathname, String(port)],
  }),
};
const cli = thisServer("server-quiet", "this server --quiet", ["--quiet"], true);

/** Part 2: each as its own process: peak RSS after 2 s of TCP then 2 s of UDP load at c=64, then SIGTERM to exit. */
async function processSide(spec: PeerSpec, load: Load): Promise<{ peakMiB: number; exitMs: number }> {
  const peer = await startPeer(spec, runDir);
  if (load !== "idle") {
    for (const transport of ["tcp", "udp"] as const) await startLoad(transport, peer.port, 2).exited;
  } else {
    await Bun.sleep(300);
  }
  const peakMiB = memoryUse(peer.pid).peakRssKiB / 1024;
  let generator: Subprocess | null = null;
  if (load !== "idle") {
    generator = startLoad(load, peer.port, 3);
    await Bun.sleep(1000);
  }
  const start = performance.now();
  process.kill(peer.pid, "SIGTERM");
  const code = await peer.exited;
  const exitMs = performance.now() - start;
  generator?.kill("SIGKILL");
  await generator?.exited;
  if (code !== 0) throw new Error(`${spec.name} exited ${code} after SIGTERM`);
  return { peakMiB, exitMs };
}

if (!process.argv.includes("--processes-only")) {
  await hostSide("in-thread");
  await hostSide("worker");
}
if (process.argv.includes("--host-only")) process.exit(0);
for (const spec of [cli, embeddedHost]) {
  for (const load of ["idle", "tcp", "udp"] as const) {
    const runs: { peakMiB: number; exitMs: number }[] = [];
    for (let i = 0; i < rounds; i++) runs.push(await processSide(spec, load));
    const peaks = runs.map((r) => r.peakMiB);
    const exits = runs.map((r) => r.exitMs);
    const rss =
      load === "idle"
        ? ""
        : `peak RSS (VmHWM, after tcp+udp c=64) median ${fmt(median(peaks))} MiB, max ${fmt(Math.max(...peaks))}; `;
    console.log(
      `${spec.name.padEnd(12)} ${load.padEnd(4)}: ${rss}SIGTERM to exit median ${fmt(median(exits))} ms, max ${fmt(Math.max(...exits))} ms (${exits.map(fmt).join(" ")})`,
    );
  }
}
rmSync(runDir, { recursive: true, force: true });
