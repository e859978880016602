// Property tests of parseCidr (any text: a block or a RangeError; round trips) and of AddressSet against a linear scan of its blocks.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { encodeSockaddr, formatIp, ipv4Offset } from "../../../native/index.ts";
import { AddressSet } from "../../../src/policy/address-set.ts";
import { parseCidr, type Cidr } from "../../../src/policy/cidr.ts";
import { RUNS } from "../../support/properties.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** Bytes that make blocks nest and sources hit them often: the edges of a byte, and anything. */
const byte = fc.oneof(fc.constantFrom(0, 1, 0x7f, 0x80, 0xfe, 0xff), fc.integer({ min: 0, max: 255 }));

/** Address bytes of one of the three kinds a client or a block can be: IPv4, native IPv6, IPv4-mapped IPv6. */
const addressBytes = fc.oneof(
  fc.array(byte, { minLength: 4, maxLength: 4 }),
  fc.array(byte, { minLength: 16, maxLength: 16 }),
  fc.array(byte, { minLength: 4, maxLength: 4 }).map((v4) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]),
  // One byte away from the mapped prefix: native IPv6, however close.
  fc
    .tuple(
      fc.array(byte, { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 0, max: 11 }),
      fc.integer({ min: 1, max: 255 }),
    )
    .map(([v4, at, flip]) => {
      const bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
      bytes[at]! ^= flip;
      return bytes;
    }),
);

const textOf = (bytes: readonly number[]) => formatIp(bytes.length === 4 ? "IPv4" : "IPv6", new Uint8Array(bytes));

/** The mask of byte `i` for the first `bits` bits. */
const byteMask = (bits: number, i: number) => (0xff00 >> Math.min(8, Math.max(0, bits - 8 * i))) & 0xff;

/** `bytes` with every bit from `prefix` on cleared. */
function masked(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((value, i) => value & byteMask(prefix, i));
}

/** The first `keep` bits of `high`, then the bits of `low` (as long as `high`). */
function splice(high: readonly number[], low: readonly number[], keep: number): number[] {
  return high.map((value, i) => (value & byteMask(keep, i)) | ((low[i] ?? 0) & ~byteMask(keep, i) & 0xff));
}

/** A valid block's text, from address bytes and a prefix drawn over the whole range (the ends included). */
const blockText = fc
  .tuple(addressBytes, fc.integer({ min: 0, max: 128 }), fc.boolean())
  .map(([bytes, wanted, bare]) => {
    const prefix = Math.min(wanted, bytes.length * 8);
    return bare ? textOf(bytes) : `${textOf(masked(bytes, prefix))}/${prefix}`;
  });

/** What a block is, by definition: IPv4 blocks and mapped blocks of /96 or longer are IPv4 blocks. */
function expectedBlock(bytes: readonly number[], prefix: number): { ipv4: boolean; prefix: number; bytes: number[] } {
  const mapped =
    bytes.length === 16 && prefix >= 96 && bytes.slice(0, 12).every((value, i) => value === (i < 10 ? 0 : 0xff));
  if (mapped) return { ipv4: true, prefix: prefix - 96, bytes: bytes.slice(12) };
  return { ipv4: bytes.length === 4, prefix, bytes: [...bytes] };
}

/** The reference: does any block hold the source, comparing its first `prefix` bits one by one. */
function linearScan(blocks: readonly Cidr[], source: readonly number[]): boolean {
  const mapped = source.length === 16 && source.slice(0, 12).every((value, i) => value === (i < 10 ? 0 : 0xff));
  const address = mapped ? source.slice(12) : source;
  const bit = (bytes: ArrayLike<number>, i: number) => (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  return blocks.some(
    (block) =>
      block.ipv4 === (address.length === 4) &&
      [...Array(block.prefix).keys()].every((i) => bit(block.bytes, i) === bit(address, i)),
  );
}

describe("parseCidr", () => {
  test("any text gives a valid block or a RangeError, nothing else", () => {
    const pieces = fc.constantFrom(
      "0",
      "1",
      "9",
      "08",
      "255",
      "256",
      "4294967296",
      ".",
      ":",
      "::",
      "/",
      "//",
      "f",
      "ffff",
      "::ffff:",
      "1.2.3.4",
      "%eth0",
      " ",
      "\0",
      "-",
      "+",
      "[",
      "]",
      "é",
    );
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.array(pieces, { maxLength: 14 }).map((parts) => parts.join("")),
      blockText,
    );
    fc.assert(
      fc.property(text, (input) => {
        let cidr: Cidr;
        try {
          cidr = parseCidr(input);
        } catch (error) {
          expect(error).toBeInstanceOf(RangeError);
          return;
        }
        expect(cidr.text).toBe(input);
        expect(cidr.bytes.length).toBe(cidr.ipv4 ? 4 : 16);
        expect(Number.isInteger(cidr.prefix) && cidr.prefix >= 0 && cidr.prefix <= cidr.bytes.length * 8).toBe(true);
        expect([...cidr.bytes]).toEqual(masked([...cidr.bytes], cidr.prefix));
      }),
      { numRuns: RUNS },
    );
  });

  test("a block printed as ADDRESS/PREFIX parses back to itself, mapped blocks as IPv4 blocks", () => {
    const block = fc.tuple(addressBytes, fc.integer({ min: 0, max: 128 })).map(([bytes, wanted]) => {
      const prefix = Math.min(wanted, bytes.length * 8);
      return { bytes: masked(bytes, prefix), prefix };
    });
    fc.assert(
      fc.property(block, ({ bytes, prefix }) => {
        const cidr = parseCidr(`${textOf(bytes)}/${prefix}`);
        const shape = { ipv4: cidr.ipv4, prefix: cidr.prefix, bytes: [...cidr.bytes] };
        expect(shape).toEqual(expectedBlock(bytes, prefix));
        const again = parseCidr(`${textOf(shape.bytes)}/${shape.prefix}`);
        expect({ ipv4: again.ipv4, prefix: again.prefix, bytes: [...again.bytes] }).toEqual(shape);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("AddressSet", () => {
  test("nested and repeated blocks fold into the block holding them; blocks that only touch stay apart", () => {
    const set = (texts: string[]) => new AddressSet(texts.map(parseCidr)).ranges;
    expect(set(["10.1.2.3", "10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/8", "10.255.255.255"])).toBe(1);
    expect(set(["10.0.0.0/8", "11.0.0.0/8", "::ffff:10.0.0.0/104"])).toBe(2);
    expect(set(["2001:db8::/32", "2001:db8:1::/48", "2001:db8::1", "2001:db9::/32", "::/0"])).toBe(1);
    expect(set(["2001:db8::/33", "2001:db8:8000::/33", "::ffff:0.0.0.0/96"])).toBe(3);
  });

  test("holds exactly the sources a linear scan of its blocks finds, for IPv4, IPv6 and mapped blocks and sources", () => {
    const list = fc.array(blockText, { maxLength: 16 });
    // A source near a block: its first `keep` bits, then anything; or anywhere.
    const source = fc.record({
      near: fc.nat(),
      keep: fc.integer({ min: 0, max: 128 }),
      bytes: addressBytes,
      asMapped: fc.boolean(),
    });
    fc.assert(
      fc.property(list, fc.array(source, { minLength: 1, maxLength: 8 }), (texts, sources) => {
        const blocks = texts.map(parseCidr);
        const set = new AddressSet(blocks);
        for (const { near, keep, bytes, asMapped } of sources) {
          const block = blocks[near % Math.max(1, blocks.length)];
          let address = block ? splice([...block.bytes], bytes, keep) : [...bytes];
          // An IPv4 source reaches a dual-stack socket as ::ffff:a.b.c.d.
          if (address.length === 4 && asMapped) address = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...address];
          const sockaddr = encodeSockaddr({ address: textOf(address), port: 40000 });
          expect(set.has(sockaddr, ipv4Offset(sockaddr))).toBe(linearScan(blocks, address));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
