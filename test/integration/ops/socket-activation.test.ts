// systemd socket activation: the server serves sockets passed as fd 3 onwards (LISTEN_FDS / LISTEN_PID) instead of binding.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, readlinkSync } from "node:fs";
import { LINUX, closeFd, getSocketOption, openSocket } from "../../../native/index.ts";
import { adoptSocket, takeListenFds, type Environment } from "../../../src/ops/socket-activation.ts";
import { killAll, spawnTracked, serverCommand, startServer } from "../../support/server-process.ts";
import { activationWrapper, type PassedFd } from "../../support/activation.ts";
import { tcpTime, udpTime, unixSecondsOf, expectNearNow } from "../../support/clients.ts";
import { closedTcpPort } from "../../support/ports.ts";
import { findCommand } from "../../support/commands.ts";
import { unshareNetProblem } from "../../support/netns.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** O_CLOEXEC as /proc/PID/fdinfo reports FD_CLOEXEC in its flags (octal). */
const O_CLOEXEC = 0o2000000;

function expectCurrent(reply: Buffer): void {
  expectNearNow(unixSecondsOf(reply));
}

/** Start the server behind the wrapper; its own flags ask for a different port (0), which it must not bind. */
async function activated(fds: PassedFd[], host = "127.0.0.1", via: string[] = []) {
  const port = await closedTcpPort();
  const server = await startServer(["--host", host, "--port", "0"], {}, activationWrapper(fds, { host, port, via }));
  return { server, port };
}

/** A wrapped server that is expected to exit by itself: its exit code and stderr lines. */
async function failedStart(fds: PassedFd[]) {
  const { proc, stderr } = spawnTracked([...activationWrapper(fds, { port: 0 }), ...serverCommand(["--port", "0"])]);
  const code = await proc.exited;
  await stderr.ended();
  return { code, stderr: stderr.all.filter(Boolean) };
}

describe("an activated server", () => {
  test("serves the passed TCP and UDP sockets (fd 3 and 4) on their port, not --port, and without --udp", async () => {
    const { server, port } = await activated(["tcp", "udp"]);
    expect(server.port).toBe(port);
    const reply = await tcpTime(port);
    expect(reply.close).toBe("end");
    expectCurrent(reply.bytes);
    expectCurrent(await udpTime(port));
    expect(await server.stdout.waitFor(/^connection from \('127\.0\.0\.1', \d+\)$/)).not.toBe("");
    expect(await server.stdout.waitFor(/^datagram from \('127\.0\.0\.1', \d+\)$/)).not.toBe("");
  });

  test("tells IPv6 from IPv4 by the socket itself: a passed ::1 socket logs 4-tuples", async () => {
    const { server, port } = await activated(["udp", "tcp"], "::1");
    expect((await tcpTime(port, "::1")).bytes.length).toBe(4);
    expectCurrent(await udpTime(port, "::1"));
    expect(await server.stdout.waitFor(/^connection from \('::1', \d+, 0, 0\)$/)).not.toBe("");
  });

  test("binds as usual when LISTEN_PID names another process", async () => {
    const passedPort = await closedTcpPort();
    const server = await startServer([], {}, activationWrapper(["tcp"], { port: passedPort, listenPid: process.pid }));
    expect(server.port).not.toBe(passedPort);
    expect((await tcpTime(server.port)).bytes.length).toBe(4);
  });

  const unshareProblem = unshareNetProblem();
  if (unshareProblem)
    console.log(`ops-socket-activation.test.ts: skipping the private network namespace test: ${unshareProblem}`);
  test.skipIf(unshareProblem !== null)(
    "serves from a private network namespace, as under PrivateNetwork=yes: the passed sockets stay in the host's",
    async () => {
      const { server, port } = await activated(["tcp", "udp"], "127.0.0.1", [findCommand("unshare")!, "--net", "--"]);
      expect(readlinkSync(`/proc/${server.proc.pid}/ns/net`)).not.toBe(readlinkSync("/proc/self/ns/net"));
      expectCurrent((await tcpTime(port)).bytes);
      expectCurrent(await udpTime(port));
    },
  );
});

describe("passed fds that cannot be served", () => {
  test("a file at fd 3 is refused with one line, exit 1", async () => {
    expect(await failedStart(["file"])).toEqual({
      code: 1,
      stderr: ["rfc868: socket activation: fd 3: getsockopt SO_DOMAIN: Socket operation on non-socket (ENOTSOCK)"],
    });
  });

  test("a TCP socket that is not listening (Accept=yes would pass one) is refused, naming Accept=no", async () => {
    const result = await failedStart(["tcp", "tcp-unlistened"]);
    expect(result).toEqual({
      code: 1,
      stderr: ["rfc868: socket activation: fd 4: a TCP socket that is not listening (the socket unit needs Accept=no)"],
    });
  });
});

/** A plain-object environment that records what was removed. */
function fakeEnvironment(variables: Record<string, string>): Environment & { variables: Record<string, string> } {
  return { variables, get: (name) => variables[name], unset: (name) => void delete variables[name] };
}

describe("takeListenFds", () => {
  test("counts the sockets when LISTEN_PID is this process, and removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES", () => {
    const env = fakeEnvironment({ LISTEN_PID: "42", LISTEN_FDS: "2", LISTEN_FDNAMES: "a:b", PATH: "/bin" });
    expect(takeListenFds(env, 42)).toBe(2);
    expect(env.variables).toEqual({ PATH: "/bin" });
  });

  test("is 0 for another process's variables, and still removes them so no child takes the sockets", () => {
    const env = fakeEnvironment({ LISTEN_PID: "41", LISTEN_FDS: "2", LISTEN_FDNAMES: "a:b" });
    expect(takeListenFds(env, 42)).toBe(0);
    expect(env.variables).toEqual({});
    expect(takeListenFds(fakeEnvironment({}), 42)).toBe(0);
  });

  test("rejects a LISTEN_FDS that is not a count", () => {
    expect(() => takeListenFds(fakeEnvironment({ LISTEN_PID: "42", LISTEN_FDS: "two" }), 42)).toThrow(
      'LISTEN_FDS="two" is not a number of sockets',
    );
  });
});

describe("adoptSocket", () => {
  test("makes a blocking, inheritable UDP socket non-blocking and close-on-exec, and reads its transport and address", () => {
    const fd = openSocket(LINUX.AF_INET, LINUX.SOCK_DGRAM);
    /** The fd's open flags as /proc shows them (octal), independent of the code under test. */
    const flags = () => parseInt(/^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1]!, 8);
    try {
      expect(flags() & (LINUX.O_NONBLOCK | O_CLOEXEC)).toBe(0);
      const listener = adoptSocket(fd);
      expect(listener).toMatchObject({ transport: "udp", fd, local: { family: "IPv4", address: "0.0.0.0" } });
      expect(flags() & LINUX.O_NONBLOCK).toBe(LINUX.O_NONBLOCK);
      expect(flags() & O_CLOEXEC).toBe(O_CLOEXEC);
      expect(getSocketOption(fd, "SO_TYPE")).toBe(LINUX.SOCK_DGRAM);
    } finally {
      closeFd(fd);
    }
  });
});
