// Full garbage collections inside the server while UDP load runs: every reply still carries the right time and reaches its sender.
import { afterAll, expect, test } from "bun:test";
import dgram from "node:dgram";
import { killAll, spawnTracked } from "../../support/server-process.ts";
import { unixSecondsOf } from "../../support/clients.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const SERVER = new URL("../../support/gc-pressure-server.ts", import.meta.url).pathname;
const SENDERS = 32;
const LOAD_MS = 3000;
/** The count bound beside the time bound: at most this many requests per sender. */
const PER_SENDER_MAX = 10_000;
/** A reply later than this is counted lost: loopback answers in microseconds even behind a full collection. */
const REPLY_TIMEOUT_MS = 1000;

interface Tally {
  ok: number;
  wrong: string[];
  lost: number;
}

/** One socket asking again as soon as each reply comes, until `endAt`; every reply's value is checked. */
function sender(port: number, endAt: number, tally: Tally): Promise<void> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    let timer: Timer | undefined;
    let asked = 0;
    const ask = () => {
      if (Date.now() >= endAt || asked++ >= PER_SENDER_MAX) {
        socket.close();
        resolve();
        return;
      }
      timer = setTimeout(() => {
        tally.lost++;
        ask();
      }, REPLY_TIMEOUT_MS);
      socket.send(Buffer.alloc(0), port, "127.0.0.1");
    };
    socket.on("message", (reply) => {
      clearTimeout(timer);
      const off = reply.length === 4 ? Math.abs(unixSecondsOf(reply) - Date.now() / 1000) : Infinity;
      if (off <= 2) tally.ok++;
      else if (tally.wrong.length < 5) tally.wrong.push(reply.toString("hex"));
      else tally.wrong.push("");
      ask();
    });
    ask();
  });
}

test("replies stay right under load while the server collects garbage every 10 ms (the batch's buffers stay referenced)", async () => {
  const { proc, stdout } = spawnTracked([process.execPath, SERVER, "10"]);
  const ready = await stdout.waitFor(/^listening on port \d+$/);
  expect(ready).not.toBe("");
  const port = Number(ready.split(" ").pop());

  const tally: Tally = { ok: 0, wrong: [], lost: 0 };
  const endAt = Date.now() + LOAD_MS;
  await Promise.all(Array.from({ length: SENDERS }, () => sender(port, endAt, tally)));

  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  const collections = Number((await stdout.waitFor(/^collections \d+$/)).split(" ")[1]);
  console.log(
    `udp-gc: ${tally.ok} ok, ${tally.wrong.length} wrong, ${tally.lost} lost, ${collections} full collections`,
  );
  // The collections really ran during the load, and the load was real: thousands of batches, not a handful.
  expect(collections).toBeGreaterThanOrEqual(LOAD_MS / 10 / 4);
  expect(tally.ok).toBeGreaterThan(2000);
  expect(tally.wrong.slice(0, 5)).toEqual([]);
  expect(tally.lost).toBe(0);
});
