// Tools for the hardening tests: the counters line (SIGUSR1), a process's open fds, the Python load generator, spoofed datagrams.
import { readFileSync, readdirSync } from "node:fs";
import type { ServerProcess } from "./server-process.ts";

import { runCommand } from "./commands.ts";
import { NOT_REAL_ROOT, REAL_ROOT } from "./emulation.ts";

const LOAD = new URL("./load.py", import.meta.url).pathname;
const UDP_PROBE = new URL("./udp_probe.py", import.meta.url).pathname;
const SPOOF = new URL("./spoof.py", import.meta.url).pathname;

/** Root binds ports below 1024 and sends raw packets; the tests that need it skip, saying so, without it. */
export const IS_ROOT = REAL_ROOT;

export function skipNotice(file: string, what: string): void {
  if (!IS_ROOT) console.log(`${file}: skipping ${what}: ${NOT_REAL_ROOT} (ports below 1024, raw sockets)`);
}

/** Ask the server for its counters line (SIGUSR1) and read it as kind -> count. */
export async function readCounters(server: ServerProcess): Promise<Record<string, number>> {
  const from = server.stderr.all.length;
  server.proc.kill("SIGUSR1");
  const line = await server.stderr.waitFor(/^rfc868: counters: /, from);
  if (!line) throw new Error(`no counters line; stderr: ${server.stderr.all.join(" | ")}`);
  return parseCounters(line);
}

export function parseCounters(line: string): Record<string, number> {
  const pairs = line
    .replace(/^rfc868: counters: /, "")
    .split(" ")
    .filter((pair) => pair.includes("="));
  return Object.fromEntries(pairs.map((pair) => [pair.split("=")[0]!, Number(pair.split("=")[1])]));
}

/** This process's RLIMIT_NOFILE (soft and hard), from /proc/self/limits. */
export function fdLimits(): { soft: number; hard: number } {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"))!;
  const [soft, hard] = line
    .split(/\s+/)
    .slice(3, 5)
    .map((v) => (v === "unlimited" ? Infinity : Number(v)));
  return { soft: soft!, hard: hard! };
}

/** Set the soft RLIMIT_NOFILE of another process (Python's prlimit(2) wrapper); returns the old soft limit. */
export async function setSoftFdLimit(pid: number, soft: number | "restore", old = 0): Promise<number> {
  const value = soft === "restore" ? old : soft;
  const python = `import resource as r,sys;p=int(sys.argv[1]);s,h=r.prlimit(p,r.RLIMIT_NOFILE);r.prlimit(p,r.RLIMIT_NOFILE,(int(sys.argv[2]),h));print(s)`;
  const run = await runCommand(["python3", "-c", python, String(pid), String(value)]);
  if (run.code !== 0) throw new Error(`prlimit failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

/** How many fds `pid` has open right now (entries of /proc/PID/fd). */
export function openFdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Poll until `pid` has exactly `count` fds open; the guard only turns a leak into a failure with the numbers. */
export async function waitForFdCount(pid: number, count: number, hangGuardMs = 10_000): Promise<number> {
  const until = Date.now() + hangGuardMs;
  let now = openFdCount(pid);
  while (now !== count && Date.now() < until) {
    await Bun.sleep(10);
    now = openFdCount(pid);
  }
  return now;
}

export interface LoadSummary {
  kinds: Record<string, Record<string, number>>;
  seconds: number;
  /** Replies that reached the hostile UDP senders (guarded ports, denied addresses): must be 0. */
  leaked: number;
}

/**
 * Start test/support/load.py against 127.0.0.1:`port` with `mix` (kind -> count). `opened` resolves once
 * the first wave has connected and written (useful while the server is SIGSTOPped); `summary` at the end.
 * With `hold`, the never-read connections stay open until release() is called. `wrapper`: a command that
 * execs the rest (nsenter into another network namespace).
 */
export function startLoad(
  port: number,
  mix: Record<string, number>,
  options: { concurrency?: number; hold?: boolean; wrapper?: string[] } = {},
) {
  const spec = Object.entries(mix)
    .map(([kind, count]) => `${kind}=${count}`)
    .join(",");
  const args = [
    ...(options.wrapper ?? []),
    "python3",
    LOAD,
    String(port),
    spec,
    "--concurrency",
    String(options.concurrency ?? 64),
    ...(options.hold ? ["--hold"] : []),
  ];
  const proc = Bun.spawn(args, { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const lines = (async function* () {
    let partial = "";
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      yield* parts;
    }
  })();
  const opened = lines.next().then((line) => {
    if (line.value !== "opened") throw new Error(`load.py: expected "opened", got ${JSON.stringify(line.value)}`);
  });
  const summary = opened
    .then(() => lines.next())
    .then((line): LoadSummary => {
      if (typeof line.value !== "string") throw new Error("load.py ended without a summary");
      return JSON.parse(line.value);
    });
  const release = async () => {
    proc.stdin.end();
    return proc.exited;
  };
  return { proc, opened, summary, release };
}

/** Run a whole load and return its summary. */
export async function runLoad(
  port: number,
  mix: Record<string, number>,
  options: { concurrency?: number; wrapper?: string[] } = {},
): Promise<LoadSummary> {
  const load = startLoad(port, mix, options);
  const summary = await load.summary;
  await load.release();
  return summary;
}

/**
 * For each source (`127.0.0.1:7`, `[::1]:9`; port 0 for any), whether a datagram sent from it to `host`:`port`
 * was answered: decided by a probe from `probe` sent after it (see udp_probe.py), never by a timeout.
 */
export async function udpAnswered(
  port: number,
  sources: string[],
  host = "127.0.0.1",
  probe = host === "::1" ? "::1" : "127.0.1.1",
): Promise<boolean[]> {
  const run = await runCommand(["python3", UDP_PROBE, host, String(port), probe, ...sources]);
  if (run.code !== 0) throw new Error(`udp_probe.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Send one datagram per forged source (`0.0.0.5:1234`, `[::]:5`) to loopback `port` through a raw socket (root only). */
export async function spoofUdp(port: number, sources: string[]): Promise<void> {
  const run = await runCommand(["python3", SPOOF, String(port), ...sources]);
  if (run.code !== 0) throw new Error(`spoof.py failed: ${run.stderr}`);
}
