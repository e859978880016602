// A select() event loop in the shape of Python's selectors and Redis ae: register, unregister, write interest, timers, tick, run.
import {
  FdSet,
  checkSelectableFd,
  closeFd,
  drainWakePipe,
  openWakePipe,
  selectFds,
  type WakePipe,
} from "../../native/index.ts";

/** select()'s timeout when nothing is paused: the Python original's 1.0 s. */
export const IDLE_TIMEOUT_MS = 1000;

/** A registered fd; the key carries its own handler, so dispatch needs no second table. */
export interface SelectorKey {
  readonly fd: number;
  readonly onReadable: () => void;
  /** Called when the fd can take more bytes; null while nothing waits to be sent (see watchWritable). */
  onWritable: (() => void) | null;
  /** performance.now() until which the fd is left out of select (a back-off); 0 when active. */
  pausedUntil: number;
}

/** A one-shot callback at a performance.now() time; select() wakes for it (Redis ae's time events). */
export interface LoopTimer {
  readonly at: number;
  readonly run: () => void;
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
  /** The live key of each fd: dispatch checks it at the moment of the call, as Redis checks fe->mask. */
  readonly #byFd: (SelectorKey | undefined)[] = [];
  readonly #master = new FdSet();
  readonly #ready = new FdSet();
  readonly #writeMaster = new FdSet();
  readonly #writeReady = new FdSet();
  #writers = 0;
  #timers: LoopTimer[] = [];
  #nfds = 0;
  #paused = 0;
  #running = false;
  /** The self-pipe, opened by the first wakeFd() call. */
  #wake: WakePipe | null = null;
  /** A wake-up was read: run() yields at once, so the message that came with it is taken now. */
  #yieldNow = false;

  constructor(readonly hooks: LoopHooks = {}) {}

  register(fd: number, onReadable: () => void): SelectorKey {
    checkSelectableFd(fd);
    if (this.#byFd[fd]) throw new Error(`fd ${fd} is already registered`);
    const key: SelectorKey = { fd, onReadable, onWritable: null, pausedUntil: 0 };
    this.#keys = [...this.#keys, key];
    this.#byFd[fd] = key;
    this.#master.add(fd);
    this.#nfds = Math.max(this.#nfds, fd + 1);
    return key;
  }

  /** The key registered for `fd`; throws for an fd that is not registered, as selectors' get_key does. */
  getKey(fd: number): SelectorKey {
    const key = Number.isInteger(fd) ? this.#byFd[fd] : undefined;
    if (!key) throw new Error(`fd ${fd} is not registered`);
    return key;
  }

  /** Stop watching `fd` (the caller closes it). Throws for an fd that is not registered. */
  unregister(fd: number): void {
    const key = this.getKey(fd);
    if (key.pausedUntil !== 0) this.#paused--;
    this.watchWritable(fd, null);
    // A new array, so a tick that is dispatching over the old one is not disturbed.
    this.#keys = this.#keys.filter((k) => k !== key);
    this.#byFd[fd] = undefined;
    this.#master.delete(fd);
    this.#nfds = Math.max(0, ...this.#keys.map((k) => k.fd + 1));
  }

  /**
   * Call `onWritable` whenever `fd` can take more bytes (a reply that did not fit the send buffer at once),
   * until it is set back to null. The time services never need it: their replies are 4 bytes. Throws for an unknown fd.
   */
  watchWritable(fd: number, onWritable: (() => void) | null): void {
    const key = this.getKey(fd);
    if (key.onWritable === null && onWritable === null) return;
    if (key.onWritable === null) this.#writers++;
    if (onWritable === null) this.#writers--;
    key.onWritable = onWritable;
    if (onWritable) this.#writeMaster.add(fd);
    else this.#writeMaster.delete(fd);
  }

  /** Run `run` once, `ms` from now (a metrics client's request deadline); select() wakes for it. */
  setTimer(ms: number, run: () => void): LoopTimer {
    const timer: LoopTimer = { at: performance.now() + ms, run };
    this.#timers = [...this.#timers, timer];
    return timer;
  }

  /** Forget `timer` if it has not run yet. */
  clearTimer(timer: LoopTimer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
  }

  /** Run every timer that is due; the array is replaced, not edited, so a timer may set or clear others. */
  #runDueTimers(): void {
    if (this.#timers.length === 0) return;
    const now = performance.now();
    const due = this.#timers.filter((t) => t.at <= now);
    if (due.length === 0) return;
    this.#timers = this.#timers.filter((t) => t.at > now);
    for (const timer of due) timer.run();
  }

  /** Leave `fd` out of select() for `ms` (e.g. accept back-off on EMFILE) without unregistering it. Throws for an unknown fd. */
  pause(fd: number, ms: number): void {
    const key = this.getKey(fd);
    if (key.pausedUntil === 0) this.#paused++;
    key.pausedUntil = performance.now() + ms;
    this.#master.delete(fd);
  }

  /** The timeout for this select: 1 s, or less if a paused fd or a timer is due sooner. Resumes due fds. */
  #armTimeout(): number {
    if (this.#paused === 0 && this.#timers.length === 0) return IDLE_TIMEOUT_MS;
    let timeout = IDLE_TIMEOUT_MS;
    const now = performance.now();
    for (const timer of this.#timers) timeout = Math.min(timeout, Math.max(0, Math.ceil(timer.at - now)));
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
   * then block in select() for up to IDLE_TIMEOUT_MS (less when a paused fd or a timer is due sooner), then
   * call the handlers of every readable (and watched writable) fd, in registration order, then the due
   * timers. A timeout of the full idle length with no events calls onIdle. Blocks; never yields to Bun's
   * event loop (run() does that). Returns the number of ready fds: 0 on a timeout or when a signal
   * interrupted select() (EINTR).
   */
  tick(): number {
    this.hooks.beforeSleep?.();
    const timeout = this.#armTimeout();
    this.#ready.copyFrom(this.#master); // select() rewrites its sets: hand it a scratch copy
    const writable = this.#writers > 0 ? this.#writeReady : null;
    writable?.copyFrom(this.#writeMaster);
    const ready = selectFds(this.#nfds, this.#ready, writable, timeout);
    if (ready === 0 && timeout === IDLE_TIMEOUT_MS) this.hooks.onIdle?.();
    if (ready !== null && ready > 0) {
      const keys = this.#keys;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        // `keys` is the array as select() returned: a handler earlier in this pass may have unregistered
        // this key, and a new socket may already hold its fd number. Only the live key is called.
        if (this.#byFd[key.fd] !== key) continue;
        if (this.#ready.has(key.fd)) key.onReadable();
        // Read after onReadable: a handler that finished and unregistered its fd has cleared onWritable.
        if (writable !== null && key.onWritable !== null && writable.has(key.fd)) key.onWritable();
      }
    }
    this.#runDueTimers(); // after EINTR too: a signal must not postpone a deadline
    return ready ?? 0;
  }

  /**
   * Tick until stop(), yielding a macrotask so signal handlers and timers run: at once whenever a
   * select() comes back with nothing (idle timeout, or EINTR: a signal whose handler is waiting), and
   * under load once YIELD_INTERVAL_MS have passed since the last yield rather than after every tick
   * (a yield costs about as much as a whole connection's JS: bench/PROFILE.md). The first yield comes before
   * any select(): run() returns to its caller at once, so the caller can install its signal handlers
   * first. A signal that lands in the few microseconds between Bun's signal poll in the yield and the
   * next select() is handled when that select returns, within 1 s.
   */
  async run(): Promise<void> {
    this.#running = true;
    while (this.#running) {
      await nextMacrotask();
      this.#yieldNow = false;
      const yielded = performance.now();
      while (this.#running && this.tick() > 0 && !this.#yieldNow && performance.now() - yielded < YIELD_INTERVAL_MS);
    }
  }

  stop(): void {
    this.#running = false;
  }

  /**
   * The write end of the loop's self-pipe: a Worker writes a byte to it (native wakeLoop) after posting
   * a message, which ends the current select() at once and makes run() yield, so the message is taken
   * now rather than after the idle timeout (up to 1 s). Opened on first use; close() closes it.
   */
  wakeFd(): number {
    if (this.#wake === null) {
      const wake = openWakePipe();
      this.#wake = wake;
      this.register(wake.readFd, () => {
        drainWakePipe(wake.readFd);
        this.#yieldNow = true;
      });
    }
    return this.#wake.writeFd;
  }

  /** Close what the loop itself opened (the self-pipe); the registered sockets are their owners' to close. */
  close(): void {
    if (this.#wake === null) return;
    this.unregister(this.#wake.readFd);
    closeFd(this.#wake.readFd);
    closeFd(this.#wake.writeFd);
    this.#wake = null;
  }
}
