// The metrics endpoint's answer that does not fit the socket at once: the rest goes out as select() reports the socket writable.
import { afterAll, describe, expect, test } from "bun:test";
import { openMetricsListener, startMetricsServer } from "../../../src/metrics/metrics-server.ts";
import { handContext } from "../../support/hand-context.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** A client with a 4 KiB receive buffer that waits before reading: the server's first send() cannot take 1 MiB. */
const SLOW_READER = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /metrics HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
time.sleep(0.3)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
head, _, body = data.partition(b"\\r\\n\\r\\n")
print(head.split(b"\\r\\n")[0].decode(), len(body), body == b"x" * len(body))
`;

describe("a metrics answer larger than the socket takes", () => {
  test("arrives whole at a slow reader, sent in parts through write interest, while the loop keeps ticking", async () => {
    const { context, loop, counters, close } = handContext();
    const body = "x".repeat(1024 * 1024);
    const server = startMetricsServer(openMetricsListener({ host: "127.0.0.1", port: 0 }), context, () => ({
      contentType: "text/plain",
      body,
    }));
    try {
      const client = Bun.spawn(["python3", "-c", SLOW_READER, String(server.local.port)], {
        stdout: "pipe",
        stderr: "pipe",
      });
      let ticks = 0;
      while (client.exitCode === null) {
        loop.setTimer(20, () => {}); // each tick waits at most 20 ms, so the client's exit is noticed
        loop.tick();
        ticks++;
        await new Promise((resolve) => setImmediate(resolve)); // lets Bun see the child's output and exit
      }
      const out = await new Response(client.stdout).text();
      expect(await new Response(client.stderr).text()).toBe("");
      expect(out.trim()).toBe(`HTTP/1.1 200 OK ${body.length} True`);
      expect(ticks).toBeGreaterThan(2); // more than accept, read-and-first-send, one writable
      expect(counters.get("metrics_timeout")).toBe(0);
    } finally {
      server.close();
      close();
    }
  });
});
