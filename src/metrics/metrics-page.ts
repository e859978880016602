// What GET /metrics shows, read when it is asked for: the counters, the clock guard's state, uptime and version.
import { version } from "../../package.json";
import type { ServiceContext } from "../core/service-context.ts";
import { CONTENT_TYPES, negotiateFormat, renderMetrics } from "./exposition.ts";
import type { Page } from "./responses.ts";

/** Reads the context's clock guard at each scrape, not once: a reload may replace it. */
export function metricsPage(context: ServiceContext): (accept: string | null) => Page {
  return (accept) => {
    const { counters, clock } = context;
    const format = negotiateFormat(accept);
    const body = renderMetrics(
      {
        counters,
        clockFloorMs: clock.floorMs,
        clockProblem: clock.problemNow(),
        // performance.timeOrigin is when this process started, as Unix ms.
        startedAtMs: performance.timeOrigin,
        uptimeSeconds: performance.now() / 1000,
        version,
      },
      format,
    );
    return { contentType: CONTENT_TYPES[format], body };
  };
}
