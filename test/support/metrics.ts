// Tools for the metrics tests: the endpoint's URL from the start-up line, raw HTTP over node:net, samples, and Debian's Prometheus tools.
import net from "node:net";
import { existsSync } from "node:fs";
import type { ServerProcess } from "./server-process.ts";
import { findCommand } from "./commands.ts";
import type { MetricsRegistry } from "../../src/base/metrics-registry.ts";
import { ServerMetrics } from "../../src/base/server-metrics.ts";
import { renderMetrics, type MetricFamily } from "../../src/metrics/exposition.ts";

/** Where .ci/prometheus.sh unpacks Debian's prometheus package. */
const UNPACKED = new URL("../../.ci/.cache/prometheus/usr/bin/", import.meta.url).pathname;

/** promtool or prometheus: unpacked by .ci/prometheus.sh, or installed; null (the test skips, saying so) otherwise. */
export function prometheusTool(name: "promtool" | "prometheus"): string | null {
  return existsSync(UNPACKED + name) ? UNPACKED + name : findCommand(name);
}

/** Debian's python3 (the first python3 on PATH may be a build that cannot import Debian's prometheus_client). */
export const DEBIAN_PYTHON = "/usr/bin/python3";

/** The URL from the server's `rfc868: metrics on http://...` line. */
export async function metricsUrl(server: ServerProcess): Promise<string> {
  const line = await server.stderr.waitFor(/^rfc868: metrics on http:\/\//);
  if (!line) throw new Error(`no metrics line; stderr: ${server.stderr.all.join(" | ")}`);
  return line.split(" ").pop()!;
}

export const portOf = (url: string) => Number(new URL(url).port);

export async function scrape(
  url: string,
  accept?: string,
): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(url, { headers: accept ? { accept } : {} });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: await response.text(),
  };
}

/** Send `request` as is on a fresh connection and read everything until the server closes. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  timeoutMs = 10_000,
): Promise<{ reply: string; close: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ port, host: "127.0.0.1" }, () => socket.write(request));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no close from the metrics port in ${timeoutMs} ms`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve({ reply: Buffer.concat(chunks).toString("latin1"), close: "end" }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code ? resolve({ reply: Buffer.concat(chunks).toString("latin1"), close: error.code }) : reject(error),
    );
  });
}

/** The samples of a text page as `name{labels}` -> value (comments left out). */
export function samples(body: string): Map<string, number> {
  const entries = body
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1))] as const);
  return new Map(entries);
}

/** The page a server with `registry`'s counters and nothing else shows (zero uptime, a made-up build): which families it has. */
export function pageOf(registry: MetricsRegistry = new ServerMetrics(), more?: readonly MetricFamily[]): string {
  const build = { version: "0", commit: "0", bun: "0" };
  return renderMetrics(
    { counters: registry, clockFloorMs: 0, clockProblem: null, startedAtMs: 0, uptimeSeconds: 0, build, more },
    "prometheus",
  );
}
