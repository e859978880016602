// Fold the rounds of each (peer, scenario) into one row: medians for rates and CPU, sums for counts.
import type { LoadSample } from "./measure.ts";
import { median, relativeSpread, sum } from "./stats.ts";

export interface LoadSummary {
  peer: string;
  scenario: string;
  rounds: number;
  /** Median over rounds of ok replies per second. */
  rps: number;
  rpsByRound: number[];
  /** (max - min) / median of rps over the rounds. */
  rpsSpread: number;
  /** Median over rounds of server CPU µs per ok reply. */
  cpuPerRequestUs: number;
  cpuSpread: number;
  requested: number;
  ok: number;
  wrong: number;
  reset: number;
  timedOut: number;
  neverAnswered: number;
  lost: number;
  clientErrors: number;
  /** Medians of the rounds' p50 and p99, and the largest max, in µs. */
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Median of the load generator's CPU / the window it was starting requests in: near 1.0 means it, not the server, set the pace. */
  loadgenBusy: number;
}

export function summarize(samples: readonly LoadSample[]): LoadSummary[] {
  const groups = new Map<string, LoadSample[]>();
  for (const sample of samples) {
    const key = `${sample.peer}\u0000${sample.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  return [...groups.values()].map((rounds) => {
    const results = rounds.map((r) => r.result);
    const rps = results.map((r) => r.rps);
    const cpu = rounds.map((r) => r.cpuPerRequestUs).filter((v) => Number.isFinite(v));
    return {
      peer: rounds[0]!.peer,
      scenario: rounds[0]!.scenario,
      rounds: rounds.length,
      rps: median(rps),
      rpsByRound: rps,
      rpsSpread: relativeSpread(rps),
      cpuPerRequestUs: median(cpu),
      cpuSpread: relativeSpread(cpu),
      requested: sum(results.map((r) => r.requested)),
      ok: sum(results.map((r) => r.ok)),
      wrong: sum(results.map((r) => r.wrong)),
      reset: sum(results.map((r) => r.reset)),
      timedOut: sum(results.map((r) => r.timed_out)),
      neverAnswered: sum(results.map((r) => r.never_answered)),
      lost: sum(results.map((r) => r.lost)),
      clientErrors: sum(results.map((r) => r.client_errors)),
      p50Us: median(results.map((r) => r.latency_us.p50)),
      p99Us: median(results.map((r) => r.latency_us.p99)),
      maxUs: Math.max(...results.map((r) => r.latency_us.max)),
      loadgenBusy: median(results.map((r) => r.loadgen_cpu_s / r.window_s)),
    };
  });
}

export function findSummary(
  summaries: readonly LoadSummary[],
  peer: string,
  scenario: string,
): LoadSummary | undefined {
  return summaries.find((s) => s.peer === peer && s.scenario === scenario);
}
