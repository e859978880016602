// Never a wrong time: RFC 868 says a server that cannot tell the time sends nothing, so an implausible clock sends nothing.
import { isUnsynchronised, readKernelClock, type KernelClockState } from "../../native/index.ts";
import { writeTimestamp, type Clock } from "../base/rfc868.ts";
import { StartupError } from "../base/startup-error.ts";
import { DEFAULTS } from "../base/defaults.ts";
import type { Log } from "../logging/log.ts";
import type { MonotonicClock } from "./token-bucket.ts";

/** --require-sync asks the kernel at most this often: one syscall a second, not one per request. */
export const SYNC_CHECK_INTERVAL_MS = 1000;

/** How the kernel's clock state is read: ntp_adjtime, or a stand-in where a test needs the call to fail. */
export type KernelClockReader = () => KernelClockState;

/** True when the kernel says the clock is synchronised; a failed read counts as unsynchronised. */
export function kernelClockSynchronised(read: KernelClockReader = readKernelClock): boolean {
  try {
    return !isUnsynchronised(read());
  } catch {
    return false;
  }
}

export interface ClockGuardOptions {
  clock: Clock;
  floorMs: number;
  /** How to ask whether the clock is synchronised (--require-sync), or null not to ask. */
  isSynchronised: (() => boolean) | null;
  /** When the time stops or starts being sent: `problem` says why, null when it is sent again. Once per change. */
  onChange(problem: string | null): void;
  now?: MonotonicClock;
}

export type ClockProblem = "floor" | "unsynchronised" | null;

export class ClockGuard {
  readonly #options: ClockGuardOptions;
  readonly #now: MonotonicClock;
  #checkedAt = -Infinity;
  // Stryker disable next-line BooleanLiteral: never read before it is set: the first check always asks, #checkedAt being -Infinity.
  #synchronised = true;
  #problem: ClockProblem = null;

  constructor(options: ClockGuardOptions) {
    this.#options = options;
    this.#now = options.now ?? performance.now.bind(performance);
  }

  /** Write the stamp for now into `out` and return true; or write nothing and return false while no time may be sent. */
  stamp(out: Uint8Array): boolean {
    const now = this.#options.clock();
    if (this.#problemAt(now) !== null) return false;
    writeTimestamp(now, out);
    return true;
  }

  /** Why no time would be sent right now, or null (the metrics read it between requests). */
  problemNow(): ClockProblem {
    return this.#problemAt(this.#options.clock());
  }

  get floorMs(): number {
    return this.#options.floorMs;
  }

  #problemAt(now: number): ClockProblem {
    const { floorMs, isSynchronised } = this.#options;
    const problem: ClockProblem =
      now < floorMs ? "floor" : isSynchronised && !this.#synchronisedNow(isSynchronised) ? "unsynchronised" : null;
    if (problem !== this.#problem) this.#change(problem, now);
    return problem;
  }

  /** The last answer, refreshed when it is SYNC_CHECK_INTERVAL_MS old. */
  #synchronisedNow(isSynchronised: () => boolean): boolean {
    const now = this.#now();
    if (now - this.#checkedAt >= SYNC_CHECK_INTERVAL_MS) {
      this.#checkedAt = now;
      this.#synchronised = isSynchronised();
    }
    return this.#synchronised;
  }

  #change(problem: ClockProblem, now: number): void {
    this.#problem = problem;
    const floor = new Date(this.#options.floorMs).toISOString();
    this.#options.onChange(
      problem === "floor"
        ? `the clock reads ${new Date(now).toISOString()}, before the clock floor ${floor}`
        : problem === "unsynchronised"
          ? "the kernel reports the clock unsynchronised (ntp_adjtime), and --require-sync is on"
          : null,
    );
  }
}

/** The guard the options ask for, telling the log when the time stops and starts being sent. */
export function buildClockGuard(
  options: { clockFloorMs?: number; requireSync?: boolean },
  log: Log,
  clock: Clock,
  read: KernelClockReader = readKernelClock,
): ClockGuard {
  if (options.requireSync) {
    try {
      read(); // fail at start-up, not by refusing every request later
    } catch (error) {
      throw new StartupError(`--require-sync: cannot read the kernel clock state: ${(error as Error).message}`);
    }
  }
  return new ClockGuard({
    clock,
    floorMs: options.clockFloorMs ?? DEFAULTS.hardening.clockFloorMs,
    isSynchronised: options.requireSync ? () => kernelClockSynchronised(read) : null,
    onChange: (problem) =>
      problem
        ? log.warning(`${problem}: sending no time until that changes (refusals are counted)`)
        : log.notice("the clock is trusted again: serving"),
  });
}
