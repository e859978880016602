// Run the C load generator once and return its one JSON line, checked for shape and for outcomes that add up.
import { pinned } from "./affinity.ts";
import type { Transport } from "./scenarios.ts";

export interface LoadRequest {
  transport: Transport;
  host: string;
  port: number;
  concurrency: number;
  /** The count bound. */
  requests: number;
  /** The time bound for starting requests, in seconds; in-flight ones then finish or time out. */
  durationSeconds: number;
  timeoutMs: number;
  /** UDP: how long to keep counting extra datagrams after the last outcome (default 0). */
  lingerMs?: number;
  /** taskset CPU list to run on; unset: anywhere. */
  cpus?: string;
}

/** The load generator's output, field for field (see bench/loadgen.c). */
export interface LoadResult {
  mode: Transport;
  host: string;
  port: number;
  concurrency: number;
  timeout_ms: number;
  requested: number;
  ok: number;
  wrong: number;
  wrong_detail: { empty: number; short: number; long: number; value: number; no_eof: number; extra: number };
  reset: number;
  timed_out: number;
  never_answered: number;
  lost: number;
  client_errors: number;
  elapsed_s: number;
  window_s: number;
  ok_in_window: number;
  /** ok replies per second over the window in which requests were being started. */
  rps: number;
  latency_us: { p50: number; p99: number; max: number };
  loadgen_cpu_s: number;
}

export function loadgenArgs(request: LoadRequest): string[] {
  return [
    "--mode",
    request.transport,
    "--host",
    request.host,
    "--port",
    String(request.port),
    "--concurrency",
    String(request.concurrency),
    "--requests",
    String(request.requests),
    "--duration",
    String(request.durationSeconds),
    "--timeout-ms",
    String(request.timeoutMs),
    ...(request.lingerMs ? ["--linger-ms", String(request.lingerMs)] : []),
  ];
}

/** Every started request has exactly one outcome; a result where they do not add up is a harness bug, not a number. */
export function checkResult(result: LoadResult): LoadResult {
  const d = result.wrong_detail;
  const outcomes =
    result.ok +
    d.empty +
    d.short +
    d.long +
    d.value +
    d.no_eof +
    result.reset +
    result.timed_out +
    result.never_answered +
    result.lost +
    result.client_errors;
  if (outcomes !== result.requested)
    throw new Error(`loadgen outcomes add up to ${outcomes}, not requested=${result.requested}`);
  if (result.wrong !== d.empty + d.short + d.long + d.value + d.no_eof + d.extra)
    throw new Error("loadgen wrong != sum of wrong_detail");
  if (!(result.rps >= 0) || !(result.elapsed_s > 0))
    throw new Error(`loadgen rates out of range: ${JSON.stringify(result)}`);
  return result;
}

export async function runLoadgen(binary: string, request: LoadRequest): Promise<LoadResult> {
  const proc = Bun.spawn(pinned([binary, ...loadgenArgs(request)], request.cpus), {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  // Not a performance limit: loadgen bounds itself; this only turns a hang into an error.
  const guardMs = request.durationSeconds * 1000 + request.timeoutMs + (request.lingerMs ?? 0) + 15_000;
  const guard = setTimeout(() => proc.kill("SIGKILL"), guardMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(guard);
  if (code !== 0)
    throw new Error(`loadgen ${loadgenArgs(request).join(" ")} exited ${code ?? proc.signalCode}: ${stderr.trim()}`);
  const lines = stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`loadgen printed ${lines.length} lines, expected one JSON line: ${stdout}`);
  return checkResult(JSON.parse(lines[0]!) as LoadResult);
}
