// The process_* families every exporter has (memory, fds, CPU), read from /proc when the page is asked for, never on the hot path.
import { readFileSync, readdirSync } from "node:fs";
import { fdLimit } from "../../native/index.ts";
import type { MetricFamily } from "./exposition.ts";

/** /proc/self/stat counts CPU time in clock ticks of USER_HZ, which Linux fixes at 100 for user space on every architecture. */
const USER_HZ = 100;

/** A "Key:   123 kB" line of /proc/self/status, in bytes. */
function statusBytes(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/self/status has no ${key} line`);
  return Number(match[1]) * 1024;
}

/** utime plus stime, in seconds: fields 14 and 15 of /proc/self/stat, counted after the command name, which may hold spaces and parentheses. */
function cpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): field n is fields[n - 3].
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The families, read now. The fd count includes the one that lists /proc/self/fd, as other exporters' counts do. */
export function processFamilies(): MetricFamily[] {
  const status = readFileSync("/proc/self/status", "utf8");
  const gauge = (name: string, help: string, value: number): MetricFamily => ({
    name,
    type: "gauge",
    help,
    samples: [{ labels: [], value }],
  });
  const maxFds = fdLimit().soft;
  return [
    {
      name: "process_cpu_seconds",
      type: "counter",
      help: "Total user and system CPU time spent in seconds.",
      samples: [{ labels: [], value: cpuSeconds(readFileSync("/proc/self/stat", "utf8")) }],
    },
    gauge("process_resident_memory_bytes", "Resident memory size in bytes.", statusBytes(status, "VmRSS")),
    gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", statusBytes(status, "VmSize")),
    gauge("process_open_fds", "Number of open file descriptors.", readdirSync("/proc/self/fd").length),
    // RLIM_INFINITY has no finite value: report the largest number a double holds exactly, as a count no process reaches.
    gauge(
      "process_max_fds",
      "Maximum number of open file descriptors.",
      Number.isFinite(maxFds) ? maxFds : Number.MAX_SAFE_INTEGER,
    ),
  ];
}
