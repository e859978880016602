// EventLoop.run() under constant readiness: it batches ticks between yields, yet timers still run and stop() still ends it.
import { afterEach, expect, test } from "bun:test";
import dgram from "node:dgram";
import { LINUX, bindSocket, closeFd, encodeSockaddr, openSocket, socketName } from "../native/index.ts";
import { EventLoop } from "../src/core/event-loop.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

let fd = -1;
afterEach(() => {
  if (fd >= 0) closeFd(fd);
  fd = -1;
});

/** A UDP socket with one datagram queued that nobody reads: readable on every select(), like a loop under load. */
async function alwaysReadable(): Promise<number> {
  fd = openSocket(LINUX.AF_INET, LINUX.SOCK_DGRAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC);
  bindSocket(fd, encodeSockaddr({ address: "127.0.0.1", port: 0 }));
  const client = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => client.send(Buffer.alloc(0), socketName(fd).port, "127.0.0.1", () => resolve()));
  client.close();
  return fd;
}

test("under constant readiness, timers and macrotasks run, and a stop() from a timer ends run()", async () => {
  const readable = await alwaysReadable();
  const loop = new EventLoop();
  let ticks = 0;
  loop.register(readable, () => void ticks++);
  let yields = 0;
  let counting = true;
  const countYields = () => {
    yields++;
    if (counting) setImmediate(countYields);
  };
  setImmediate(countYields);
  const running = loop.run();
  await new Promise<void>((resolve) => setTimeout(resolve, 50)); // a timer fires although select() never blocks
  loop.stop();
  counting = false;
  await running;
  expect(yields).toBeGreaterThan(2);
  // Many ticks per yield: the loop yields by elapsed time, not after every tick (which would give about 1).
  expect(ticks / yields).toBeGreaterThan(5);
});
