// parseCidr and the access check against Python's ipaddress module: 100,000 random block/address pairs, IPv4, IPv6 and IPv4-mapped, in one subprocess.
import { existsSync } from "node:fs";
import { describe, expect, test } from "bun:test";
import { encodeSockaddr, formatIp } from "../../../native/index.ts";
import { accessCheck, buildAccessLists } from "../../../src/policy/access-policy.ts";
import { parseCidr } from "../../../src/policy/cidr.ts";
import { TIME_SCALE } from "../../support/emulation.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

// 100,000 pairs natively; under qemu emulation (about 25x slower) 10,000, to keep the suite's time.
const PAIRS = TIME_SCALE > 1 ? 10_000 : 100_000;
const SEED = Number(process.env.RFC868_CIDR_SEED ?? Math.floor(Math.random() * 2 ** 32));
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/**
 * The oracle, written from the rules rather than from our code: a block must be a valid network with no
 * host bits (strict); an IPv4-mapped block of /96 or longer is the IPv4 block it maps; an IPv4-mapped
 * source is its IPv4 address; a source lies in a block of its own version only. Per line "BLOCK ADDRESS",
 * it prints "H" (block refused: host bits set), "E" (refused otherwise), "1" (inside) or "0" (outside).
 */
const ORACLE = `
import ipaddress, sys
MAPPED = ipaddress.ip_network("::ffff:0:0/96")
def block(text):
    net = ipaddress.ip_network(text, strict=True)
    if net.version == 6 and net.prefixlen >= 96 and net.network_address in MAPPED:
        return ipaddress.ip_network((net.network_address.ipv4_mapped, net.prefixlen - 96))
    return net
def source(text):
    address = ipaddress.ip_address(text)
    return address.ipv4_mapped or address if address.version == 6 else address
out = []
for line in sys.stdin.read().splitlines():
    block_text, address_text = line.split(" ")
    try:
        net = block(block_text)
    except ValueError as error:
        out.append("H" if "host bits" in str(error) else "E")
        continue
    address = source(address_text)
    out.append("1" if address.version == net.version and address in net else "0")
sys.stdout.write("".join(out))
`;

/** mulberry32: a small seeded PRNG, so a failure can be replayed with RFC868_CIDR_SEED. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** The mask of byte `i` for the first `keep` bits of an address. */
const byteMask = (i: number, keep: number) => (0xff00 >> Math.min(8, Math.max(0, keep - 8 * i))) & 0xff;

/** Text for address bytes: IPv4 dotted, IPv6 as inet_ntop prints it, or written out in full (8 groups). */
function textOf(bytes: readonly number[], spelledOut: boolean): string {
  if (bytes.length === 4) return bytes.join(".");
  if (!spelledOut) return formatIp("IPv6", new Uint8Array(bytes));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(":");
}

/** One BLOCK ADDRESS pair: a block (valid or not) and a source near it or anywhere, of any of the three kinds. */
function makePair(random: () => number): [string, string] {
  const int = (n: number) => Math.floor(random() * n);
  const anyBytes = (n: number) => Array.from({ length: n }, () => (random() < 0.2 ? [0, 0xff][int(2)]! : int(256)));
  // IPv4, native IPv6, IPv4-mapped, and IPv6 one byte away from the mapped prefix (::1:ffff:0:0, ::fffe:0:0, ...).
  const kind = int(4);
  const bytes = kind === 0 ? anyBytes(4) : kind === 1 ? anyBytes(16) : [...MAPPED, ...anyBytes(4)];
  if (kind === 3) bytes[int(12)]! ^= 1 + int(255);
  const bits = bytes.length * 8;
  // Prefixes: anywhere, the edges (0, the mapped boundary, the full length), and a few out of range.
  const roll = random();
  const prefix =
    roll < 0.6
      ? int(bits + 1)
      : roll < 0.9
        ? [0, 1, bits - 1, bits, 95, 96, 97][int(7)]! % (bits + 1)
        : bits + 1 + int(8);
  // Most blocks are valid (host bits cleared); the rest keep theirs, so both answers of the host-bit check come up.
  const network = random() < 0.75 ? bytes.map((value, i) => value & byteMask(i, prefix)) : bytes;
  const blockText = random() < 0.05 ? textOf(network, random() < 0.3) : `${textOf(network, random() < 0.3)}/${prefix}`;
  // The source: the block's first `keep` bits and random bits after them (inside when keep >= prefix), or anywhere.
  const keep = int(bits + 1);
  const noise = anyBytes(bits / 8);
  let source =
    random() < 0.7
      ? network.map((value, i) => (value & byteMask(i, keep)) | (noise[i]! & ~byteMask(i, keep) & 0xff))
      : noise;
  // Across the kinds: an IPv4 source as the mapped form a dual-stack socket reports, a mapped one as plain IPv4.
  if (source.length === 4 && random() < 0.3) source = [...MAPPED, ...source];
  else if (source.length === 16 && source.slice(0, 12).every((value, i) => value === MAPPED[i]) && random() < 0.3)
    source = source.slice(12);
  else if (random() < 0.1) source = anyBytes(random() < 0.5 ? 4 : 16);
  return [blockText, textOf(source, random() < 0.3)];
}

/** Our answer, as the oracle prints it: parseCidr's acceptance, then the access check of a server whose --allow is this block. */
function ours(blockText: string, addressText: string): string {
  try {
    parseCidr(blockText);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return /host bits/.test(error.message) ? "H" : "E";
  }
  return accessCheck(buildAccessLists([blockText], []))!(encodeSockaddr({ address: addressText, port: 40000 })) === null
    ? "1"
    : "0";
}

describe("CIDR against Python's ipaddress", () => {
  test(`${PAIRS.toLocaleString("en-US")} random block/address pairs: the same blocks refused for the same reason (host bits or not), the same sources inside`, async () => {
    const random = prng(SEED);
    const pairs = Array.from({ length: PAIRS }, () => makePair(random));
    const python = Bun.spawn([PYTHON, "-c", ORACLE], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    python.stdin.write(pairs.map((pair) => pair.join(" ")).join("\n"));
    await python.stdin.end();
    const answers = Promise.all([
      new Response(python.stdout).text(),
      new Response(python.stderr).text(),
      python.exited,
    ]);
    const mine = pairs.map((pair) => ours(...pair)); // while Python works
    const [theirs, stderr, code] = await answers;
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(theirs.length).toBe(PAIRS);
    const disagreements = pairs
      .map((pair, i) => ({ pair: pair.join(" "), ours: mine[i], python: theirs[i] }))
      .filter((row) => row.ours !== row.python);
    // Each answer must come up often, or the pairs test little.
    const tally = (answer: string) => [...theirs].filter((c) => c === answer).length;
    expect(Math.min(tally("H"), tally("E"), tally("1"), tally("0")), `seed ${SEED}`).toBeGreaterThan(PAIRS / 50);
    expect(disagreements.slice(0, 10), `seed ${SEED} (replay: RFC868_CIDR_SEED=${SEED})`).toEqual([]);
  });
});
