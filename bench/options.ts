// The bench's command line, and the three sizes of run it knows: full (default), --quick and --smallest.

export class UsageError extends Error {}

export type Mode = "full" | "quick" | "smallest";

export interface BenchOptions {
  mode: Mode;
  /** Peer and scenario names to keep; empty keeps all. */
  only: string[];
  /** Where the markdown report goes; null: the mode's default. */
  out: string | null;
  /** Where the raw samples go as JSON; null: nowhere. */
  json: string | null;
  /** Pin the load generator to CPU 0 and the peers to the others (bench/affinity.ts). */
  pin: boolean;
  help: boolean;
}

/** How much load each mode applies. Every run is bounded by both a count and a time. */
export interface RunPlan {
  rounds: number;
  /** Seconds of load per measured run (the time bound). */
  loadSeconds: number;
  /** Requests per measured run (the count bound). */
  requestsPerRun: number;
  /** Seconds of unmeasured load per peer and transport before round 1, so JIT warm-up is not measured. */
  warmupSeconds: number;
  /** Seconds over which idle CPU and wake-ups are read. */
  idleSeconds: number;
  /** A TCP request not answered in this time is timed out or never answered; a UDP one is lost. */
  tcpTimeoutMs: number;
  udpTimeoutMs: number;
  /** How often a run disturbed by other processes is measured again (measure.ts, DISTURBED_CORES). */
  retries: number;
}

export const PLANS: Record<Mode, RunPlan> = {
  full: {
    rounds: 5,
    loadSeconds: 1,
    requestsPerRun: 1_000_000,
    warmupSeconds: 0.5,
    idleSeconds: 10,
    tcpTimeoutMs: 2000,
    udpTimeoutMs: 1000,
    retries: 2,
  },
  quick: {
    rounds: 1,
    loadSeconds: 0.5,
    requestsPerRun: 500_000,
    warmupSeconds: 0.2,
    idleSeconds: 5,
    tcpTimeoutMs: 2000,
    udpTimeoutMs: 1000,
    retries: 1,
  },
  // A harness check, not a measurement: a few hundred requests, count-bound, against this server alone.
  smallest: {
    rounds: 1,
    loadSeconds: 10,
    requestsPerRun: 300,
    warmupSeconds: 0,
    idleSeconds: 1,
    tcpTimeoutMs: 2000,
    udpTimeoutMs: 1000,
    retries: 0,
  },
};

/** Where each mode writes its report by default: only the full run replaces the committed RESULTS.md. */
export function defaultReportPath(mode: Mode): string {
  const bench = new URL(".", import.meta.url).pathname;
  return mode === "full" ? `${bench}RESULTS.md` : `${bench}.run/RESULTS-${mode}.md`;
}

export const USAGE = `usage: bun run bench [--quick | --smallest] [--only NAME,NAME] [--out FILE] [--json FILE] [--no-pin]

Benchmarks this server against the Python original and the servers a user would pick instead.

  (no flag)        full run: ${PLANS.full.rounds} interleaved rounds, a few minutes; writes bench/RESULTS.md
  --quick          one short round, under a minute; writes bench/.run/RESULTS-quick.md
  --smallest       one tiny count-bound round against this server only (the smoke test's mode)
  --only NAMES     keep only these peers and/or scenarios (comma-separated; see the names below)
  --out FILE       write the markdown report here instead
  --json FILE      also write every raw sample as JSON
  --no-pin         let the scheduler place the load generator and the peers (default: loadgen on CPU 0, peers on the rest)
  --help           show this help`;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { mode: "full", only: [], out: null, json: null, pin: true, help: false };
  const modes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    const takesValue = name === "only" || name === "out" || name === "json";
    let value = match?.[2];
    if (takesValue && value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    } else if (!takesValue && value !== undefined) {
      throw new UsageError(`--${name} takes no value`);
    }
    switch (name) {
      case "quick":
      case "smallest":
        modes.push(name);
        options.mode = name;
        break;
      case "only":
        options.only.push(
          ...value!
            .split(",")
            .map((part) => part.trim())
            .filter(Boolean),
        );
        break;
      case "out":
        options.out = value!;
        break;
      case "json":
        options.json = value!;
        break;
      case "no-pin":
        options.pin = false;
        break;
      case "help":
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)} (see --help)`);
    }
  }
  if (modes.length > 1) throw new UsageError("--quick and --smallest exclude each other");
  return options;
}
