// The UDP service end to end: datagrams of every size answered once, many sockets, rdate -u, toggles, floods.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { killAll, spawnServer, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime, udpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** Every message a UDP socket receives, and a way to wait for the next one. */
function openUdpClient(type: "udp4" | "udp6" = "udp4") {
  const socket = dgram.createSocket(type);
  const received: Buffer[] = [];
  let waiting: ((message: Buffer) => void) | null = null;
  socket.on("message", (message) => {
    received.push(message);
    waiting?.(message);
    waiting = null;
  });
  return {
    socket,
    received,
    next: () => new Promise<Buffer>((resolve) => (waiting = resolve)),
    close: () => socket.close(),
  };
}

/** The error a connected UDP socket gets when nothing listens on the port (ICMP port unreachable). */
function udpRefusal(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    socket.on("error", (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code ?? error.message);
    });
    socket.on("message", () => {
      socket.close();
      resolve("answered");
    });
    socket.connect(port, host, () => socket.send(Buffer.alloc(0)));
  });
}

describe("UDP time service", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(["--udp"]);
  });

  for (const size of [0, 1, 65507]) {
    test(`answers a ${size}-byte datagram with exactly one 4-byte stamp`, async () => {
      const client = openUdpClient();
      const reply = client.next();
      client.socket.send(Buffer.alloc(size, 0x61), server.port, "127.0.0.1");
      expectNearNow(unixSecondsOf(await reply));
      // The server answers datagrams in arrival order: once a later request is answered, a duplicate would be here.
      await udpTime(server.port);
      expect(client.received.length).toBe(1);
      client.close();
    });
  }

  test("logs each datagram with the client's address and port", async () => {
    const client = openUdpClient();
    const reply = client.next();
    client.socket.send(Buffer.alloc(0), server.port, "127.0.0.1");
    await reply;
    const port = client.socket.address().port;
    expect(await server.stdout.waitFor(new RegExp(`^datagram from \\('127\\.0\\.0\\.1', ${port}\\)$`))).not.toBe("");
    client.close();
  });

  test("answers 1,000 datagrams from 50 sockets, every one", async () => {
    const perSocket = 20;
    const counts = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const client = openUdpClient();
        for (let i = 0; i < perSocket; i++) {
          const reply = client.next();
          client.socket.send(Buffer.alloc(i % 2), server.port, "127.0.0.1");
          unixSecondsOf(await reply);
        }
        client.close();
        return client.received.length;
      }),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  test("serves TCP clients while a UDP flood runs", async () => {
    // The flood runs in its own process so that it keeps going while this one waits on TCP replies.
    const flood = Bun.spawn(["python3", "-c", FLOOD, String(server.port)], { stdout: "pipe", stderr: "inherit" });
    const reader = flood.stdout.getReader();
    await reader.read(); // "flooding": the flooder has had a reply, so the server is under load
    const replies = await Promise.all(Array.from({ length: 20 }, () => tcpTime(server.port)));
    expect(flood.exitCode).toBeNull(); // still flooding when the last TCP reply came
    flood.kill("SIGKILL");
    await flood.exited;
    for (const reply of replies) {
      expect(reply.close).toBe("end");
      expectNearNow(unixSecondsOf(reply.bytes));
    }
  });
});

/** Python flooder: 4 sockets, non-blocking sends, bounded at 30 s / 2,000,000 datagrams. */
const FLOOD = `
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(4)]
socks[0].settimeout(5)
socks[0].sendto(b"", ("127.0.0.1", port)); socks[0].recvfrom(16)
for s in socks: s.setblocking(False)
print("flooding", flush=True)
end, sent = time.time() + 30, 0
while time.time() < end and sent < 2000000:
    for s in socks:
        try:
            s.sendto(b"x", ("127.0.0.1", port)); sent += 1
            s.recvfrom(16)
        except (BlockingIOError, ConnectionRefusedError):
            pass
`;

describe("TCP and UDP toggles", () => {
  test("by default UDP is off: a datagram is refused by the kernel, TCP answers", async () => {
    const server = await startServer();
    expect(await udpRefusal(server.port)).toBe("ECONNREFUSED");
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });

  test("--no-tcp --udp serves only UDP", async () => {
    const server = await startServer(["--no-tcp", "--udp"]);
    expect((await tcpTime(server.port)).close).toBe("ECONNREFUSED");
    expect((await udpTime(server.port)).length).toBe(4);
  });

  test("--no-tcp alone is refused with one line", async () => {
    const { proc, stderr } = spawnServer(["--port", "0", "--no-tcp"]);
    expect(await proc.exited).toBe(2);
    await stderr.ended();
    expect(stderr.all.filter(Boolean)).toEqual(["rfc868: --no-tcp without --udp leaves nothing to serve"]);
  });
});

describe("rdate -u", () => {
  const rdate = Bun.which("rdate");
  test.skipIf(!rdate)("Debian's rdate -p -u reads the time over UDP", async () => {
    const server = await startServer(["--udp", "--no-tcp"]);
    const run = Bun.spawn([rdate!, "-p", "-u", "-o", String(server.port), "127.0.0.1"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, out, err] = await Promise.all([
      run.exited,
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
    ]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const shown = Date.parse(out.replace(/^rdate: \[[^\]]*\]\s*/, "").trim());
    expect(Math.abs(shown - Date.now())).toBeLessThanOrEqual(5000);
  });
  if (!rdate) console.log("skipping rdate -u: rdate is not installed (CI installs it with apt-get)");
});
