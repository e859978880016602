// The library API: startTimeServer runs the server on its own Worker thread, so the host's event loop never waits on the server's select().
import { closeFd, LINUX, SyscallError, wakeLoop, type SocketAddress } from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import type { LiveOptions } from "../time-server.ts";
import type { Call, Calls, CallName, EmbeddedOptions, LogSettings, Reply } from "./messages.ts";

export type { EmbeddedOptions, LogSettings } from "./messages.ts";

const WORKER = new URL("./server-worker.ts", import.meta.url).href;

/** The server's counters when they were asked for, by counters-line name (served_tcp, refused_udp_rate, ...). */
export class CountersCopy {
  constructor(readonly values: Readonly<Record<string, number>>) {}

  /** One series' count; 0 for one never counted. */
  get(name: string): number {
    return this.values[name] ?? 0;
  }

  /** Every series counted, in first-counted order. */
  snapshot(): Record<string, number> {
    return { ...this.values };
  }
}

export interface EmbeddedTimeServer {
  /** The first listener's bound address and port. */
  readonly address: string;
  readonly port: number;
  readonly listeners: readonly { transport: Transport; local: SocketAddress }[];
  /** Where the metrics endpoint listens, or null without `metrics`. */
  readonly metrics: SocketAddress | null;
  /** Resolves once the loop ended, the sockets are closed and the log flushed; rejects if the loop or its thread failed. */
  readonly closed: Promise<void>;
  /** Stop now (the loop is woken, not waited for), close the sockets, flush the log; resolves as `closed`. */
  stop(): Promise<void>;
  /**
   * Apply `changes` in one step, from the next batch of requests on; the sockets stay open. A new `hardening`
   * replaces the old whole. Rejects, changing nothing, when invalid (a RangeError, as the in-thread server throws).
   */
  reconfigure(changes: LiveOptions): Promise<void>;
  /** Log the counters as one line (the server does once more when it stops). */
  reportCounters(): Promise<void>;
  /** A copy of the counters as they are now. */
  counters(): Promise<CountersCopy>;
  /** The log settings in effect. */
  logSettings(): Promise<LogSettings>;
}

/** The Worker seen from the host: numbered calls, each posted and then announced on the loop's self-pipe. */
class ServerThread {
  readonly #worker = new Worker(WORKER);
  readonly #pending = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  #nextId = 0;
  /** The host's own copy of the loop's wake-up write end; -1 before the loop runs and after it ended. */
  #wakeFd = -1;
  #ended = false;
  #settle: (error: Error | null) => void = () => {};
  readonly closed = new Promise<void>((resolve, reject) => {
    this.#settle = (error) => (error ? reject(error) : resolve());
  });

  constructor() {
    this.#worker.onmessage = ({ data: reply }: MessageEvent<Reply>) => {
      if ("ended" in reply) return this.end(reply.ended);
      const pending = this.#pending.get(reply.id)!;
      this.#pending.delete(reply.id);
      if ("error" in reply) pending.reject(reply.error);
      else pending.resolve(reply.result as never);
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.end(new Error(`the server's thread failed: ${event.message}`));
    };
  }

  call<K extends CallName>(name: K, args: Calls[K]["args"]): Promise<Calls[K]["result"]> {
    if (this.#ended) return Promise.reject(new Error("the server has stopped"));
    const id = this.#nextId++;
    return new Promise<Calls[K]["result"]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, name, args } as Call);
      // The loop may sleep in select() for up to a second, and a message does not wake it: its self-pipe does.
      if (this.#wakeFd >= 0) this.#wake();
    });
  }

  /** Start announcing calls on the loop's self-pipe; `wakeFd` is the host's to close. */
  running(wakeFd: number): void {
    this.#wakeFd = wakeFd;
  }

  #wake(): void {
    try {
      wakeLoop(this.#wakeFd);
    } catch (error) {
      // The loop failed and closed its pipe; its "ended" message is on the way and settles every call.
      if (!(error instanceof SyscallError && error.errno === LINUX.EPIPE)) throw error;
    }
  }

  /** The loop ended (error: it failed), or never started: end the thread, refuse what is still pending. */
  end(error: Error | null): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#worker.terminate();
    if (this.#wakeFd >= 0) closeFd(this.#wakeFd);
    this.#wakeFd = -1;
    for (const pending of this.#pending.values()) pending.reject(error ?? new Error("the server has stopped"));
    this.#pending.clear();
    this.#settle(error);
  }
}

/**
 * Bind and start serving on a Worker thread of its own: see README, "Embedding". Rejects, leaving no socket
 * open, on the errors the in-thread runTimeServer throws. The running server keeps the host process alive,
 * as a listening socket does, until stop(); process.exit() ends it at once.
 */
export async function startTimeServer(options: EmbeddedOptions = {}): Promise<EmbeddedTimeServer> {
  for (const name of ["log", "clock"]) {
    if ((options as Record<string, unknown>)[name] !== undefined) {
      throw new TypeError(
        `startTimeServer: the "${name}" option cannot cross to the server's thread; runTimeServer (src/time-server.ts) takes it, on the calling thread`,
      );
    }
  }
  const thread = new ServerThread();
  let started;
  try {
    started = await thread.call("start", options);
  } catch (error) {
    thread.end(null);
    throw error;
  }
  const { wakeFd, ...where } = started;
  thread.running(wakeFd);
  thread.closed.catch(() => {}); // a failure is the embedder's to read from `closed`, not an unhandled rejection
  return {
    ...where,
    closed: thread.closed,
    stop() {
      thread.call("stop", null).catch(() => {}); // a server that already ended has nothing to stop
      return thread.closed;
    },
    reconfigure: (changes) => thread.call("reconfigure", changes),
    reportCounters: () => thread.call("reportCounters", null),
    async counters() {
      return new CountersCopy(await thread.call("counters", null));
    },
    logSettings: () => thread.call("logSettings", null),
  };
}
