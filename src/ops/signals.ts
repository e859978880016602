// What each signal does to the server: every one whose default would end or stop the process either stops it gracefully or is ignored.
import { constants } from "node:os";
import { ignoreSignal, realtimeSignals } from "../../native/index.ts";

export interface SignalActions {
  /** Stop gracefully: the loop ends after the current batch, the log and the counters line are flushed, then exit `status`. */
  stop(status: number): void;
  /** Re-read the --config file (src/cli/config-reload.ts). */
  reload(): void;
  /** Write the counters line. */
  report(): void;
}

/**
 * How a signal is handled. "stop", "reload", "report": a JS handler (process.on) runs the action.
 * "ignore": SIG_IGN in the kernel, so it never wakes the loop. "runtime": the runtime's own, left alone.
 */
export type SignalHandling = "stop" | "reload" | "report" | "ignore" | "runtime";

export interface SignalRow {
  /** A name as in signal(7), or the real-time range. */
  signal: string;
  handling: SignalHandling;
  /** For "stop": the exit status. */
  status?: number;
  meaning: string;
}

/** The real-time range's row name: glibc's SIGRTMIN (34) to SIGRTMAX (64). */
const REALTIME = "SIGRTMIN..SIGRTMAX";

/**
 * Each signal's handling; --help prints this table and the README's "Signals" section says the same.
 * Not listed: SIGKILL and SIGSTOP (cannot be caught) and the signals whose default is to do nothing
 * (SIGCHLD, SIGCONT, SIGURG, SIGWINCH).
 */
export const SIGNALS: readonly SignalRow[] = [
  { signal: "SIGHUP", handling: "reload", meaning: "re-read the --config file; apply what needs no restart" },
  { signal: "SIGINT", handling: "stop", status: 0, meaning: "stop: flush the log and the counters line, exit 0" },
  { signal: "SIGTERM", handling: "stop", status: 0, meaning: "stop, as SIGINT" },
  // systemd and some supervisors send QUIT for a stop; a daemon that dumped core on it would lose the log.
  { signal: "SIGQUIT", handling: "stop", status: 0, meaning: "stop, as SIGINT (no core dump)" },
  // The kernel sends it once a second past the soft RLIMIT_CPU, then SIGKILL at the hard one: stop while we can.
  // Exit 1, not 0: a CPU limit is a failure, and Restart=on-failure should restart.
  { signal: "SIGXCPU", handling: "stop", status: 1, meaning: "CPU time limit reached: stop as SIGINT, but exit 1" },
  { signal: "SIGUSR1", handling: "report", meaning: "write the counters line and go on" },
  { signal: "SIGUSR2", handling: "ignore", meaning: "ignored" },
  { signal: "SIGPIPE", handling: "ignore", meaning: "ignored (a vanished peer or reader is an EPIPE error instead)" },
  { signal: "SIGALRM", handling: "ignore", meaning: "ignored" },
  { signal: "SIGVTALRM", handling: "ignore", meaning: "ignored" },
  { signal: "SIGPROF", handling: "ignore", meaning: "ignored" },
  { signal: "SIGIO", handling: "ignore", meaning: "ignored (also named SIGPOLL)" },
  // A daemon has no terminal to give back: job control must not freeze the time service.
  { signal: "SIGTSTP", handling: "ignore", meaning: "ignored: job control never stops the server" },
  { signal: "SIGTTIN", handling: "ignore", meaning: "ignored, as SIGTSTP" },
  { signal: "SIGTTOU", handling: "ignore", meaning: "ignored, as SIGTSTP" },
  // Ignored, a file size limit turns into EFBIG on the write: the log counts the lines as dropped.
  {
    signal: "SIGXFSZ",
    handling: "ignore",
    meaning: "ignored: a write past the file size limit fails and its lines count as dropped",
  },
  { signal: "SIGSYS", handling: "ignore", meaning: "ignored when sent; a seccomp filter's own SIGSYS still kills" },
  { signal: "SIGSTKFLT", handling: "ignore", meaning: "ignored" },
  { signal: REALTIME, handling: "ignore", meaning: "ignored (34..64; glibc's own 32 and 33 are left to glibc)" },
  // JSC suspends threads for the garbage collector with SIGPWR: its handler takes a stray one and goes on.
  { signal: "SIGPWR", handling: "runtime", meaning: "the runtime's (garbage collector); a sent one changes nothing" },
  // Faults (or sent as if): Bun's crash handler takes them, prints a crash report, and the process dies by the signal.
  {
    signal: "SIGSEGV",
    handling: "runtime",
    meaning: "a crash: crash report on stderr, exit 139; buffered lines and the counters line are lost",
  },
  { signal: "SIGBUS", handling: "runtime", meaning: "a crash, as SIGSEGV (exit 135)" },
  { signal: "SIGFPE", handling: "runtime", meaning: "a crash, as SIGSEGV (exit 136)" },
  { signal: "SIGILL", handling: "runtime", meaning: "a crash, as SIGSEGV (exit 132)" },
  { signal: "SIGABRT", handling: "runtime", meaning: "a crash, as SIGSEGV (exit 134)" },
  { signal: "SIGTRAP", handling: "runtime", meaning: "a crash, as SIGSEGV (exit 133)" },
];

/** The kernel's numbers for a row: one, or the real-time range. */
function signalNumbers(signal: string): number[] {
  if (signal !== REALTIME) return [constants.signals[signal as NodeJS.Signals]];
  const { first, last } = realtimeSignals();
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Install SIGNALS; call before the ready line, since whoever reads it may signal at once. */
export function installSignalHandlers(actions: SignalActions): void {
  for (const { signal, handling, status } of SIGNALS) {
    if (handling === "ignore") signalNumbers(signal).forEach(ignoreSignal);
    else if (handling === "stop") process.on(signal as NodeJS.Signals, () => actions.stop(status ?? 0));
    else if (handling !== "runtime") process.on(signal as NodeJS.Signals, () => actions[handling]());
  }
}

/** The signals section of --help. */
export function signalRows(): string[] {
  return SIGNALS.map(({ signal, meaning }) => `  ${signal.padEnd(19)}${meaning}`);
}
