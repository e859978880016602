// How long SIGTERM takes to end this server, idle and under c=64 TCP and UDP load: the README's stated bound, measured.
// Usage: bun bench/signal-latency.ts [--rounds N]   (pinned like the bench: load generator on CPU 0, server on the rest)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuPlan, pinned } from "./affinity.ts";
import { buildProgram, findCompiler } from "./build.ts";
import { loadgenArgs } from "./loadgen.ts";
import { startPeer } from "./peer-process.ts";
import { thisServer } from "./peers.ts";
import { median } from "./stats.ts";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1] || 5);
const cc = findCompiler();
if (!cc) throw new Error("needs a C compiler (cc) for the load generator");
const loadgen = await buildProgram(cc, "loadgen");
const plan = cpuPlan(true);
const server = thisServer("server-quiet", "this server --quiet", ["--quiet"], true);
const runDir = mkdtempSync(join(tmpdir(), "rfc868-signal-latency-"));

/** Start the server, optionally load it for a second, send SIGTERM, and return ms from kill() to exit. */
async function once(load: "idle" | "tcp" | "udp"): Promise<number> {
  const peer = await startPeer(server, runDir, plan?.peers);
  let generator: ReturnType<typeof Bun.spawn> | null = null;
  if (load !== "idle") {
    const args = loadgenArgs({
      transport: load,
      host: "127.0.0.1",
      port: peer.port,
      concurrency: 64,
      requests: 10_000_000,
      durationSeconds: 3,
      timeoutMs: 1000,
    });
    generator = Bun.spawn(pinned([loadgen, ...args], plan?.loadgen), { stdout: "ignore", stderr: "ignore" });
  }
  await Bun.sleep(load === "idle" ? 300 : 1000);
  const start = performance.now();
  process.kill(peer.pid, "SIGTERM");
  const code = await peer.exited;
  const ms = performance.now() - start;
  generator?.kill("SIGKILL");
  await generator?.exited;
  if (code !== 0) throw new Error(`server exited ${code} after SIGTERM`);
  return ms;
}

for (const load of ["idle", "tcp", "udp"] as const) {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await once(load));
  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `${load.padEnd(4)} c=${load === "idle" ? 0 : 64}: SIGTERM to exit median ${fmt(median(times))} ms, max ${fmt(Math.max(...times))} ms (${times.map(fmt).join(" ")})`,
  );
}
rmSync(runDir, { recursive: true, force: true });
