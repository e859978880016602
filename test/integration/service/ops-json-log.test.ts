// --log json: one JSON object per event with an ISO-8601 time and the peer; the seed format stays the default.
import { afterAll, describe, expect, test } from "bun:test";
import net from "node:net";
import dgram from "node:dgram";
import type { SocketAddress } from "../../../native/index.ts";
import { OutputBuffer } from "../../../src/logging/output-buffer.ts";
import { jsonFormat } from "../../../src/logging/json-format.ts";
import { Log } from "../../../src/logging/log.ts";
import type { LogFormat } from "../../../src/logging/log-format.ts";
import { seedFormat } from "../../../src/logging/seed-format.ts";
import { killAll, runServer, spawnServer } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const ISO_8601_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** The local port a TCP client connected from, once the server has answered and closed. */
function tcpClientPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.on("connect", () => {
      const local = socket.localPort!;
      socket.on("close", () => resolve(local));
    });
    socket.on("error", reject);
    socket.resume();
  });
}

/** The local port a UDP client sent from, once its reply came. */
function udpClientPort(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.on("message", () => {
      const local = socket.address().port;
      socket.close();
      resolve(local);
    });
    socket.send(Buffer.alloc(0), port, "127.0.0.1");
  });
}

describe("--log json", () => {
  test("writes the listening, connection and datagram events as JSON lines with the time and the peer's address and port", async () => {
    const { stdout } = spawnServer(["--host", "127.0.0.1", "--port", "0", "--udp", "--log", "json"]);
    const listening = JSON.parse(await stdout.waitFor(/"event":"listening"/));
    expect(listening).toEqual({
      time: expect.stringMatching(ISO_8601_UTC),
      level: "notice",
      event: "listening",
      port: expect.any(Number),
    });
    expect(Math.abs(Date.parse(listening.time) - Date.now())).toBeLessThanOrEqual(60_000);

    const tcpPort = await tcpClientPort(listening.port);
    const udpPort = await udpClientPort(listening.port);
    const connection = JSON.parse(await stdout.waitFor(new RegExp(`"event":"connection".*"peer_port":${tcpPort}\\b`)));
    expect(connection).toEqual({
      time: expect.stringMatching(ISO_8601_UTC),
      level: "info",
      event: "connection",
      transport: "tcp",
      peer_address: "127.0.0.1",
      peer_port: tcpPort,
    });
    const datagram = JSON.parse(await stdout.waitFor(new RegExp(`"event":"datagram".*"peer_port":${udpPort}\\b`)));
    expect(datagram).toEqual({
      time: expect.stringMatching(ISO_8601_UTC),
      level: "info",
      event: "datagram",
      transport: "udp",
      peer_address: "127.0.0.1",
      peer_port: udpPort,
    });

    // Every line so far is one JSON object: nothing in the seed format slipped through.
    for (const line of stdout.all) expect(JSON.parse(line)).toHaveProperty("event");
  });

  test("an unknown format is a usage error with one line", async () => {
    const run = await runServer(["--port", "0", "--log", "xml"]);
    expect(run.code).toBe(2);
    expect(run.stderr.filter(Boolean)).toEqual(['rfc868: --log: unknown value "xml" (one of seed, json)']);
  });
});

describe("jsonFormat", () => {
  const at = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
  const format = jsonFormat(() => at);
  const v6: SocketAddress = { family: "IPv6", address: "::1", port: 5353, flowinfo: 0, scopeId: 0 };

  test("gives refusals and notices their fields, IPv6 peers as plain addresses", () => {
    expect(JSON.parse(format.refused("udp", v6, "rate limit"))).toEqual({
      time: "2030-01-02T03:04:05.678Z",
      level: "warning",
      event: "refused",
      transport: "udp",
      peer_address: "::1",
      peer_port: 5353,
      reason: "rate limit",
    });
    expect(JSON.parse(format.notice('tcp client: "quoted"\nsecond line', "warning"))).toEqual({
      time: "2030-01-02T03:04:05.678Z",
      level: "warning",
      event: "notice",
      message: 'tcp client: "quoted"\nsecond line',
    });
    expect(JSON.parse(format.notice("reload failed on an internal error", "error"))).toMatchObject({
      level: "error",
      event: "error",
    });
    // JSON.stringify escapes the newline: one event stays one line.
    expect(format.notice("a\nb", "notice")).not.toContain("\n");
  });

  test("leaves the idle heartbeat out, where the seed format says still waiting", () => {
    /** The lines an idle event writes in `logFormat`, caught before any reaches a real fd. */
    const idleLines = (logFormat: LogFormat) => {
      const written: string[] = [];
      const out = new OutputBuffer(1);
      out.line = (text) => void written.push(text);
      new Log({ out, err: out, format: logFormat }).idle();
      return written;
    };
    expect(idleLines(format)).toEqual([]);
    expect(idleLines(seedFormat)).toEqual(["still waiting"]);
  });
});
