// What the kernel knows about a process: CPU time summed over its threads, context switches, memory. Linux /proc only.
import { readdirSync, readFileSync } from "node:fs";

/** The fields of /proc/PID/stat after "(comm)": index 0 is field 3 (state), so utime (field 14) is index 11. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // comm may hold spaces and parentheses: the fields start after the last ")".
  return text.slice(text.lastIndexOf(")") + 2).trim().split(" ");
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

/**
 * Nanoseconds on CPU: the first field of /proc/PID/task/TID/schedstat summed over the threads, plus the
 * CPU of waited-for children (cutime + cstime), for a server that forks per request.
 */
export function cpuNanoseconds(pid: number): number {
  let total = 0;
  for (const tid of tasks(pid)) total += Number(readTaskFile(pid, tid, "schedstat").split(" ")[0] ?? 0) || 0;
  const fields = statFields(pid);
  const childTicks = Number(fields[13]) + Number(fields[14]);
  return total + (childTicks * 1e9) / CLOCK_TICKS_PER_SECOND;
}

/** utime + stime of the whole process (all threads), in clock ticks, from /proc/PID/stat. */
export function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  return Number(fields[11]) + Number(fields[12]);
}

/** Voluntary plus involuntary context switches summed over all threads: each is one wake-up or preemption. */
export function contextSwitches(pid: number): number {
  let total = 0;
  for (const tid of tasks(pid)) {
    const status = readTaskFile(pid, tid, "status");
    for (const key of ["voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"]) {
      total += Number(new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(status)?.[1] ?? 0);
    }
  }
  return total;
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
