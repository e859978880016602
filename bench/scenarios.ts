// The measured scenarios: TCP and UDP load at fixed concurrencies, and the idle window.

export type Transport = "tcp" | "udp";

export interface LoadScenario {
  /** For --only and the tables: tcp-64, udp-1, ... */
  name: string;
  transport: Transport;
  concurrency: number;
}

export const LOAD_SCENARIOS: readonly LoadScenario[] = [
  { name: "tcp-1", transport: "tcp", concurrency: 1 },
  { name: "tcp-64", transport: "tcp", concurrency: 64 },
  { name: "tcp-256", transport: "tcp", concurrency: 256 },
  { name: "udp-1", transport: "udp", concurrency: 1 },
  { name: "udp-64", transport: "udp", concurrency: 64 },
];

/** The idle window (CPU and wake-ups with no load); memory is always read, at the end. */
export const IDLE_SCENARIO = "idle";

export const SCENARIO_NAMES: readonly string[] = [...LOAD_SCENARIOS.map((s) => s.name), IDLE_SCENARIO];
