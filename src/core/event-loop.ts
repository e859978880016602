// A select() event loop in the shape of Python's selectors and Redis ae: register, unregister, tick, run.
import { FdSet, checkSelectableFd, selectFds } from "../../native/index.ts";

/** select()'s timeout when nothing is paused: the Python original's 1.0 s. */
export const IDLE_TIMEOUT_MS = 1000;

/** A registered fd; the key carries its own handler, so dispatch needs no second table. */
export interface SelectorKey {
  readonly fd: number;
  readonly onReadable: () => void;
  /** performance.now() until which the fd is left out of select (a back-off); 0 when active. */
  pausedUntil: number;
}

export interface LoopHooks {
  /** After a full idle timeout with no events (the original's "still waiting"). */
  onIdle?: () => void;
  /** Before every select(): the last chance to flush output before blocking. */
  beforeSleep?: () => void;
}

/** Under load, the longest the loop runs without yielding to Bun's event loop (plus the one tick that crosses it). */
export const YIELD_INTERVAL_MS = 1;

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

export class EventLoop {
  // A plain array walked by index: an idle tick allocates nothing, so the GC has no reason to wake.
  #keys: SelectorKey[] = [];
  readonly #master = new FdSet();
  readonly #ready = new FdSet();
  #nfds = 0;
  #paused = 0;
  #running = false;

  constructor(readonly hooks: LoopHooks = {}) {}

  register(fd: number, onReadable: () => void): SelectorKey {
    checkSelectableFd(fd);
    if (this.#keys.some((key) => key.fd === fd)) throw new Error(`fd ${fd} is already registered`);
    const key: SelectorKey = { fd, onReadable, pausedUntil: 0 };
    this.#keys = [...this.#keys, key];
    this.#master.add(fd);
    this.#nfds = Math.max(this.#nfds, fd + 1);
    return key;
  }

  /** The key registered for `fd`; throws for an fd that is not registered, as selectors' get_key does. */
  getKey(fd: number): SelectorKey {
    const key = this.#keys.find((k) => k.fd === fd);
    if (!key) throw new Error(`fd ${fd} is not registered`);
    return key;
  }

  /** Stop watching `fd` (the caller closes it). Throws for an fd that is not registered. */
  unregister(fd: number): void {
    const key = this.getKey(fd);
    if (key.pausedUntil !== 0) this.#paused--;
    // A new array, so a tick that is dispatching over the old one is not disturbed.
    this.#keys = this.#keys.filter((k) => k !== key);
    this.#master.delete(fd);
    this.#nfds = Math.max(0, ...this.#keys.map((k) => k.fd + 1));
  }

  /** Leave `fd` out of select() for `ms` (e.g. accept back-off on EMFILE) without unregistering it. Throws for an unknown fd. */
  pause(fd: number, ms: number): void {
    const key = this.getKey(fd);
    if (key.pausedUntil === 0) this.#paused++;
    key.pausedUntil = performance.now() + ms;
    this.#master.delete(fd);
  }

  /** The timeout for this select: 1 s, or less if a paused fd is due back sooner. Resumes due fds. */
  #armTimeout(): number {
    if (this.#paused === 0) return IDLE_TIMEOUT_MS;
    let timeout = IDLE_TIMEOUT_MS;
    const now = performance.now();
    for (const key of this.#keys) {
      if (key.pausedUntil === 0) continue;
      if (key.pausedUntil <= now) {
        key.pausedUntil = 0;
        this.#paused--;
        this.#master.add(key.fd);
      } else {
        timeout = Math.min(timeout, Math.ceil(key.pausedUntil - now));
      }
    }
    return timeout;
  }

  /**
   * One iteration, as Redis's aeProcessEvents: flush (beforeSleep), resume paused fds that are due,
   * then block in select() for up to IDLE_TIMEOUT_MS (less when a paused fd is due back sooner), then
   * call the handler of every readable fd, in registration order. A timeout of the full idle length
   * with no events calls onIdle. Blocks; never yields to Bun's event loop (run() does that).
   * Returns the number of ready fds: 0 on a timeout or when a signal interrupted select() (EINTR).
   */
  tick(): number {
    this.hooks.beforeSleep?.();
    const timeout = this.#armTimeout();
    this.#ready.copyFrom(this.#master); // select() rewrites its sets: hand it a scratch copy
    const ready = selectFds(this.#nfds, this.#ready, null, timeout);
    if (ready === null) return 0; // EINTR: a signal, no events
    if (ready === 0) {
      if (timeout === IDLE_TIMEOUT_MS) this.hooks.onIdle?.();
      return 0;
    }
    const keys = this.#keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (this.#ready.has(key.fd)) key.onReadable();
    }
    return ready;
  }

  /**
   * Tick until stop(), yielding a macrotask so signal handlers and timers run: at once whenever a
   * select() comes back with nothing (idle timeout, or EINTR: a signal whose handler is waiting), and
   * under load once YIELD_INTERVAL_MS have passed since the last yield rather than after every tick
   * (a yield costs about 0.6 us, a whole connection's JS about as much). The first yield comes before
   * any select(): run() returns to its caller at once, so the caller can install its signal handlers
   * first. A signal that lands in the few microseconds between Bun's signal poll in the yield and the
   * next select() is handled when that select returns, within 1 s.
   */
  async run(): Promise<void> {
    this.#running = true;
    while (this.#running) {
      await nextMacrotask();
      const yielded = performance.now();
      while (this.#running && this.tick() > 0 && performance.now() - yielded < YIELD_INTERVAL_MS);
    }
  }

  stop(): void {
    this.#running = false;
  }
}
