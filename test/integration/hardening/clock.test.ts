// Never a wrong time: an implausible or (with --require-sync) unsynchronised clock sends nothing, and says so once.
import { afterAll, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import { killAll, startServer, type ServerProcess } from "../../support/server-process.ts";
import { tcpTime } from "../../support/clients.ts";
import { runCommand } from "../../support/commands.ts";
import { readCounters } from "../../support/hardening.ts";
import { kernelClockProblem } from "../../support/kernel-clock.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** Poll the counters until `kind` reaches `count` (a refused datagram has no reply to wait for). */
async function waitForCount(server: ServerProcess, kind: string, count: number): Promise<number> {
  let seen = 0;
  while (seen < count) seen = (await readCounters(server))[kind] ?? 0;
  return seen;
}

async function sendDatagrams(port: number, count: number): Promise<void> {
  const socket = dgram.createSocket("udp4");
  for (let i = 0; i < count; i++)
    await new Promise((resolve) => socket.send(Buffer.alloc(0), port, "127.0.0.1", resolve));
  socket.close();
}

describe("--clock-floor", () => {
  test("while the clock reads before the floor, TCP clients are closed without data and datagrams get no reply; logged once", async () => {
    const server = await startServer(["--udp", "--clock-floor", "2999-01-01"]);
    for (let i = 0; i < 3; i++) {
      const reply = await tcpTime(server.port);
      expect({ close: reply.close, bytes: reply.bytes.length }).toEqual({ close: "end", bytes: 0 });
    }
    await sendDatagrams(server.port, 3);
    expect(await waitForCount(server, "refused_udp_clock", 3)).toBe(3);
    const counters = await readCounters(server);
    expect({
      tcp: counters.refused_tcp_clock,
      served: (counters.served_tcp ?? 0) + (counters.served_udp ?? 0),
    }).toEqual({ tcp: 3, served: 0 });
    expect(
      server.stderr.count(
        /the clock reads \d{4}-.*, before the clock floor 2999-01-01T00:00:00\.000Z: sending no time/,
      ),
    ).toBe(1);
  });

  test("the default floor (2024-01-01) lets today's clock serve", async () => {
    const server = await startServer();
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });
});

const clockProblem = kernelClockProblem();
if (clockProblem) console.log(`hardening-clock.test.ts: skipping the --require-sync test: ${clockProblem}`);

describe("--require-sync", () => {
  test.skipIf(clockProblem !== null)(
    "serves exactly when the kernel reports the clock synchronised (as Python's ntp_adjtime reads it)",
    async () => {
      const python = `import ctypes,struct;b=ctypes.create_string_buffer(208);r=ctypes.CDLL("libc.so.6").ntp_adjtime(b);print(int(r==5 or struct.unpack_from("i",b,40)[0]&0x40!=0))`;
      const unsynchronised = (await runCommand(["python3", "-c", python])).stdout.trim() === "1";
      console.log(
        `hardening-clock.test.ts: this kernel reports its clock ${unsynchronised ? "unsynchronised: testing the refusal" : "synchronised: testing that it serves"}`,
      );
      const server = await startServer(["--require-sync"]);
      const replies = [await tcpTime(server.port), await tcpTime(server.port)];
      expect(replies.map((reply) => reply.bytes.length)).toEqual(unsynchronised ? [0, 0] : [4, 4]);
      expect((await readCounters(server)).refused_tcp_clock ?? 0).toBe(unsynchronised ? 2 : 0);
      // The counters line follows any notice on stderr, so every notice has been read by now.
      const notices = server.stderr.count(
        /kernel reports the clock unsynchronised \(ntp_adjtime\), and --require-sync is on/,
      );
      expect(notices).toBe(unsynchronised ? 1 : 0);
    },
  );
});
