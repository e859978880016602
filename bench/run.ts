#!/usr/bin/env bun
// Entry point of `bun run bench`: build the C programs, start the peers, run interleaved rounds, print the tables, write the report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { cpuPlan, type CpuPlan } from "./affinity.ts";
import { buildAll, findCompiler } from "./build.ts";
import { discoverTools } from "./discover.ts";
import { machineInfo } from "./machine.ts";
import {
  DISTURBED_CORES,
  anonymousRssKiB,
  measureIdle,
  measureLoad,
  measureMemory,
  type IdleSample,
  type LoadSample,
  type MemorySample,
} from "./measure.ts";
import { PLANS, USAGE, UsageError, defaultReportPath, parseBenchArgs, type BenchOptions } from "./options.ts";
import { startPeer, stopAllPeers, type RunningPeer } from "./peer-process.ts";
import { peerCatalog, serverHasUdp, type PeerSpec } from "./peers.ts";
import { renderReport, renderTables, type RunReport } from "./report.ts";
import { IDLE_SCENARIO, LOAD_SCENARIOS, SCENARIO_NAMES, type LoadScenario } from "./scenarios.ts";
import { summarize } from "./summary.ts";
import { evaluateTargets } from "./targets.ts";

/** Every peer the bench knows, available here or not: --only may name one this machine lacks. */
const KNOWN_PEERS = [
  "server",
  "server-quiet",
  "server-metrics",
  "server-allow-100k",
  "python2.7",
  "python3",
  "bun",
  "node",
  "xinetd",
  "c-select",
  "c-mmsg",
];
const ROOT = new URL("..", import.meta.url).pathname;

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Selection {
  peers: PeerSpec[];
  scenarios: LoadScenario[];
  idle: boolean;
  skipped: { name: string; reason: string }[];
}

/** Apply --smallest (this server only) and --only (peer and scenario names) to what this machine has. */
function select(catalog: PeerSpec[], options: BenchOptions): Selection {
  const unknown = options.only.filter((name) => !KNOWN_PEERS.includes(name) && !SCENARIO_NAMES.includes(name));
  if (unknown.length)
    throw new UsageError(
      `--only: unknown name(s) ${unknown.join(", ")}; peers: ${KNOWN_PEERS.join(", ")}; scenarios: ${SCENARIO_NAMES.join(", ")}`,
    );
  const onlyPeers = options.only.filter((name) => KNOWN_PEERS.includes(name));
  const onlyScenarios = options.only.filter((name) => SCENARIO_NAMES.includes(name));
  const wanted = options.mode === "smallest" ? ["server"] : onlyPeers.length ? onlyPeers : KNOWN_PEERS;
  const skipped = wanted
    .filter((name) => !catalog.some((p) => p.name === name))
    .map((name) => ({ name, reason: "not available on this machine" }));
  return {
    peers: catalog.filter((p) => wanted.includes(p.name)),
    scenarios: LOAD_SCENARIOS.filter((s) => onlyScenarios.length === 0 || onlyScenarios.includes(s.name)),
    idle: onlyScenarios.length === 0 || onlyScenarios.includes(IDLE_SCENARIO),
    skipped,
  };
}

function commandLine(argv: readonly string[]): string {
  const base = process.env.npm_lifecycle_event === "bench" ? "bun run bench" : "bun run bench/run.ts";
  return [base, ...argv].join(" ");
}

async function startAll(
  specs: PeerSpec[],
  runDir: string,
  skipped: Selection["skipped"],
  cpus: CpuPlan | null,
): Promise<RunningPeer[]> {
  const running: RunningPeer[] = [];
  for (const spec of specs) {
    try {
      running.push(await startPeer(spec, runDir, cpus?.peers));
      progress(`started ${spec.name} on 127.0.0.1:${running.at(-1)!.port}`);
    } catch (error) {
      // Without this server there is nothing to benchmark; any other peer is reported as not measured.
      if (spec.kind === "this") throw error;
      skipped.push({ name: spec.name, reason: (error as Error).message });
      progress(`not measuring ${spec.name}: ${(error as Error).message}`);
    }
  }
  return running;
}

function describe(sample: LoadSample): string {
  const r = sample.result;
  const bad = r.requested - r.ok;
  return `${Math.round(r.rps).toLocaleString("en-US")} req/s, ${sample.cpuPerRequestUs.toFixed(1)} µs CPU/req${bad ? `, ${bad} not ok` : ""}, others ${sample.otherCores.toFixed(2)} cores`;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  if (options.help) {
    console.log(`${USAGE}\n\npeers: ${KNOWN_PEERS.join(", ")}\nscenarios: ${SCENARIO_NAMES.join(", ")}`);
    return 0;
  }
  const plan = PLANS[options.mode];
  const cc = findCompiler();
  if (!cc) {
    process.stderr.write("bench: no C compiler (cc) on PATH: the load generator is C (apt-get install gcc)\n");
    return 1;
  }
  const wallStart = performance.now();
  const binaries = await buildAll(cc);
  const tools = discoverTools();
  const catalog = peerCatalog({
    tools,
    cSelect: binaries["c-select"],
    cMmsg: binaries["c-mmsg"],
    serverHasUdp: serverHasUdp(),
  });
  let selection: Selection;
  try {
    selection = select(catalog, options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const machine = machineInfo(tools, cc);
  const cpus = cpuPlan(options.pin);
  const runDir = mkdtempSync(join(tmpdir(), "rfc868-bench-"));
  const onSignal = () => void stopAllPeers().then(() => process.exit(130));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const samples: LoadSample[] = [];
  let idle: IdleSample[] = [];
  let memory: MemorySample[] = [];
  let running: RunningPeer[] = [];
  const anonMax = new Map<string, number>();
  const disturbance = { remeasured: 0, kept: 0, thresholdCores: DISTURBED_CORES };
  try {
    running = await startAll(selection.peers, runDir, selection.skipped, cpus);
    const loadgen = { binary: binaries.loadgen, cpus: cpus?.loadgen };
    const serves = (peer: RunningPeer, scenario: LoadScenario) => scenario.transport === "tcp" || peer.spec.udp;

    if (plan.warmupSeconds > 0) {
      const transports = LOAD_SCENARIOS.filter(
        (s) => s.concurrency === 64 && selection.scenarios.some((t) => t.transport === s.transport),
      );
      for (const peer of running) {
        for (const scenario of transports.filter((s) => serves(peer, s)))
          await measureLoad(peer, scenario, plan, loadgen, 0, plan.warmupSeconds);
      }
    }
    // Interleaved: every peer once per scenario, then the next round, so a noisy minute hits all peers alike.
    // A run that someone else's work on this shared machine competed with is measured again at the end of
    // its round (by then the other work may be over), up to plan.retries times; the least disturbed attempt counts.
    const runs = plan.rounds * selection.scenarios.length * running.length;
    let retryBudget = Math.ceil(runs / 4); // bounds the run time when the machine stays busy
    for (let round = 1; round <= plan.rounds; round++) {
      let queue = selection.scenarios.flatMap((scenario) =>
        running
          .filter((peer) => serves(peer, scenario))
          .map((peer) => ({ scenario, peer, best: null as LoadSample | null, attempts: 0 })),
      );
      while (queue.length > 0) {
        const redo: typeof queue = [];
        for (const job of queue) {
          const sample = await measureLoad(job.peer, job.scenario, plan, loadgen, round);
          job.attempts++;
          if (!job.best || sample.otherCores < job.best.otherCores) job.best = sample;
          anonMax.set(job.peer.spec.name, Math.max(anonMax.get(job.peer.spec.name) ?? 0, anonymousRssKiB(job.peer)));
          progress(`round ${round}/${plan.rounds} ${job.scenario.name} ${job.peer.spec.name}: ${describe(sample)}`);
          if (sample.otherCores > DISTURBED_CORES && job.attempts <= plan.retries && retryBudget > 0) {
            retryBudget--;
            disturbance.remeasured++;
            redo.push(job);
            continue;
          }
          if (job.best.otherCores > DISTURBED_CORES) disturbance.kept++;
          samples.push(job.best);
        }
        if (redo.length) progress(`round ${round}/${plan.rounds}: measuring ${redo.length} disturbed run(s) again`);
        queue = redo;
      }
    }
    if (selection.idle) {
      // Two windows: the first shows what load leaves behind (GC, JIT workers exiting), the second the settled idle the targets judge.
      progress(`idle: two windows of ${plan.idleSeconds} s`);
      idle = [
        ...(await measureIdle(running, plan.idleSeconds, "after load")),
        ...(await measureIdle(running, plan.idleSeconds, "settled")),
      ];
    }
    memory = running.map((peer) => measureMemory(peer, anonMax.get(peer.spec.name) ?? 0));
  } finally {
    await stopAllPeers();
    rmSync(runDir, { recursive: true, force: true });
  }

  const names = running.map((p) => p.spec.name);
  const pythonOriginal = names.includes("python2.7") ? "python2.7" : names.includes("python3") ? "python3" : null;
  const load = summarize(samples);
  const peers = running.map((p) => p.spec);
  const targets = evaluateTargets({
    peers: peers.map(({ name, kind, baseline }) => ({ name, kind, baseline })),
    load,
    idle,
    memory,
    pythonOriginal,
  });
  const report: RunReport = {
    mode: options.mode,
    command: commandLine(argv),
    plan,
    machine,
    peers,
    skipped: selection.skipped,
    pythonOriginal,
    cpus,
    disturbance,
    load,
    idle,
    memory,
    targets,
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
  console.log(renderTables(report));
  const out = options.out ?? defaultReportPath(options.mode);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(report));
  progress(`wrote ${relative(ROOT, out) || out}`);
  if (options.json) {
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, JSON.stringify({ ...report, samples }, null, 2));
  }
  return 0;
}

if (import.meta.main) {
  main(Bun.argv.slice(2)).then(
    (code) => process.exit(code),
    async (error: Error) => {
      await stopAllPeers();
      process.stderr.write(`bench: ${error.message}\n`);
      process.exit(1);
    },
  );
}
