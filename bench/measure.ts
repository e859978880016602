// One measurement against one running peer: a load run with the server's CPU read around it, or an idle window.
import { runLoadgen, type LoadResult } from "./loadgen.ts";
import type { RunPlan } from "./options.ts";
import type { RunningPeer } from "./peer-process.ts";
import { CLOCK_TICKS_PER_SECOND, contextSwitches, cpuNanoseconds, cpuTicks, memoryUse, type MemoryUse } from "./proc-stats.ts";
import type { LoadScenario } from "./scenarios.ts";

export interface LoadSample {
  peer: string;
  scenario: string;
  round: number;
  result: LoadResult;
  /** The server's CPU (all threads) over the run, ns. */
  serverCpuNs: number;
  /** serverCpuNs / ok, in µs; NaN when nothing was ok. */
  cpuPerRequestUs: number;
}

export interface IdleSample {
  peer: string;
  seconds: number;
  wakeupsPerSecond: number;
  /** utime + stime over the window, in clock ticks (10 ms each): 0 means no measurable CPU. */
  cpuTicks: number;
  /** The same from schedstat, in µs of CPU per second of wall time (finer than ticks). */
  cpuUsPerSecond: number;
}

export interface MemorySample extends MemoryUse {
  peer: string;
  /** The largest RssAnon seen right after each load run (the kernel keeps no peak of the anonymous part). */
  rssAnonMaxSeenKiB: number;
}

export async function measureLoad(peer: RunningPeer, scenario: LoadScenario, plan: RunPlan, loadgen: string, round: number, seconds = plan.loadSeconds): Promise<LoadSample> {
  const before = cpuNanoseconds(peer.pid);
  const result = await runLoadgen(loadgen, {
    transport: scenario.transport,
    host: "127.0.0.1",
    port: peer.port,
    concurrency: scenario.concurrency,
    requests: plan.requestsPerRun,
    durationSeconds: seconds,
    timeoutMs: scenario.transport === "tcp" ? plan.tcpTimeoutMs : plan.udpTimeoutMs,
  });
  const serverCpuNs = cpuNanoseconds(peer.pid) - before;
  return { peer: peer.spec.name, scenario: scenario.name, round, result, serverCpuNs, cpuPerRequestUs: result.ok > 0 ? serverCpuNs / 1000 / result.ok : NaN };
}

interface IdleReading {
  switches: number;
  ticks: number;
  ns: number;
}

function readIdle(pid: number): IdleReading {
  return { switches: contextSwitches(pid), ticks: cpuTicks(pid), ns: cpuNanoseconds(pid) };
}

/** All peers idle at once over one window: the window is the measurement, so one wait serves every peer. */
export async function measureIdle(peers: readonly RunningPeer[], seconds: number): Promise<IdleSample[]> {
  const before = peers.map((peer) => readIdle(peer.pid));
  const started = performance.now();
  await Bun.sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  return peers.map((peer, i) => {
    const after = readIdle(peer.pid);
    const start = before[i]!;
    return {
      peer: peer.spec.name,
      seconds: elapsed,
      wakeupsPerSecond: (after.switches - start.switches) / elapsed,
      cpuTicks: after.ticks - start.ticks,
      cpuUsPerSecond: (after.ns - start.ns) / 1000 / elapsed,
    };
  });
}

/** RssAnon right after a load run, to keep the largest per peer. */
export function anonymousRssKiB(peer: RunningPeer): number {
  return memoryUse(peer.pid).rssAnonKiB;
}

export function measureMemory(peer: RunningPeer, rssAnonMaxSeenKiB: number): MemorySample {
  const now = memoryUse(peer.pid);
  return { peer: peer.spec.name, ...now, rssAnonMaxSeenKiB: Math.max(rssAnonMaxSeenKiB, now.rssAnonKiB) };
}

export const TICK_MS = 1000 / CLOCK_TICKS_PER_SECOND;
