// What the kernel knows about a process: CPU time summed over its threads, context switches, memory. Linux /proc only.
import { readdirSync, readFileSync } from "node:fs";

/** The fields of /proc/PID/stat after "(comm)": index 0 is field 3 (state), so utime (field 14) is index 11. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // comm may hold spaces and parentheses: the fields start after the last ")".
  return text
    .slice(text.lastIndexOf(")") + 2)
    .trim()
    .split(" ");
}

/** A thread can exit between listing and reading: its file is then gone, and it counts as 0. */
function readTaskFile(pid: number, tid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

function tasks(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`);
}

/** Clock ticks per second for utime/stime; 100 on every Linux this runs on (USER_HZ), read once from getconf. */
export const CLOCK_TICKS_PER_SECOND = (() => {
  const result = Bun.spawnSync(["getconf", "CLK_TCK"]);
  const value = Number(result.stdout.toString().trim());
  return result.exitCode === 0 && value > 0 ? value : 100;
})();

/** A per-thread counter at one moment, by thread id. */
export type PerThread = Map<string, number>;

function perThread(pid: number, read: (tid: string) => number): PerThread {
  return new Map(tasks(pid).map((tid) => [tid, read(tid)]));
}

/**
 * How much a per-thread counter grew between two readings, summed over the threads alive at the end.
 * Threads come and go (JIT workers exit after idling): a plain sum of totals would drop an exited thread's
 * whole lifetime and could go negative, while this drops only its share since `before`, never more.
 */
export function grewBy(before: PerThread, after: PerThread): number {
  let total = 0;
  for (const [tid, value] of after) {
    const start = before.get(tid) ?? 0;
    total += value >= start ? value - start : value; // smaller: the id was reused by a new thread
  }
  return total;
}

export interface CpuReading {
  /** ns on CPU per thread: the first field of /proc/PID/task/TID/schedstat. */
  threads: PerThread;
  /** CPU of waited-for children (cutime + cstime), ns, for a server that forks per request. */
  childrenNs: number;
}

export function readCpu(pid: number): CpuReading {
  const fields = statFields(pid);
  return {
    threads: perThread(pid, (tid) => Number(readTaskFile(pid, tid, "schedstat").split(" ")[0]) || 0),
    childrenNs: ((Number(fields[13]) + Number(fields[14])) * 1e9) / CLOCK_TICKS_PER_SECOND,
  };
}

/** ns on CPU between two readings, summed over threads and children. */
export function cpuSpentNs(before: CpuReading, after: CpuReading): number {
  return grewBy(before.threads, after.threads) + (after.childrenNs - before.childrenNs);
}

/** utime + stime of the whole process (all threads), in clock ticks, from /proc/PID/stat. */
export function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return Number(fields[11]) + Number(fields[12]);
}

/** Voluntary plus involuntary context switches per thread: each is one wake-up or preemption. */
export function contextSwitches(pid: number): PerThread {
  return perThread(pid, (tid) => {
    const status = readTaskFile(pid, tid, "status");
    let total = 0;
    for (const key of ["voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"]) {
      total += Number(new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(status)?.[1] ?? 0);
    }
    return total;
  });
}

/** CPU time of the whole machine, seconds summed over CPUs, from the "cpu" line of /proc/stat. */
export interface MachineCpu {
  /** user + nice + system + irq + softirq. */
  busy: number;
  /** Time the hypervisor ran something else while a vCPU wanted to run. */
  steal: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const seconds = (ticks: number | undefined) => (ticks ?? 0) / CLOCK_TICKS_PER_SECOND;
  return {
    busy: seconds(user) + seconds(nice) + seconds(system) + seconds(irq) + seconds(softirq),
    steal: seconds(steal),
  };
}

export interface MemoryUse {
  /** Peak resident set (VmHWM), KiB. */
  peakRssKiB: number;
  /** Resident now (VmRSS), KiB. */
  rssKiB: number;
  /** The anonymous part of the resident set (heap, stacks, JIT code), KiB. */
  rssAnonKiB: number;
  /** The file-backed part (the executable and libraries as far as paged in), KiB. */
  rssFileKiB: number;
}

export function memoryUse(pid: number): MemoryUse {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { peakRssKiB: kib("VmHWM"), rssKiB: kib("VmRSS"), rssAnonKiB: kib("RssAnon"), rssFileKiB: kib("RssFile") };
}
