// EventLoop driven by hand with real loopback sockets: dispatch, pause and resume, unregister, the idle and flush hooks, write interest, timers; run() under constant readiness.
import { afterEach, describe, expect, test } from "bun:test";
import {
  LINUX,
  bindSocket,
  closeFd,
  encodeSockaddr,
  openSocket,
  receiveBytes,
  sendBytes,
  socketName,
  startConnect,
  wakeLoop,
} from "../../../native/index.ts";
import { EventLoop, IDLE_TIMEOUT_MS } from "../../../src/core/event-loop.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) closeFd(fd);
});

/** A non-blocking UDP socket on 127.0.0.1, and a connected sender that puts a datagram in its queue. */
function udpPair(): { fd: number; send: () => void } {
  const type = LINUX.SOCK_DGRAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC;
  const fd = openSocket(LINUX.AF_INET, type);
  opened.push(fd);
  bindSocket(fd, encodeSockaddr({ address: "127.0.0.1", port: 0 }));
  const sender = openSocket(LINUX.AF_INET, type);
  opened.push(sender);
  startConnect(sender, encodeSockaddr({ address: "127.0.0.1", port: socketName(fd).port }));
  return { fd, send: () => void sendBytes(sender, new Uint8Array(new ArrayBuffer(1)), 0) };
}

/** A handler that drains the socket and counts its calls. */
function drainingHandler(fd: number): { calls: number; onReadable: () => void } {
  const buffer = new Uint8Array(new ArrayBuffer(16));
  const handler = {
    calls: 0,
    onReadable: () => {
      handler.calls++;
      while (receiveBytes(fd, buffer, 0) !== null);
    },
  };
  return handler;
}

describe("EventLoop.tick()", () => {
  test("dispatches a readable fd to its key's handler once, and returns the number of ready fds", () => {
    const a = udpPair();
    const b = udpPair();
    const loop = new EventLoop();
    const onA = drainingHandler(a.fd);
    const onB = drainingHandler(b.fd);
    loop.register(a.fd, onA.onReadable);
    loop.register(b.fd, onB.onReadable);
    a.send();
    expect(loop.tick()).toBe(1);
    expect([onA.calls, onB.calls]).toEqual([1, 0]);
    a.send();
    b.send();
    expect(loop.tick()).toBe(2);
    expect([onA.calls, onB.calls]).toEqual([2, 1]);
  });

  test("a full idle timeout with no events calls onIdle and returns 0; beforeSleep runs before every select", () => {
    const a = udpPair();
    const hooks = { idle: 0, sleeps: 0 };
    const loop = new EventLoop({ onIdle: () => hooks.idle++, beforeSleep: () => hooks.sleeps++ });
    loop.register(a.fd, drainingHandler(a.fd).onReadable);
    const started = performance.now();
    expect(loop.tick()).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 10);
    expect(hooks).toEqual({ idle: 1, sleeps: 1 });
    a.send();
    expect(loop.tick()).toBe(1);
    expect(hooks).toEqual({ idle: 1, sleeps: 2 });
  });

  test("a paused fd is left out of select until its pause ends, without an idle call; then it is dispatched", () => {
    const a = udpPair();
    let idle = 0;
    const loop = new EventLoop({ onIdle: () => idle++ });
    const onA = drainingHandler(a.fd);
    loop.register(a.fd, onA.onReadable);
    a.send();
    loop.pause(a.fd, 50);
    // The pending datagram does not wake select(): the tick times out when the pause is due.
    expect(loop.tick()).toBe(0);
    expect(onA.calls).toBe(0);
    expect(idle).toBe(0);
    while (loop.tick() === 0); // a shorter-than-asked select() may end a tick a moment early
    expect(onA.calls).toBe(1);
  });

  test("an unregistered fd is no longer dispatched; unknown fds raise, as selectors' do", () => {
    const a = udpPair();
    const b = udpPair();
    const loop = new EventLoop();
    const onA = drainingHandler(a.fd);
    loop.register(a.fd, onA.onReadable);
    loop.register(b.fd, drainingHandler(b.fd).onReadable);
    expect(() => loop.register(a.fd, onA.onReadable)).toThrow(`fd ${a.fd} is already registered`);
    loop.unregister(a.fd);
    a.send();
    b.send();
    expect(loop.tick()).toBe(1);
    expect(onA.calls).toBe(0);
    expect(() => loop.unregister(a.fd)).toThrow(`fd ${a.fd} is not registered`);
    expect(() => loop.pause(a.fd, 10)).toThrow(`fd ${a.fd} is not registered`);
    expect(loop.getKey(b.fd).fd).toBe(b.fd);
  });
  test("a key unregistered during a tick is not dispatched later in that tick, even when its fd number is reused at once", () => {
    const a = udpPair();
    const b = udpPair();
    const loop = new EventLoop();
    const oldB = drainingHandler(b.fd);
    let reused: { fd: number; calls: number } | null = null;
    // a's handler ends b and registers a new socket, which gets b's fd number back (the lowest free one).
    loop.register(a.fd, () => {
      drainingHandler(a.fd).onReadable();
      loop.unregister(b.fd);
      closeFd(opened.splice(opened.indexOf(b.fd), 1)[0]!);
      const fd = openSocket(LINUX.AF_INET, LINUX.SOCK_DGRAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC);
      opened.push(fd);
      const key = { fd, calls: 0 };
      reused = key;
      loop.register(fd, () => key.calls++);
    });
    loop.register(b.fd, oldB.onReadable);
    a.send();
    b.send();
    expect(loop.tick()).toBe(2);
    expect(reused!.fd).toBe(b.fd); // the case this test is about: the number came back
    // b was ready when select() returned, but it was gone before its turn: neither its old handler nor the new socket's runs.
    expect([oldB.calls, reused!.calls]).toEqual([0, 0]);
  });
});

describe("EventLoop write interest", () => {
  test("calls onWritable while watched, and no longer once set back to null", () => {
    const { fd } = udpPair();
    const loop = new EventLoop();
    let readable = 0;
    let writable = 0;
    loop.register(fd, () => readable++);
    loop.watchWritable(fd, () => writable++);
    expect(loop.tick()).toBe(1);
    expect(writable).toBe(1);
    loop.watchWritable(fd, null);
    let woke = false;
    loop.setTimer(20, () => (woke = true)); // bounds the tick, which has no fd to report
    expect(loop.tick()).toBe(0);
    expect(woke).toBe(true);
    expect([readable, writable]).toEqual([0, 1]);
  });

  test("unregister drops the write interest too; an unknown fd raises", () => {
    const { fd } = udpPair();
    const loop = new EventLoop();
    let writable = 0;
    loop.register(fd, () => {});
    loop.watchWritable(fd, () => writable++);
    loop.unregister(fd);
    expect(() => loop.watchWritable(fd, () => writable++)).toThrow(`fd ${fd} is not registered`);
    loop.setTimer(20, () => {});
    expect(loop.tick()).toBe(0);
    expect(writable).toBe(0);
  });
});

describe("EventLoop timers", () => {
  test("select() wakes for a timer sooner than the idle timeout: it runs, and the idle hook does not", () => {
    const { fd } = udpPair();
    let idle = 0;
    const loop = new EventLoop({ onIdle: () => idle++ });
    loop.register(fd, () => {});
    const ran: string[] = [];
    loop.setTimer(30, () => ran.push("a"));
    while (ran.length === 0) expect(loop.tick()).toBe(0); // a shorter-than-asked select() may end a tick a moment early
    expect(ran).toEqual(["a"]);
    expect(idle).toBe(0);
  });

  test("a cleared timer never runs; the others run once each", () => {
    const { fd } = udpPair();
    const loop = new EventLoop();
    loop.register(fd, () => {});
    const ran: string[] = [];
    const cleared = loop.setTimer(10, () => ran.push("cleared"));
    loop.setTimer(10, () => ran.push("b"));
    loop.setTimer(10, () => ran.push("c"));
    loop.clearTimer(cleared);
    let last = false;
    loop.setTimer(40, () => (last = true));
    while (!last) loop.tick();
    expect(ran).toEqual(["b", "c"]);
  });
});

describe("EventLoop self-pipe", () => {
  test("a byte on wakeFd() ends select() at once, even written before the tick; many wake-ups are one event; close() closes both ends", () => {
    let idle = 0;
    const loop = new EventLoop({ onIdle: () => idle++ });
    const fd = loop.wakeFd();
    expect(loop.wakeFd()).toBe(fd); // one pipe per loop
    for (let i = 0; i < 3; i++) wakeLoop(fd);
    const started = performance.now();
    expect(loop.tick()).toBe(1);
    expect(performance.now() - started).toBeLessThan(IDLE_TIMEOUT_MS / 2);
    // All three were read by that one turn: the next tick waits the full idle timeout.
    expect(loop.tick()).toBe(0);
    expect(idle).toBe(1);
    loop.close();
    expect(() => closeFd(fd)).toThrow("EBADF");
  });

  test("run() yields as soon as a Worker's wake-up arrives, so its message is taken at once rather than after the idle second", async () => {
    const loop = new EventLoop();
    const fd = loop.wakeFd();
    const worker = new Worker(
      URL.createObjectURL(
        new Blob(
          [
            `
      import { wakeLoop } from ${JSON.stringify(new URL("../../../native/index.ts", import.meta.url).href)};
      self.onmessage = ({ data }) => { self.postMessage("done"); wakeLoop(data); };
    `,
          ],
          { type: "application/typescript" },
        ),
      ),
    );
    try {
      const running = loop.run();
      // Let run() reach select(): with nothing registered but the pipe, it sleeps there for up to a second.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sent = performance.now();
      const answered = new Promise<number>((resolve) => (worker.onmessage = () => resolve(performance.now() - sent)));
      worker.postMessage(fd);
      const took = await answered;
      loop.stop();
      wakeLoop(fd);
      await running;
      expect(took).toBeLessThan(IDLE_TIMEOUT_MS / 2);
    } finally {
      worker.terminate();
      loop.close();
    }
  });
});

describe("EventLoop.run()", () => {
  test("under constant readiness it runs many ticks per yield, yet timers run and a stop() from a timer ends it", async () => {
    // A datagram nobody reads: the fd is readable on every select(), like a listener under load.
    const a = udpPair();
    a.send();
    const loop = new EventLoop();
    let ticks = 0;
    loop.register(a.fd, () => void ticks++);
    let yields = 0;
    let counting = true;
    const countYields = () => {
      yields++;
      if (counting) setImmediate(countYields);
    };
    setImmediate(countYields);
    const running = loop.run();
    await new Promise<void>((resolve) => setTimeout(resolve, 50)); // fires although select() never blocks
    loop.stop();
    counting = false;
    await running;
    expect(yields).toBeGreaterThan(2);
    // Yielding after every tick would give about 1 tick per yield; by elapsed time it is many.
    expect(ticks / yields).toBeGreaterThan(5);
  });
});
