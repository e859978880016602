// SIGHUP: re-read the --config file, check all of it, apply in one step what needs no rebind, and log one line saying what changed.
import { StartupError } from "../base/startup-error.ts";
import { UsageError, parseArgs, type CliOptions } from "./server-flags.ts";
import type { TimeServer } from "../time-server.ts";
import { changedKeys } from "./config-diff.ts";

export class ConfigReloader {
  /** What the server runs with now: the live keys of the last good reload. */
  #applied: CliOptions;

  constructor(
    /** The command line, re-read with the file each time: its flags keep winning. */
    readonly argv: readonly string[],
    /** The options the sockets were opened with: restart-only changes are named against these. */
    readonly started: CliOptions,
    readonly server: TimeServer,
  ) {
    this.#applied = started;
  }

  reload(): void {
    const { log, counters } = this.server;
    const path = this.started.config;
    if (path === undefined) return log.notice("SIGHUP: no configuration file to reload (start with --config PATH); serving unchanged");
    let next: CliOptions;
    let changed: string[];
    try {
      next = parseArgs(this.argv);
      changed = changedKeys(this.#applied, next, ["log", "admission"]);
      this.server.reconfigure({
        // An unchanged policy is kept, rate buckets and all.
        hardening: changedKeys(this.#applied, next, ["admission"]).length > 0 ? (next.hardening ?? {}) : undefined,
        quiet: next.quiet ?? false,
        logFormat: next.logFormat ?? "seed",
      });
    } catch (error) {
      // A bad file, or a policy that cannot be built (--require-sync without a readable kernel clock): keep serving as before.
      if (!(error instanceof UsageError || error instanceof StartupError || error instanceof RangeError)) throw error;
      counters.add("reload_failed");
      return log.notice(`reload refused, still serving the previous configuration: ${error.message}`);
    }
    this.#applied = next;
    counters.add("reload_ok");
    log.notice(`reloaded ${path}: ${changed.length > 0 ? `changed ${changed.join(", ")}` : "no change"}`);
    const restart = changedKeys(this.started, next, ["restart"]);
    if (restart.length > 0) log.notice(`${path}: ${restart.join(", ")} changed: needs a restart (left as they are until then)`);
  }
}
