#!/usr/bin/env bun
// Entry point of `bun run bench`: build the C programs, start the peers, run interleaved rounds, print the tables, write the report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { buildAll, findCompiler } from "./build.ts";
import { discoverTools } from "./discover.ts";
import { machineInfo } from "./machine.ts";
import { anonymousRssKiB, measureIdle, measureLoad, measureMemory, type IdleSample, type LoadSample, type MemorySample } from "./measure.ts";
import { PLANS, USAGE, UsageError, defaultReportPath, parseBenchArgs, type BenchOptions } from "./options.ts";
import { startPeer, stopAllPeers, type RunningPeer } from "./peer-process.ts";
import { peerCatalog, serverHasUdp, type PeerSpec } from "./peers.ts";
import { renderReport, renderTables, type RunReport } from "./report.ts";
import { IDLE_SCENARIO, LOAD_SCENARIOS, SCENARIO_NAMES, type LoadScenario } from "./scenarios.ts";
import { summarize } from "./summary.ts";
import { evaluateTargets } from "./targets.ts";

/** Every peer the bench knows, available here or not: --only may name one this machine lacks. */
const KNOWN_PEERS = ["server", "server-quiet", "python2.7", "python3", "bun", "node", "xinetd", "c-select"];
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
  if (unknown.length) throw new UsageError(`--only: unknown name(s) ${unknown.join(", ")}; peers: ${KNOWN_PEERS.join(", ")}; scenarios: ${SCENARIO_NAMES.join(", ")}`);
  const onlyPeers = options.only.filter((name) => KNOWN_PEERS.includes(name));
  const onlyScenarios = options.only.filter((name) => SCENARIO_NAMES.includes(name));
  const wanted = options.mode === "smallest" ? ["server"] : onlyPeers.length ? onlyPeers : KNOWN_PEERS;
  const skipped = wanted.filter((name) => !catalog.some((p) => p.name === name)).map((name) => ({ name, reason: "not available on this machine" }));
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

async function startAll(specs: PeerSpec[], runDir: string, skipped: Selection["skipped"]): Promise<RunningPeer[]> {
  const running: RunningPeer[] = [];
  for (const spec of specs) {
    try {
      running.push(await startPeer(spec, runDir));
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
  return `${Math.round(r.rps).toLocaleString("en-US")} req/s, ${sample.cpuPerRequestUs.toFixed(1)} µs CPU/req${bad ? `, ${bad} not ok` : ""}`;
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
  const catalog = peerCatalog({ tools, cSelect: binaries["c-select"], serverHasUdp: serverHasUdp() });
  let selection: Selection;
  try {
    selection = select(catalog, options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }
  const machine = machineInfo(tools, cc);
  const runDir = mkdtempSync(join(tmpdir(), "rfc868-bench-"));
  const onSignal = () => void stopAllPeers().then(() => process.exit(130));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const samples: LoadSample[] = [];
  let idle: IdleSample[] = [];
  let memory: MemorySample[] = [];
  let running: RunningPeer[] = [];
  const anonMax = new Map<string, number>();
  try {
    running = await startAll(selection.peers, runDir, selection.skipped);
    const serves = (peer: RunningPeer, scenario: LoadScenario) => scenario.transport === "tcp" || peer.spec.udp;

    if (plan.warmupSeconds > 0) {
      const transports = LOAD_SCENARIOS.filter((s) => s.concurrency === 64 && selection.scenarios.some((t) => t.transport === s.transport));
      for (const peer of running) {
        for (const scenario of transports.filter((s) => serves(peer, s))) await measureLoad(peer, scenario, plan, binaries.loadgen, 0, plan.warmupSeconds);
      }
    }
    // Interleaved: every peer once per scenario, then the next round, so a noisy minute hits all peers alike.
    for (let round = 1; round <= plan.rounds; round++) {
      for (const scenario of selection.scenarios) {
        for (const peer of running.filter((p) => serves(p, scenario))) {
          const sample = await measureLoad(peer, scenario, plan, binaries.loadgen, round);
          samples.push(sample);
          anonMax.set(peer.spec.name, Math.max(anonMax.get(peer.spec.name) ?? 0, anonymousRssKiB(peer)));
          progress(`round ${round}/${plan.rounds} ${scenario.name} ${peer.spec.name}: ${describe(sample)}`);
        }
      }
    }
    if (selection.idle) {
      progress(`idle window: ${plan.idleSeconds} s`);
      idle = await measureIdle(running, plan.idleSeconds);
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
  const targets = evaluateTargets({ peers: peers.map(({ name, kind }) => ({ name, kind })), load, idle, memory, pythonOriginal });
  const report: RunReport = {
    mode: options.mode,
    command: commandLine(argv),
    plan,
    machine,
    peers,
    skipped: selection.skipped,
    pythonOriginal,
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
