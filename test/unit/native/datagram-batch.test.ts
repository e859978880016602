// native/datagram-batch.ts against real sockets: one recvmmsg takes every queued datagram, sendmmsg answers the queued ones and resumes after a failed one.
import { afterEach, describe, expect, test } from "bun:test";
import dgram from "node:dgram";
import {
  DatagramBatch,
  LINUX,
  bindSocket,
  closeFd,
  encodeSockaddr,
  openSocket,
  socketName,
} from "../../../native/index.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const opened: number[] = [];
const clients: dgram.Socket[] = [];
afterEach(() => {
  opened.splice(0).forEach(closeFd);
  clients.splice(0).forEach((client) => client.close());
});

function serverSocket(): { fd: number; port: number } {
  const fd = openSocket(LINUX.AF_INET, LINUX.SOCK_DGRAM | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC);
  opened.push(fd);
  bindSocket(fd, encodeSockaddr({ address: "127.0.0.1", port: 0 }));
  return { fd, port: socketName(fd).port };
}

/** A bound client and the datagrams it receives. */
async function client() {
  const socket = dgram.createSocket("udp4");
  clients.push(socket);
  const received: Buffer[] = [];
  socket.on("message", (message) => received.push(message));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { socket, received, port: socket.address().port };
}

function send(socket: dgram.Socket, payload: Buffer, port: number): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(payload, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())),
  );
}

/** recvmmsg until `want` datagrams arrived (loopback delivers them within microseconds; the poll bounds it). */
async function receiveAll(batch: DatagramBatch, fd: number, want: number): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const got = batch.receive(fd);
    if (got === want) return got;
    expect(got).toBeNull(); // all of them, or none yet: a partial batch would split the test's datagrams
    await Bun.sleep(5);
  }
  throw new Error(`no batch of ${want} datagrams arrived`);
}

/** Three clients each send one datagram of the given size, one at a time (so arrival order is known), and one receive takes them. */
async function receivedFromThree(sizes: [number, number, number]) {
  const { fd, port } = serverSocket();
  const senders = await Promise.all([client(), client(), client()]);
  for (const [i, size] of sizes.entries()) await send(senders[i]!.socket, Buffer.alloc(size, 0x61), port);
  const batch = new DatagramBatch(8);
  expect(await receiveAll(batch, fd, 3)).toBe(3);
  return { fd, senders, batch };
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await Bun.sleep(5);
}

describe("DatagramBatch", () => {
  test("an empty socket gives null, not 0", () => {
    const { fd } = serverSocket();
    expect(new DatagramBatch(4).receive(fd)).toBeNull();
  });

  test("one receive takes datagrams of 0, 1 and 65,507 bytes with each source, and leaves nothing behind", async () => {
    const { fd, senders, batch } = await receivedFromThree([0, 1, 65507]);
    expect(batch.peers.slice(0, 3).map((peer) => peer.decode().port)).toEqual(senders.map((s) => s.port));
    expect(batch.receive(fd)).toBeNull();
  });

  test("replies go only to the queued slots, all with the reply's bytes", async () => {
    const { fd, senders, batch } = await receivedFromThree([0, 0, 0]);
    batch.reply.set([1, 2, 3, 4]);
    batch.queueReply(0);
    batch.queueReply(2);
    expect(batch.pending).toBe(2);
    expect(batch.sendPending(fd)).toBe(2);
    expect(batch.pending).toBe(0);
    await until(() => senders[0]!.received.length + senders[2]!.received.length === 2);
    expect([...senders[0]!.received[0]!]).toEqual([1, 2, 3, 4]);
    expect([...senders[2]!.received[0]!]).toEqual([1, 2, 3, 4]);
    expect(senders[1]!.received).toEqual([]);
  });

  test("a failed reply stops sendmmsg there; skipping it sends the rest from the middle of the vector", async () => {
    const { fd, senders, batch } = await receivedFromThree([1, 1, 1]);
    batch.reply.set([9, 9, 9, 9]);
    for (let i = 0; i < 3; i++) batch.queueReply(i);
    // An IPv6 family on an IPv4 socket: the kernel refuses that one address, as it would a bad peer's.
    batch.peers[1]!.bytes[0] = LINUX.AF_INET6;
    expect(batch.sendPending(fd)).toBe(1);
    expect(() => batch.sendPending(fd)).toThrow(/^sendmmsg: .*\((EINVAL|EAFNOSUPPORT)\)$/);
    expect(batch.skipReply()).toBe(1);
    expect(batch.sendPending(fd)).toBe(1);
    await until(() => senders[0]!.received.length + senders[2]!.received.length === 2);
    expect(senders.map((s) => s.received.length)).toEqual([1, 0, 1]);
  });

  test("a new receive forgets unsent replies; dropPending counts what was given up", async () => {
    const { fd, port } = serverSocket();
    const sender = await client();
    await send(sender.socket, Buffer.alloc(0), port);
    const batch = new DatagramBatch(2);
    await receiveAll(batch, fd, 1);
    batch.queueReply(0);
    expect(batch.dropPending()).toBe(1);
    expect(batch.pending).toBe(0);
    expect(() => batch.queueReply(1)).toThrow(RangeError);
  });

  test("a capacity the kernel would cap or that holds nothing is refused", () => {
    expect(() => new DatagramBatch(0)).toThrow(RangeError);
    expect(() => new DatagramBatch(1025)).toThrow(RangeError);
  });
});
