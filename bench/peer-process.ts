// Start one peer on its own loopback port with stdout and stderr to files, wait until it answers, and stop it for sure.
import { mkdirSync } from "node:fs";
import type { Subprocess } from "bun";
import { pinned } from "./affinity.ts";
import type { PeerSpec } from "./peers.ts";
import { freePort } from "./ports.ts";
import { waitUntilAnswering } from "./ready.ts";

export interface RunningPeer {
  spec: PeerSpec;
  port: number;
  pid: number;
  /** The peer's stdout and stderr files (its console output, like a user's `> log`). */
  logs: { stdout: string; stderr: string };
  /** Its exit code, once it has exited (bench/signal-latency.ts times a signal to it). */
  exited: Promise<number>;
  stop(): Promise<void>;
}

const children = new Set<Subprocess>();

/** SIGTERM, then SIGKILL for one still running after `graceMs`. */
async function terminate(proc: Subprocess, graceMs = 2000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await proc.exited;
  clearTimeout(timer);
  children.delete(proc);
}

/** Stop every peer still running: for the end of a run, and for an interrupted or failed one. */
export async function stopAllPeers(): Promise<void> {
  await Promise.all([...children].map((proc) => terminate(proc)));
}

/** Start `spec` on a free port, on the CPUs in `cpus` (a taskset list) when given. */
export async function startPeer(spec: PeerSpec, runDir: string, cpus?: string): Promise<RunningPeer> {
  const port = await freePort();
  const dir = `${runDir}/${spec.name}`;
  mkdirSync(dir, { recursive: true });
  const launch = spec.launch(port, dir);
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of launch.unset ?? []) delete env[name];
  const logs = { stdout: `${dir}/stdout.log`, stderr: `${dir}/stderr.log` };
  const proc = Bun.spawn(pinned(launch.argv, cpus), {
    stdin: "ignore",
    stdout: Bun.file(logs.stdout),
    stderr: Bun.file(logs.stderr),
    env,
  });
  children.add(proc);
  try {
    await waitUntilAnswering(port, spec.udp, proc.exited);
  } catch (error) {
    await terminate(proc);
    const stderr = await Bun.file(logs.stderr)
      .text()
      .catch(() => "");
    throw new Error(
      `${spec.name} (${launch.argv.join(" ")}): ${(error as Error).message}${stderr.trim() ? `; stderr: ${stderr.trim().split("\n").slice(-3).join(" | ")}` : ""}`,
    );
  }
  return { spec, port, pid: proc.pid, logs, exited: proc.exited, stop: () => terminate(proc) };
}
