// A service context on an event loop the test ticks by hand, logging to /dev/null: for tests of one handler (the metrics endpoint) without a server process.
import { closeSync, openSync } from "node:fs";
import { ServerMetrics } from "../../src/base/server-metrics.ts";
import { EventLoop } from "../../src/core/event-loop.ts";
import { ServiceContext } from "../../src/core/service-context.ts";
import { Log } from "../../src/logging/log.ts";
import { OutputBuffer } from "../../src/logging/output-buffer.ts";
import { buildAdmission } from "../../src/policy/admission.ts";
import { type ClockGuard, buildClockGuard } from "../../src/policy/clock-guard.ts";

/** The context, its loop and counters, and `close` (flush the log, close /dev/null). */
export function handContext(clock: ClockGuard | null = null) {
  const devNull = openSync("/dev/null", "w");
  const counters = new ServerMetrics();
  const log = new Log({ out: new OutputBuffer(devNull), err: new OutputBuffer(devNull), eventLines: false });
  const loop = new EventLoop();
  const context = new ServiceContext(
    loop,
    log,
    counters,
    buildAdmission({}, log, counters.refusals),
    clock ?? buildClockGuard({}, log, Date.now),
  );
  return { context, loop, counters, close: () => (log.finish(() => {}), closeSync(devNull)) };
}
