// SIGHUP: re-read the --config file off the loop's thread, apply in one step what needs no rebind, and log one line saying what changed.
import { StartupError } from "../base/startup-error.ts";
import { ConfigError } from "../base/config-error.ts";
import type { Config } from "./server-options.ts";
import type { LiveOptions, TimeServer } from "../time-server.ts";
import { KEY_VALUES, changedKeys, type PackedConfig } from "./config-diff.ts";
import { ParseThread } from "./parse-thread.ts";
import { packOptions } from "./worker-messages.ts";

/**
 * The options of `next` the keys `changed` set, as TimeServer.reconfigure takes them: a policy unchanged is left out, so it is kept, rate buckets and all.
 * Packed, `next`'s hardening holds no address lists: reconfigure is given them built.
 */
function liveChanges({ options: next }: PackedConfig, changed: readonly string[]): LiveOptions {
  const fields = new Set(changed.map((key) => KEY_VALUES[key]!.field.split(".")[0] as keyof LiveOptions));
  return Object.fromEntries([...fields].map((field) => [field, next[field]]));
}

export class ConfigReloader {
  /** What the server runs with now: the live keys of the last good reload. */
  #applied: PackedConfig;
  /** `started`, packed as reloads are, to compare against. */
  readonly #started: PackedConfig;
  /** A reload is reading or applying the file. */
  #running = false;
  /** A SIGHUP came while one ran: one more reload follows it, however many came. */
  #pending = false;
  /** Settles when the reloads under way, the pending one included, are done. */
  #done: Promise<void> = Promise.resolve();
  /** Reads and checks the file off the loop's thread: a 100,000-entry list costs the loop only the swap. */
  readonly #thread = new ParseThread();

  constructor(
    /** The command line, re-read with the file each time: its flags keep winning. */
    readonly argv: readonly string[],
    /** The configuration the sockets were opened with: restart-only changes are named against it. */
    readonly started: Config,
    readonly server: TimeServer,
  ) {
    this.#applied = this.#started = packOptions(started);
  }

  /** SIGHUP: reload now, or once more after the reload under way: one runs, at most one more waits, however many signals come. */
  reload(): Promise<void> {
    if (this.#running) {
      this.#pending = true;
      return this.#done;
    }
    this.#running = true;
    return (this.#done = this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      do {
        this.#pending = false;
        try {
          await this.#reloadOnce();
        } catch (error) {
          // A bug, not a bad file: said as such, and a reload must not end a serving server over it.
          this.#fail(String(error));
        }
      } while (this.#pending);
    } finally {
      this.#running = false;
    }
  }

  async #reloadOnce(): Promise<void> {
    const { log, counters } = this.server;
    const path = this.started.config;
    if (path === undefined)
      return log.warning("SIGHUP: no configuration file to reload (start with --config PATH); serving unchanged");
    const parsed = await this.#thread.parse(this.argv, this.server.wakeFd());
    if ("refused" in parsed) return this.#refuse(parsed.refused);
    if ("failed" in parsed) return this.#fail(parsed.failed);
    const next = parsed.packed;
    const changed = changedKeys(this.#applied, next, "live");
    try {
      this.server.reconfigure(liveChanges(next, changed), parsed.lists);
    } catch (error) {
      // A policy that cannot be built (--require-sync without a readable kernel clock): keep serving as before. Anything else is a bug (#drain).
      if (!(error instanceof StartupError || error instanceof ConfigError)) throw error;
      return this.#refuse(error.message);
    }
    this.#applied = next;
    counters.reloads.labels("ok").inc();
    log.notice(`reloaded ${path}: ${changed.length > 0 ? `changed ${changed.join(", ")}` : "no change"}`);
    const restart = changedKeys(this.#started, next, "restart");
    if (restart.length > 0)
      log.warning(`${path}: ${restart.join(", ")} changed: needs a restart (left as they are until then)`);
  }

  #refuse(reason: string): void {
    this.server.counters.reloads.labels("failed").inc();
    this.server.log.warning(`reload refused, still serving the previous configuration: ${reason}`);
  }

  /** An internal error: counted as a failed reload like a refusal, but at error level and never as a refused file. */
  #fail(reason: string): void {
    this.server.counters.reloads.labels("failed").inc();
    this.server.log.error(`reload failed on an internal error, still serving the previous configuration: ${reason}`);
  }
}
