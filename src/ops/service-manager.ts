// systemd's service manager protocol (sd_notify(3), Type=notify): READY, RELOADING, STOPPING, STATUS and the watchdog's pings.
import { monotonicMicros, openNotifySocket, sendNotification } from "../../native/index.ts";
import { StartupError } from "../base/startup-error.ts";

/** How often STATUS= is refreshed without a watchdog: often enough for `systemctl status`, rarely enough to cost nothing. */
export const STATUS_INTERVAL_MS = 10_000;

export class ServiceManager {
  /** Ping interval: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises; null when no watchdog is armed for this process. */
  readonly watchdogMs: number | null;

  private constructor(
    readonly fd: number,
    watchdogUsec: number | null,
  ) {
    this.watchdogMs = watchdogUsec === null ? null : Math.max(1, Math.floor(watchdogUsec / 2000));
  }

  /**
   * The manager that started this process, or null when none asked to be told (no NOTIFY_SOCKET).
   * A NOTIFY_SOCKET that cannot be reached is a start-up error: the unit would time out waiting
   * for READY=1 and kill the server, so saying why at once is kinder.
   */
  static fromEnvironment(env: Record<string, string | undefined> = process.env): ServiceManager | null {
    const address = env.NOTIFY_SOCKET;
    if (!address) return null;
    let fd: number;
    try {
      fd = openNotifySocket(address);
    } catch (error) {
      throw new StartupError(`NOTIFY_SOCKET: ${(error as Error).message}`);
    }
    // WATCHDOG_PID names the process meant, so a child that inherited the variables does not ping for it.
    const forUs = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
    const usec = Number(env.WATCHDOG_USEC);
    return new ServiceManager(fd, forUs && Number.isSafeInteger(usec) && usec > 0 ? usec : null);
  }

  /** How often the loop should call heartbeat(): the watchdog's interval, or the status refresh without one. */
  get heartbeatMs(): number {
    return Math.min(this.watchdogMs ?? STATUS_INTERVAL_MS, STATUS_INTERVAL_MS);
  }

  /** Every listener is open: the unit is started. */
  ready(status: string): void {
    this.#send(`READY=1\nSTATUS=${status}`);
  }

  /** A reload begins (systemd 253 and later wait for READY=1 again; earlier ones show the status). */
  reloading(): void {
    this.#send(`RELOADING=1\nMONOTONIC_USEC=${monotonicMicros()}\nSTATUS=reloading the configuration`);
  }

  /** The stop has begun: systemd shows the unit as deactivating rather than failed-to-respond. */
  stopping(): void {
    this.#send("STOPPING=1\nSTATUS=stopping");
  }

  /** Called from the loop itself, so a stalled loop stops pinging and the watchdog restarts it. */
  heartbeat(status: string): void {
    this.#send(this.watchdogMs === null ? `STATUS=${status}` : `WATCHDOG=1\nSTATUS=${status}`);
  }

  #send(text: string): void {
    // A full queue loses this line only: the next state line or ping replaces it.
    sendNotification(this.fd, text.replaceAll("\0", ""));
  }
}
