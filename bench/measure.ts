// One measurement against one running peer: a load run with the server's CPU read around it, or an idle window.
import { runLoadgen, type LoadResult } from "./loadgen.ts";
import type { RunPlan } from "./options.ts";
import type { RunningPeer } from "./peer-process.ts";
import {
  CLOCK_TICKS_PER_SECOND,
  contextSwitches,
  cpuSpentNs,
  cpuTicks,
  grewBy,
  machineCpu,
  memoryUse,
  readCpu,
  type CpuReading,
  type MemoryUse,
  type PerThread,
} from "./proc-stats.ts";
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
  /**
   * CPU the rest of the machine used during the run, in cores: all busy time (and hypervisor steal) minus
   * the server's and the load generator's own. Near 0.05 on a quiet machine (ksoftirqd); well above it,
   * someone else's work competed with this run.
   */
  otherCores: number;
}

/** A run during which the rest of the machine used more than this many cores is measured again (run.ts). */
export const DISTURBED_CORES = 0.25;

/** The first window starts right after the last load run; the second follows it, once the runtime settled. */
export type IdleWindow = "after load" | "settled";

export interface IdleSample {
  peer: string;
  window: IdleWindow;
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

export interface LoadgenRun {
  binary: string;
  /** taskset CPU list for the load generator; unset: anywhere. */
  cpus?: string;
}

export async function measureLoad(
  peer: RunningPeer,
  scenario: LoadScenario,
  plan: RunPlan,
  loadgen: LoadgenRun,
  round: number,
  seconds = plan.loadSeconds,
): Promise<LoadSample> {
  const before = readCpu(peer.pid);
  const machineBefore = machineCpu();
  const result = await runLoadgen(loadgen.binary, {
    cpus: loadgen.cpus,
    transport: scenario.transport,
    host: "127.0.0.1",
    port: peer.port,
    concurrency: scenario.concurrency,
    requests: plan.requestsPerRun,
    durationSeconds: seconds,
    timeoutMs: scenario.transport === "tcp" ? plan.tcpTimeoutMs : plan.udpTimeoutMs,
  });
  const serverCpuNs = cpuSpentNs(before, readCpu(peer.pid));
  const machineAfter = machineCpu();
  const otherSeconds =
    machineAfter.busy -
    machineBefore.busy +
    (machineAfter.steal - machineBefore.steal) -
    serverCpuNs / 1e9 -
    result.loadgen_cpu_s;
  return {
    peer: peer.spec.name,
    scenario: scenario.name,
    round,
    result,
    serverCpuNs,
    cpuPerRequestUs: result.ok > 0 ? serverCpuNs / 1000 / result.ok : NaN,
    otherCores: Math.max(0, otherSeconds / result.elapsed_s),
  };
}

interface IdleReading {
  switches: PerThread;
  ticks: number;
  cpu: CpuReading;
}

function readIdle(pid: number): IdleReading {
  return { switches: contextSwitches(pid), ticks: cpuTicks(pid), cpu: readCpu(pid) };
}

/** All peers idle at once over one window: the window is the measurement, so one wait serves every peer. */
export async function measureIdle(
  peers: readonly RunningPeer[],
  seconds: number,
  window: IdleWindow,
): Promise<IdleSample[]> {
  const before = peers.map((peer) => readIdle(peer.pid));
  const started = performance.now();
  await Bun.sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  return peers.map((peer, i) => {
    const after = readIdle(peer.pid);
    const start = before[i]!;
    return {
      peer: peer.spec.name,
      window,
      seconds: elapsed,
      wakeupsPerSecond: grewBy(start.switches, after.switches) / elapsed,
      cpuTicks: after.ticks - start.ticks,
      cpuUsPerSecond: cpuSpentNs(start.cpu, after.cpu) / 1000 / elapsed,
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
