// Facts about the machine and toolchain a reader needs to compare RESULTS.md with their own run.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, release } from "node:os";
import type { Tools } from "./discover.ts";

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  kernel: string;
  loadAverage: string;
  versions: Record<string, string>;
}

function firstLine(argv: string[]): string {
  try {
    const result = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
    return (result.stdout.toString().trim() || result.stderr.toString().trim()).split("\n")[0] ?? "";
  } catch {
    return "";
  }
}

/** The commit of the server measured, and whether src/ or native/ differed from it. */
function serverRevision(): string {
  const root = new URL("..", import.meta.url).pathname;
  const head = firstLine(["git", "-C", root, "rev-parse", "--short", "HEAD"]);
  if (!head) return "unknown (not a git checkout)";
  const dirty = firstLine(["git", "-C", root, "status", "--porcelain", "--", "src", "native"]);
  return dirty ? `${head} plus uncommitted changes in src/ or native/` : head;
}

export function machineInfo(tools: Tools, cc: string): MachineInfo {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const versions: Record<string, string> = {
    "server (git)": serverRevision(),
    bun: Bun.version,
    cc: firstLine([cc, "--version"]),
  };
  if (tools.node) versions.node = tools.node.version;
  versions.python2 = tools.python2 ? `${tools.python2.version} (${tools.python2.path})` : "not found";
  versions.python3 = tools.python3 ? `${tools.python3.version} (${tools.python3.path})` : "not found";
  versions.xinetd = tools.xinetd?.version ?? "not installed";
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    kernel: `${release()} (${firstLine(["uname", "-sm"])})`,
    loadAverage: loadavg()
      .map((n) => n.toFixed(2))
      .join(" "),
    versions,
  };
}
