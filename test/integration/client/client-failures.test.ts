// The client fails with one clear line and exit 1 on refusal, timeout, and any reply that is not exactly 4 bytes.
import { afterAll, expect, test } from "bun:test";
import { killAll } from "../../support/server-process.ts";
import { runClient } from "../../support/client-process.ts";
import { closedTcpPort, closedUdpPort } from "../../support/ports.ts";
import { scriptedTcpServer, scriptedUdpServer, type Script } from "../../support/scripted-servers.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** A timeout short enough to keep the suite quick; the tests assert the message, never how long it took. */
const TIMEOUT = ["--timeout", "0.5"];
/** `n` bytes of filler: the client must judge the size, whatever the content. */
const bytes = (n: number) => Buffer.alloc(n, 0xab);

test.each<["tcp" | "udp", string, Script, string]>([
  ["tcp", "sends 3 bytes, then closes", { send: bytes(3), close: true }, "short reply: 3 bytes, expected exactly 4"],
  [
    "tcp",
    "sends 5 bytes, then closes",
    { send: bytes(5), close: true },
    "long reply: more than 4 bytes, expected exactly 4",
  ],
  [
    "tcp",
    "closes without sending anything",
    { send: bytes(0), close: true },
    "the server closed without sending anything, expected exactly 4 bytes",
  ],
  [
    "tcp",
    "sends 4 bytes and never closes",
    { send: bytes(4), close: false },
    "the server sent 4 bytes and did not close within 0.5 s",
  ],
  ["tcp", "accepts and never answers", "silent", "no reply within 0.5 s"],
  [
    "udp",
    "answers with a 3-byte datagram",
    { send: bytes(3), close: false },
    "short reply: a 3-byte datagram, expected exactly 4 bytes",
  ],
  [
    "udp",
    "answers with a 5-byte datagram",
    { send: bytes(5), close: false },
    "long reply: a 5-byte datagram, expected exactly 4 bytes",
  ],
  [
    "udp",
    "answers with an empty datagram",
    { send: bytes(0), close: false },
    "short reply: a 0-byte datagram, expected exactly 4 bytes",
  ],
  [
    "udp",
    "never answers (unlike Debian's rdate -u, the client times out)",
    "silent",
    "no reply within 0.5 s (UDP: the request or the reply may have been lost)",
  ],
])("over %s, a server that %s", async (transport, _, script, message) => {
  const server = await (transport === "tcp" ? scriptedTcpServer : scriptedUdpServer)(script);
  const run = await runClient([
    "127.0.0.1",
    "--port",
    String(server.port),
    ...(transport === "udp" ? ["--udp"] : []),
    ...TIMEOUT,
  ]);
  await server.close();
  expect(run).toEqual({
    code: 1,
    stdout: [],
    stderr: [`rfc868-client: 127.0.0.1 port ${server.port} (${transport}): ${message}`],
  });
});

test.each([
  ["tcp", closedTcpPort, [], "connection refused (nothing listens on that port)"],
  ["udp", closedUdpPort, ["--udp"], "refused: port unreachable (no UDP service on that port)"],
] as const)("over %s, a port nothing listens on is refused", async (transport, closedPort, flags, message) => {
  const port = await closedPort();
  const run = await runClient(["127.0.0.1", "--port", String(port), ...flags]);
  expect(run).toEqual({
    code: 1,
    stdout: [],
    stderr: [`rfc868-client: 127.0.0.1 port ${port} (${transport}): ${message}`],
  });
});
