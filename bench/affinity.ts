// Which CPUs the load generator and the peers run on: apart, so the scheduler cannot change the setup between rounds.
//
// At concurrency 1 a request is a ping-pong whose speed depends on whether client and server share a CPU
// (measured on this 2-vCPU VM: 53k req/s on one CPU, 15k across two, and unpinned runs flipping between
// the two at random). Pinning the load generator to CPU 0 and the peers to the rest fixes the setup for
// every round and every peer: one core for the clients, the others for the server, as on two machines.

export interface CpuPlan {
  /** taskset CPU lists. */
  loadgen: string;
  peers: string;
}

/** The plan, or null when pinning is off, impossible (one CPU) or taskset is missing. */
export function cpuPlan(enabled: boolean): CpuPlan | null {
  if (!enabled || !Bun.which("taskset")) return null;
  const cpus = navigator.hardwareConcurrency;
  if (cpus < 2) return null;
  return { loadgen: "0", peers: cpus === 2 ? "1" : `1-${cpus - 1}` };
}

/** `argv` run on `cpus` (taskset execs it, so the pid is the program's own); unchanged without a list. */
export function pinned(argv: string[], cpus: string | undefined): string[] {
  return cpus ? ["taskset", "-c", cpus, ...argv] : argv;
}
