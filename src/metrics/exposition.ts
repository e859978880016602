// The metrics page: Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the scraper asks for it.
import type { BuildInfo } from "../base/build-info.ts";
import type { MetricsRegistry, Series } from "../base/metrics-registry.ts";

export type ExpositionFormat = "prometheus" | "openmetrics";

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: "text/plain; version=0.0.4; charset=utf-8",
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

/** Everything the page shows, read at scrape time. */
export interface MetricsSnapshot {
  /** The counted families, rendered in their declaration order. */
  readonly counters: MetricsRegistry;
  readonly clockFloorMs: number;
  /** Why the clock guard sends no time right now, or null while it does. */
  readonly clockProblem: "floor" | "unsynchronised" | null;
  readonly startedAtMs: number;
  readonly uptimeSeconds: number;
  readonly build: BuildInfo;
  /** More families read at scrape time (process-metrics.ts), shown after the server's own. */
  readonly more?: readonly MetricFamily[];
}

type Labels = Series["labels"];
/** One family as rendered: its name without the suffix (_total, _info) its type adds. */
export interface MetricFamily {
  name: string;
  type: "counter" | "gauge" | "info";
  help: string;
  samples: { labels: Labels; value: number }[];
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const labelText = (labels: Labels) =>
  labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;

/** Every registered family with its shown series: the always-present ones (at 0 until counted) first, then each as first counted. */
function registeredFamilies(registry: MetricsRegistry): MetricFamily[] {
  return registry.families.map(({ name, type, help, shown }) => ({
    name,
    type,
    help,
    samples: shown.map(({ labels, value }) => ({ labels, value })),
  }));
}

function gaugeFamilies(s: MetricsSnapshot): MetricFamily[] {
  const gauge = (name: string, help: string, samples: MetricFamily["samples"]): MetricFamily => ({
    name,
    type: "gauge",
    help,
    samples,
  });
  return [
    gauge(
      "rfc868_clock_time_sent",
      "1 while the time is sent; 0 while the clock guard withholds it (its refusals have the reason clock).",
      [{ labels: [], value: s.clockProblem === null ? 1 : 0 }],
    ),
    gauge("rfc868_clock_problem", "1 for the reason the clock guard withholds the time, as of the last check.", [
      { labels: [["problem", "floor"]], value: s.clockProblem === "floor" ? 1 : 0 },
      { labels: [["problem", "unsynchronised"]], value: s.clockProblem === "unsynchronised" ? 1 : 0 },
    ]),
    gauge(
      "rfc868_clock_floor_seconds",
      "The clock floor (--clock-floor) as Unix time: an earlier clock sends no time.",
      [{ labels: [], value: s.clockFloorMs / 1000 }],
    ),
    gauge("rfc868_uptime_seconds", "Seconds since the server started.", [{ labels: [], value: s.uptimeSeconds }]),
    gauge("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", [
      { labels: [], value: s.startedAtMs / 1000 },
    ]),
    {
      name: "rfc868_build",
      type: "info",
      help: "The server's version, the git commit it was built from, and the Bun runtime.",
      samples: [
        {
          labels: [
            ["version", s.build.version],
            ["commit", s.build.commit],
            ["bun", s.build.bun],
          ],
          value: 1,
        },
      ],
    },
  ];
}

/** The sample name and the TYPE line's name and type: OpenMetrics names the family, the 0.0.4 text format the sample. */
function names(family: MetricFamily, format: ExpositionFormat): { sample: string; typeName: string; type: string } {
  const suffix = family.type === "counter" ? "_total" : family.type === "info" ? "_info" : "";
  const sample = family.name + suffix;
  if (format === "openmetrics") return { sample, typeName: family.name, type: family.type };
  return { sample, typeName: sample, type: family.type === "info" ? "gauge" : family.type };
}

export function renderMetrics(snapshot: MetricsSnapshot, format: ExpositionFormat): string {
  const lines: string[] = [];
  for (const family of [
    ...registeredFamilies(snapshot.counters),
    ...gaugeFamilies(snapshot),
    ...(snapshot.more ?? []),
  ]) {
    const { sample, typeName, type } = names(family, format);
    // HELP text escapes only backslash and newline, in both formats.
    lines.push(
      `# HELP ${typeName} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`,
      `# TYPE ${typeName} ${type}`,
    );
    for (const { labels, value } of family.samples) lines.push(`${sample}${labelText(labels)} ${value}`);
  }
  if (format === "openmetrics") lines.push("# EOF");
  return lines.join("\n") + "\n";
}

/**
 * OpenMetrics when the Accept header lists application/openmetrics-text with a q above 0 (Prometheus
 * sends it first); the 0.0.4 text format otherwise, which every scraper understands.
 */
export function negotiateFormat(accept: string | null): ExpositionFormat {
  for (const range of (accept ?? "").split(",")) {
    const [type, ...params] = range.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    if (type === "application/openmetrics-text" && (q === undefined || Number(q.slice(2)) > 0)) return "openmetrics";
  }
  return "prometheus";
}
