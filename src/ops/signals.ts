// What each signal an operator or a tool may send means: none ends the process without its last log lines and the counters line.

export interface SignalActions {
  /** Stop gracefully: the loop ends after the current batch, the log and the counters line are flushed, exit 0. */
  stop(): void;
  /** Re-read the --config file (src/cli/config-reload.ts). */
  reload(): void;
  /** Write the counters line. */
  report(): void;
}

/** Each signal's meaning; --help and the README print this table. A signal without an action is caught and ignored. */
export const SIGNALS: readonly { signal: NodeJS.Signals; action: keyof SignalActions | null; meaning: string }[] = [
  { signal: "SIGHUP", action: "reload", meaning: "re-read the --config file; apply what needs no restart" },
  { signal: "SIGINT", action: "stop", meaning: "stop: flush the log and the counters line, exit 0" },
  { signal: "SIGTERM", action: "stop", meaning: "stop, as SIGINT" },
  // systemd and some supervisors send QUIT for a stop; a daemon that dumped core on it would lose the log.
  { signal: "SIGQUIT", action: "stop", meaning: "stop, as SIGINT (no core dump)" },
  { signal: "SIGUSR1", action: "report", meaning: "write the counters line and go on" },
  { signal: "SIGUSR2", action: null, meaning: "ignored" },
  { signal: "SIGPIPE", action: null, meaning: "ignored (a vanished peer or reader is an EPIPE error instead)" },
  { signal: "SIGALRM", action: null, meaning: "ignored" },
];

const ignore = () => {};

/** Catch every signal in SIGNALS; call before the ready line, since whoever reads it may signal at once. */
export function installSignalHandlers(actions: SignalActions): void {
  for (const { signal, action } of SIGNALS) process.on(signal, action === null ? ignore : () => actions[action]());
}

/** The signals section of --help. */
export function signalRows(): string[] {
  return SIGNALS.map(({ signal, meaning }) => `  ${signal.padEnd(9)}${meaning}`);
}
