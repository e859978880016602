// Render a run as markdown: the tables, the load generator's ceiling, the target verdicts, and the machine.
import type { CpuPlan } from "./affinity.ts";
import type { IdleSample, MemorySample } from "./measure.ts";
import type { MachineInfo } from "./machine.ts";
import type { Mode, RunPlan } from "./options.ts";
import type { PeerSpec } from "./peers.ts";
import { LOAD_SCENARIOS } from "./scenarios.ts";
import { findSummary, type LoadSummary } from "./summary.ts";
import type { TargetResult } from "./targets.ts";

export interface RunReport {
  mode: Mode;
  command: string;
  plan: RunPlan;
  machine: MachineInfo;
  peers: readonly PeerSpec[];
  /** Peers that could not be started or measured, with why. */
  skipped: readonly { name: string; reason: string }[];
  pythonOriginal: string | null;
  /** Where the load generator and the peers ran; null: wherever the scheduler put them. */
  cpus: CpuPlan | null;
  /** Runs measured again because other processes used more than `thresholdCores`, and disturbed ones kept anyway. */
  disturbance: { remeasured: number; kept: number; thresholdCores: number };
  load: readonly LoadSummary[];
  idle: readonly IdleSample[];
  memory: readonly MemorySample[];
  targets: readonly TargetResult[];
  wallSeconds: number;
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";
const ms = (us: number) => fmt(us / 1000, us < 10_000 ? 2 : 0);
const ratio = (n: number) => (Number.isFinite(n) ? `${fmt(n, 2)}x` : "–");

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function label(report: RunReport, name: string): string {
  const spec = report.peers.find((p) => p.name === name);
  return spec ? `${spec.label} \`${name}\`` : name;
}

/** Failures first and only when there are any: a clean row stays short. */
function failures(s: LoadSummary, udp: boolean): string {
  const parts = [
    s.wrong && `${s.wrong} wrong`,
    s.reset && `${s.reset} reset`,
    !udp && s.timedOut && `${s.timedOut} timed out`,
    !udp && s.neverAnswered && `${s.neverAnswered} never answered`,
    udp && s.lost && `${s.lost} lost`,
    s.clientErrors && `${s.clientErrors} client errors`,
  ].filter(Boolean);
  return parts.length ? `**${parts.join(", ")}**` : "0";
}

function loadTable(report: RunReport, scenario: string): string {
  const rows = report.peers
    .map((p) => findSummary(report.load, p.name, scenario))
    .filter((s): s is LoadSummary => s !== undefined);
  if (rows.length === 0) return "";
  const udp = scenario.startsWith("udp");
  const others = rows.filter((s) => report.peers.find((p) => p.name === s.peer)?.kind !== "this" && s.ok > 0);
  // NaN (shown as "–") when no other peer was measured: no ratio rather than a ratio to nothing.
  const bestRps = others.length ? Math.max(...others.map((s) => s.rps)) : NaN;
  const cpus = others.map((s) => s.cpuPerRequestUs).filter(Number.isFinite);
  const bestCpu = cpus.length ? Math.min(...cpus) : NaN;
  const python = report.pythonOriginal ? findSummary(report.load, report.pythonOriginal, scenario) : undefined;
  return table(
    [
      "peer",
      "req/s (median)",
      "rounds spread",
      "vs Python",
      "vs best peer",
      "ok",
      "failures",
      "p50 / p99 / max ms",
      "server CPU µs/req",
      "CPU vs best peer",
      "loadgen busy",
    ],
    rows.map((s) => [
      label(report, s.peer),
      fmt(s.rps),
      `${fmt(s.rpsSpread * 100)}%`,
      python ? ratio(s.rps / python.rps) : "–",
      ratio(s.rps / bestRps),
      `${fmt(s.ok)} / ${fmt(s.requested)}`,
      failures(s, udp),
      `${ms(s.p50Us)} / ${ms(s.p99Us)} / ${ms(s.maxUs)}`,
      fmt(s.cpuPerRequestUs, 1),
      ratio(s.cpuPerRequestUs / bestCpu),
      `${fmt(s.loadgenBusy * 100)}%`,
    ]),
  );
}

function idleTable(report: RunReport): string {
  const names = report.peers
    .map((p) => p.name)
    .filter((name) => report.idle.some((s) => s.peer === name) || report.memory.some((m) => m.peer === name));
  if (names.length === 0) return "";
  return table(
    [
      "peer",
      "idle wake-ups/s (after load / settled)",
      "idle CPU ticks (utime+stime)",
      "idle CPU µs/s (schedstat)",
      "peak RSS MiB (VmHWM)",
      "RssAnon MiB (end / max seen)",
      "RssFile MiB (end)",
    ],
    names.map((name) => {
      const windows = (["after load", "settled"] as const).map((w) =>
        report.idle.find((s) => s.peer === name && s.window === w),
      );
      const both = (show: (s: IdleSample) => string) =>
        windows.some(Boolean) ? windows.map((s) => (s ? show(s) : "–")).join(" / ") : "–";
      const mem = report.memory.find((m) => m.peer === name);
      return [
        label(report, name),
        both((s) => fmt(s.wakeupsPerSecond, 2)),
        both((s) => String(s.cpuTicks)),
        both((s) => fmt(s.cpuUsPerSecond, 1)),
        mem ? fmt(mem.peakRssKiB / 1024, 1) : "–",
        mem ? `${fmt(mem.rssAnonKiB / 1024, 1)} / ${fmt(mem.rssAnonMaxSeenKiB / 1024, 1)}` : "–",
        mem ? fmt(mem.rssFileKiB / 1024, 1) : "–",
      ];
    }),
  );
}

/** Whether the C-class peers all hit the same ceiling: the evidence that the load generator is not what separates the others. */
function ceilingNote(report: RunReport): string {
  const lines: string[] = [];
  for (const scenario of ["tcp-64", "tcp-256", "udp-64"]) {
    const all = report.peers
      .filter((p) => p.kind === "c-class")
      .map((p) => findSummary(report.load, p.name, scenario))
      .filter((s): s is LoadSummary => s !== undefined);
    // A peer that fails requests (xinetd drops UDP datagrams by design) is not at a ceiling: it is left out.
    const rows = all.filter((s) => s.ok >= 0.99 * s.requested);
    const left = all
      .filter((s) => !rows.includes(s))
      .map((s) => `\`${s.peer}\` left out: ${fmt(s.ok)} of ${fmt(s.requested)} ok`);
    if (rows.length === 0) continue;
    const rates = rows.map((s) => s.rps);
    const gap = (Math.max(...rates) - Math.min(...rates)) / Math.max(...rates);
    lines.push(
      `- ${scenario}: ${rows.map((s) => `\`${s.peer}\` ${fmt(s.rps)} req/s at ${fmt(s.cpuPerRequestUs, 1)} µs of server CPU each, loadgen busy ${fmt(s.loadgenBusy * 100)}%`).join("; ")}` +
        (rows.length > 1 ? ` — ${fmt(gap * 100)}% apart` : "") +
        (left.length ? ` (${left.join("; ")})` : "") +
        ".",
    );
  }
  return lines.join("\n");
}

function targetTable(report: RunReport): string {
  if (report.targets.length === 0) return "No target applies (this server was not measured).";
  return table(
    ["peer", "target", "verdict", "measured"],
    report.targets.map((t) => [`\`${t.peer}\``, t.target, t.verdict === "missed" ? "**missed**" : t.verdict, t.detail]),
  );
}

export function renderTables(report: RunReport): string {
  const parts: string[] = [];
  for (const scenario of LOAD_SCENARIOS) {
    const body = loadTable(report, scenario.name);
    if (body)
      parts.push(
        `### ${scenario.transport.toUpperCase()}, ${scenario.concurrency} concurrent (\`${scenario.name}\`)\n\n${body}`,
      );
  }
  const idle = idleTable(report);
  if (idle) parts.push(`### Idle and memory\n\n${idle}`);
  parts.push(`### Targets\n\n${targetTable(report)}`);
  return parts.join("\n\n");
}

function disturbanceNote(report: RunReport): string {
  const { remeasured, kept, thresholdCores } = report.disturbance;
  const total = report.load.reduce((n, s) => n + s.rounds, 0);
  return `Disturbance: a run during which the rest of the machine (all busy CPU and hypervisor steal, minus the server's
and the load generator's own) used more than ${thresholdCores} of a core is measured again, up to ${report.plan.retries} time(s):
${remeasured} re-measurement(s) in this run; ${kept} of the ${total} runs kept were still disturbed after that.`;
}

export function renderReport(report: RunReport): string {
  const { plan, machine } = report;
  const python = report.pythonOriginal ? `\`${report.pythonOriginal}\`` : "none found";
  const ceiling = ceilingNote(report);
  return `# Benchmark results

Generated by \`bench/run.ts\` (${report.mode} run, ${fmt(report.wallSeconds)} s); do not edit by hand. Method and
how to read it: [bench/README.md](README.md). Analysis of the misses: [bench/PROFILE.md](PROFILE.md).

Command: \`${report.command}\`

## Machine

- Date: ${machine.date}; load average at start: ${machine.loadAverage}
- nproc: ${machine.nproc}; CPU: ${machine.cpuModel}
- Kernel: ${machine.kernel}
${Object.entries(machine.versions)
  .map(([name, version]) => `- ${name}: ${version}`)
  .join("\n")}

## Method

${plan.rounds} round(s), interleaved (every peer once per scenario, then again), ${plan.loadSeconds} s or ${fmt(plan.requestsPerRun)} requests per
run (whichever ends first), after ${plan.warmupSeconds} s of unmeasured warm-up per peer and transport. Per-request
timeout: TCP ${plan.tcpTimeoutMs} ms, UDP ${plan.udpTimeoutMs} ms. Rates and CPU per request are medians over rounds;
counts are sums. "vs Python" compares with the Python original (${python}); "vs best peer" with the
best peer that is not this server. Server CPU is /proc/PID/task/*/schedstat (all threads) over the run,
divided by ok replies. Idle: all peers at once, two windows of ${plan.idleSeconds} s with no load, the first right after
the last run, the second after it (the targets judge the settled one). ${report.cpus ? `CPUs: the load generator on ${report.cpus.loadgen}, every peer on ${report.cpus.peers} (taskset; one core for the clients, the rest for the server, as on two machines).` : "CPUs: not pinned; the scheduler placed the load generator and the peers."}
${disturbanceNote(report)}
${report.skipped.length ? `\nNot measured: ${report.skipped.map((s) => `\`${s.name}\` (${s.reason})`).join("; ")}.\n` : ""}
## Results

${renderTables(report)}

## The load generator's ceiling

The C-class peers spend little CPU per request, so where they tie on req/s the limit is the single-threaded
load generator and the loopback stack, not the server; there, servers differ in CPU per request.

${ceiling || "No C-class peer was measured in this run."}
`;
}
