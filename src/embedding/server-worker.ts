// The Worker that owns the embedded server: it runs runTimeServer on this thread and answers the host's calls between the loop's select() calls.
import { shareWakeFd } from "../../native/index.ts";
import { LOG_FORMATS, type LogFormatName } from "../logging/log.ts";
import { runTimeServer, type TimeServer } from "../time-server.ts";
import type { Call, Calls, CallName, Reply } from "./messages.ts";

declare const self: Worker;

let server: TimeServer | undefined;

/** Each call's work, on the running server (start creates it). */
const handlers: { [K in CallName]: (args: Calls[K]["args"]) => Calls[K]["result"] | Promise<Calls[K]["result"]> } = {
  async start(options) {
    const started = await runTimeServer(options);
    server = started;
    started.closed.then(
      () => post({ ended: null }),
      (error: unknown) => post({ ended: error instanceof Error ? error : new Error(String(error)) }),
    );
    const { address, port, listeners, metrics } = started;
    return { address, port, listeners, metrics, wakeFd: shareWakeFd(started.wakeFd()) };
  },
  stop: () => void server!.stop(),
  reconfigure: (changes) => server!.reconfigure(changes),
  reportCounters: () => server!.reportCounters(),
  counters: () => server!.counters.snapshot(),
  logSettings: () => ({
    quiet: !server!.log.eventLines,
    logFormat: (Object.keys(LOG_FORMATS) as LogFormatName[]).find((name) => LOG_FORMATS[name] === server!.log.format)!,
  }),
};

const post = (reply: Reply) => self.postMessage(reply);

self.onmessage = async ({ data: call }: MessageEvent<Call>) => {
  try {
    const handler = handlers[call.name] as (args: unknown) => unknown;
    post({ id: call.id, result: await handler(call.args) });
  } catch (error) {
    post({ id: call.id, error: error instanceof Error ? error : new Error(String(error)) });
  }
};
