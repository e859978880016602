// The TCP service end to end: a spawned server on loopback port 0, answered by node:net clients.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

describe("TCP time service", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });

  test("answers a node:net client with exactly 4 bytes, the current time, then a clean EOF", async () => {
    const before = Date.now();
    const reply = await tcpTime(server.port);
    const after = Date.now();
    expect(reply.close).toBe("end");
    expect(reply.bytes.length).toBe(4);
    const seconds = unixSecondsOf(reply.bytes);
    expect(seconds).toBeGreaterThanOrEqual(Math.floor(before / 1000) - 1);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(after / 1000) + 1);
  });

  test("answers 200 concurrent clients, every one with a valid stamp", async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, () => tcpTime(server.port)));
    const now = Date.now() / 1000;
    for (const reply of replies) {
      expect(reply.close).toBe("end");
      expectNearNow(unixSecondsOf(reply.bytes));
    }
  });

  test("logs each connection with the client's real address and port, in Python's tuple form", async () => {
    const net = await import("node:net");
    const localPort = await new Promise<number>((resolve, reject) => {
      const socket = net.connect({ port: server.port, host: "127.0.0.1" }, () => resolve(socket.localPort!));
      socket.on("error", reject);
      socket.resume();
    });
    const line = await server.stdout.waitFor(new RegExp(`^connection from \\('127\\.0\\.0\\.1', ${localPort}\\)$`));
    expect(line).toBe(`connection from ('127.0.0.1', ${localPort})`);
  });

  test("prints 'still waiting' while idle", async () => {
    const line = await server.stdout.waitFor(/^still waiting$/);
    expect(line).toBe("still waiting");
  });

  test("SIGTERM closes the listener and exits 0", async () => {
    const code = await server.stop("SIGTERM");
    expect(code).toBe(0);
    const reply = await tcpTime(server.port);
    expect(reply.close).toBe("ECONNREFUSED");
  });
});
