// src/core/event-loop.ts: write interest and timers, on real sockets (a UDP socket is always writable, a bound one idle is never readable).
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { EventLoop } from "../src/core/event-loop.ts";
import { closeListeners, openListener, type Listener } from "../src/core/listeners.ts";
import { killAll } from "./support/server-process.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

let opened: Listener[] = [];
afterEach(() => {
  closeListeners(opened);
  opened = [];
});

function udpSocket(): number {
  const listener = openListener("udp", "127.0.0.1", 0, 1);
  opened.push(listener);
  return listener.fd;
}

describe("EventLoop write interest", () => {
  test("calls onWritable while watched, and no longer once set back to null", () => {
    const loop = new EventLoop();
    const fd = udpSocket();
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

  test("unregister drops the write interest too", () => {
    const loop = new EventLoop();
    const fd = udpSocket();
    let writable = 0;
    loop.register(fd, () => {});
    loop.watchWritable(fd, () => writable++);
    loop.unregister(fd);
    loop.setTimer(20, () => {});
    expect(loop.tick()).toBe(0);
    expect(writable).toBe(0);
  });
});

describe("EventLoop timers", () => {
  test("select() wakes for a timer sooner than the idle timeout: it runs, and the idle hook does not", () => {
    let idle = 0;
    const loop = new EventLoop({ onIdle: () => idle++ });
    loop.register(udpSocket(), () => {});
    const ran: string[] = [];
    loop.setTimer(30, () => ran.push("a"));
    loop.tick();
    expect(ran).toEqual(["a"]);
    expect(idle).toBe(0);
  });

  test("a cleared timer never runs; the others run once each, in one tick when due together", () => {
    const loop = new EventLoop();
    loop.register(udpSocket(), () => {});
    const ran: string[] = [];
    const cleared = loop.setTimer(10, () => ran.push("cleared"));
    loop.setTimer(10, () => ran.push("b"));
    loop.setTimer(10, () => ran.push("c"));
    loop.clearTimer(cleared);
    loop.tick();
    loop.setTimer(10, () => {});
    loop.tick();
    expect(ran).toEqual(["b", "c"]);
  });
});
