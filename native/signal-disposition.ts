// Signals set to SIG_IGN in the kernel: for those Bun's process.on cannot catch (real-time signals, SIGSTKFLT) and any a daemon should never wake for.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { checkInt } from "./checked-int.ts";

const SIG_IGN = 1;
const SIG_ERR = -1;
/** Linux's highest signal number (_NSIG - 1). */
const LAST_SIGNAL = 64;

/**
 * The real-time signals an application may use, as glibc reports them: 34 to 64 on Linux. glibc keeps
 * 32 (SIGCANCEL) and 33 (SIGSETXID, which setuid() in a threaded process signals every thread with) for
 * itself and moves SIGRTMIN past them; ignoring either would break thread cancellation or --user.
 */
export function realtimeSignals(): { first: number; last: number } {
  return { first: libc.__libc_current_sigrtmin(), last: libc.__libc_current_sigrtmax() };
}

/**
 * Set `signal` to SIG_IGN: the kernel discards it, so it neither ends the process nor interrupts
 * select(). Throws SyscallError("signal", EINVAL) for SIGKILL, SIGSTOP and glibc's own 32 and 33.
 * An ignored SIGSYS raised by seccomp itself still kills: the kernel resets it to default first.
 */
export function ignoreSignal(signal: number): void {
  checkInt("signal", signal, 1, LAST_SIGNAL);
  if (libc.signal(signal, SIG_IGN) === SIG_ERR) fail("signal");
}
