// The reload's worker thread seen from the loop's thread: started on the first SIGHUP, kept while reloads keep coming, ended when idle.
import { deepFreeze } from "../base/defaults.ts";
import { accessListsFrom, type AccessLists } from "../policy/access-policy.ts";
import type { PackedConfig } from "./config-diff.ts";
import type { Config } from "./server-options.ts";
import type { ParseRequest, ParsedReply } from "./worker-messages.ts";

/**
 * The worker's entry: beside this file when run from source. In the single executable everything this file
 * imports is one bundle named after the executable, and packaging/executable.ts embeds the worker as a second
 * entry, laid out from the entries' common folder (src/): Bun's embedded files live under /$bunfs/root.
 */
const WORKER = import.meta.url.startsWith("file:///$bunfs/")
  ? "/$bunfs/root/cli/config-worker.ts"
  : new URL("./config-worker.ts", import.meta.url).href;

/** How long an idle worker is kept: a burst of reloads pays its start-up once; an idle server gets its memory back. */
const IDLE_MS = 10_000;

/**
 * What a parse gives: the configuration (packed: its address lists are read from `lists`, built), a refusal (the
 * file or command line is wrong), or a failure (an internal error).
 */
export type Parsed = { packed: PackedConfig; lists: AccessLists } | { refused: string } | { failed: string };

export class ParseThread {
  #worker: Worker | null = null;
  #idle: ReturnType<typeof setTimeout> | undefined;

  /**
   * parseArgs(argv) in the worker, which writes `wakeFd` once it has posted: the configuration and its lists built, the one line that
   * refuses it, or the one line saying why the worker failed. One call at a time (ConfigReloader runs one reload at a time).
   */
  parse(argv: readonly string[], wakeFd: number): Promise<Parsed> {
    clearTimeout(this.#idle);
    const worker = this.#worker ?? this.#start();
    return new Promise<Parsed>((resolve) => {
      worker.onmessage = (event: MessageEvent<ParsedReply<Config>>) => {
        const reply = event.data;
        // A clone crosses threads unfrozen: frozen again, as parseArgs made it (each list is one string: nothing long to walk).
        resolve("packed" in reply ? { packed: deepFreeze(reply.packed), lists: accessListsFrom(reply.access) } : reply);
      };
      worker.onerror = (event) => {
        // A worker that failed (its module could not load) is replaced on the next reload.
        this.#end();
        resolve({ failed: `cannot read the configuration: ${event.message}` });
      };
      worker.postMessage({ argv, wakeFd } satisfies ParseRequest);
    }).finally(() => {
      this.#idle = setTimeout(() => this.#end(), IDLE_MS);
      this.#idle.unref();
    });
  }

  #start(): Worker {
    this.#worker = new Worker(WORKER);
    // Never what keeps the process alive: the server ends by process.exit, an embedding program by its own choice.
    this.#worker.unref();
    return this.#worker;
  }

  #end(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
