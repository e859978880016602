#!/usr/bin/env bun
// Command-line entry: check the platform, parse flags (and --config), run the server until a stop signal (src/ops/signals.ts).
import { platformProblem } from "../native/platform.ts";
import { die, logFormatNamedIn, printFailuresAs } from "./cli/die.ts";
import type { TimeServer } from "./time-server.ts";
import type { LogFormatName } from "./logging/log.ts";
import type { ServiceManager as Manager } from "./ops/service-manager.ts";

async function main(argv: readonly string[]): Promise<void> {
  // Checked before anything loads libc, so an unsupported machine gets one line, not a stack trace.
  const problem = platformProblem();
  if (problem) die(problem, 1);
  const { applyRuntimeTuning } = await import("./ops/runtime-tuning.ts");
  applyRuntimeTuning();
  const { parseArgs, usage, UsageError } = await import("./cli/server-flags.ts");
  const { runTimeServer, checkTimeServerOptions } = await import("./time-server.ts");
  const { openServiceSockets } = await import("./ops/service-sockets.ts");
  const { StartupError } = await import("./base/startup-error.ts");
  const { programName } = await import("./base/invocation.ts");
  const { installSignalHandlers } = await import("./ops/signals.ts");
  const { ConfigReloader } = await import("./cli/config-reload.ts");
  const { LOG_FORMATS } = await import("./logging/log.ts");
  const { ServiceManager } = await import("./ops/service-manager.ts");
  const { turnAwayWaitingClients } = await import("./ops/socket-activation.ts");

  // Start-up failures in the log's format as soon as it is known (the command line's, then the file's too).
  const failuresIn = (name: LogFormatName | undefined) =>
    name && printFailuresAs((message) => LOG_FORMATS[name].notice(message, "error"));
  failuresIn(logFormatNamedIn(argv, Object.keys(LOG_FORMATS) as LogFormatName[]));
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) (turnAwayWaitingClients(), die(error.message, 2));
    throw error;
  }
  failuresIn(options.logFormat);
  if (options.help) return void console.log(usage(programName()));
  if (options.version) return void console.log((await import("./base/build-info.ts")).versionText());
  if (options.checkConfig) {
    try {
      checkTimeServerOptions(options);
    } catch (error) {
      if (error instanceof StartupError || error instanceof RangeError) die(error.message, 2);
      throw error;
    }
    return void console.log("ok");
  }

  // Handlers before the ready line is written: whoever reads it may signal at once.
  let server: TimeServer | undefined;
  let reloader: InstanceType<typeof ConfigReloader> | undefined;
  let stopStatus: number | undefined;
  let manager: Manager | null = null;
  const status = () => `serving; ${server?.counters.counterLine() ?? "starting"}`.slice(0, 200);
  const stop = (status: number) => {
    if (stopStatus === undefined) manager?.stopping();
    stopStatus ??= status;
    void server?.stop(); // main() exits with stopStatus once the server has closed
  };
  const reload = () => {
    if (!reloader) return;
    manager?.reloading();
    void reloader.reload().then(() => manager?.ready(status()));
  };
  installSignalHandlers({ stop, reload, report: () => server?.reportCounters() });
  try {
    // systemd's (Type=notify), when it asked: told READY=1 once every listener is open.
    manager = ServiceManager.fromEnvironment();
    const heartbeat = manager && { everyMs: manager.heartbeatMs, beat: () => manager!.heartbeat(status()) };
    // Bound (or inherited) and privileges dropped before the first request is read.
    const { activated, ...sockets } = openServiceSockets(options);
    // Exiting when idle is safe only where a socket unit keeps the port and starts the server on the next request.
    if (options.idleExitSeconds !== undefined && !activated)
      die("--idle-exit needs socket activation (LISTEN_FDS): once it exited, nothing would start the server again", 2);
    server = await runTimeServer({ ...options, ...sockets, ...(heartbeat && { heartbeat }) });
  } catch (error) {
    if (error instanceof StartupError) (turnAwayWaitingClients(), die(error.message, 1));
    throw error;
  }
  reloader = new ConfigReloader(argv, options, server);
  manager?.ready(status());
  if (stopStatus !== undefined) stop(stopStatus);
  await server.closed.catch((error: Error) => die(`the server failed: ${error.message}`, 1));
  // Ended by a stop signal (its status) or by itself (--idle-exit: 0).
  process.exit(stopStatus ?? 0);
}

/** Run the server's command line; also the single executable's entry (src/executable.ts). */
export function runServer(argv: readonly string[]): void {
  main(argv).catch((error: Error) => die(error.message, 1));
}

if (import.meta.main) runServer(process.argv.slice(2));
