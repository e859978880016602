// /readyz and /livez: whether the server is serving time right now, and whether its loop still turns.
import { socketName } from "../../native/index.ts";
import type { Listener } from "../core/listeners.ts";
import type { ServiceContext } from "../core/service-context.ts";
import type { MonotonicClock } from "../policy/token-bucket.ts";

/** /livez fails once the loop has not begun a turn for this long: a turn takes at most the 1 s select timeout and the handlers' work. */
export const LIVENESS_BOUND_MS = 10_000;

/** A health path's check: null while healthy, else the one-line reason it is not. */
export type Probe = () => string | null;

export class Health {
  #stopping = false;
  #turnedAt: number;

  constructor(
    readonly context: ServiceContext,
    /** The time service's listeners: every one must be open to be ready. */
    readonly listeners: readonly Listener[],
    readonly now: MonotonicClock = performance.now.bind(performance),
  ) {
    this.#turnedAt = now();
  }

  /** The loop calls it at each turn (before select). */
  turned(): void {
    this.#turnedAt = this.now();
  }

  /** Stop began: not ready from now on, whatever else holds. */
  stopping(): void {
    this.#stopping = true;
  }

  /** Why no time is served right now, or null while it is. Reads the context's guard each time: a reload may replace it. */
  notReady(): string | null {
    if (this.#stopping) return "stopping";
    if (!this.listeners.every(isOpen)) return "listener closed";
    const problem = this.context.clock.problemNow();
    if (problem === "floor") return "clock below floor";
    if (problem === "unsynchronised") return "clock unsynchronised";
    return null;
  }

  /** Why the loop counts as stuck, or null while it turns. */
  notLive(): string | null {
    const since = this.now() - this.#turnedAt;
    return since > LIVENESS_BOUND_MS
      ? `no loop turn for ${Math.round(since / 1000)} s (bound ${LIVENESS_BOUND_MS / 1000} s)`
      : null;
  }

  /** The paths the metrics endpoint answers with these checks. */
  probes(): Readonly<Record<string, Probe>> {
    return { "/readyz": () => this.notReady(), "/livez": () => this.notLive() };
  }
}

/** Still the socket it was bound as: a closed fd fails getsockname, a reused one names another address. */
function isOpen(listener: Listener): boolean {
  try {
    const name = socketName(listener.fd);
    return name.address === listener.local.address && name.port === listener.local.port;
  } catch {
    return false;
  }
}
