// The per-source rate table without a server: which sources share a bucket (the /64 key), and its memory bound (least recently seen evicted first).
import { describe, expect, test } from "bun:test";
import { encodeSockaddr, formatIp } from "../../../native/index.ts";
import { SOURCE_TABLE_SIZE, SourceBuckets, rateCheck, sourceKey } from "../../../src/policy/rate-limit.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** A clock that never moves: an emptied bucket stays empty, so a refusal shows a source is remembered. */
const frozen = () => 0;

const from = (address: string) => encodeSockaddr({ address, port: 40000 });

/** 2001:db8:: with byte `index` of the address XORed by `bits`. */
function ipv6With(index: number, bits: number): string {
  const bytes = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  bytes[index]! ^= bits;
  return formatIp("IPv6", bytes);
}

describe("the per-source key", () => {
  test("an IPv6 source is keyed by its /64: every bit of each of its 8 bytes separates buckets, the other 8 bytes do not", () => {
    for (let index = 0; index < 16; index++) {
      for (const bits of [0x01, 0x80]) {
        // A fresh check per pair: the base source takes the only token, then the changed one asks.
        const check = rateCheck({ perSource: { perSecond: 1, burst: 1 }, now: frozen })!;
        expect(check(from(ipv6With(0, 0)))).toBeNull();
        const separate = index < 8;
        expect(check(from(ipv6With(index, bits))), `byte ${index} ^ ${bits}`).toBe(separate ? null : "rate");
        expect(sourceKey(from(ipv6With(index, bits))) === sourceKey(from(ipv6With(0, 0)))).toBe(!separate);
      }
    }
  });

  test("an IPv4 source and its mapped form share a bucket; an IPv4 address and an IPv6 /64 never do", () => {
    const check = rateCheck({ perSource: { perSecond: 1, burst: 1 }, now: frozen })!;
    expect(check(from("192.0.2.1"))).toBeNull();
    expect(check(from("::ffff:192.0.2.1"))).toBe("rate");
    expect(check(from("192.0.2.2"))).toBeNull();
    // 0.0.0.1 is the number 1; the /64 ::/64 is a string key: no collision between families.
    expect(check(from("0.0.0.1"))).toBeNull();
    expect(check(from("::1"))).toBeNull();
    expect(check(from("::2"))).toBe("rate");
  });
});

describe("the table's memory bound", () => {
  test("more sources than its capacity: it stays at capacity, and the least recently seen source is the one forgotten", () => {
    const table = new SourceBuckets(1, 1, 4, frozen);
    for (const source of ["a", "b", "c", "d"]) expect(table.take(source)).toBe(true);
    expect(table.size).toBe(4);
    expect(table.take("a")).toBe(false); // remembered, and now the most recently seen
    expect(table.take("e")).toBe(true); // a new source: "b", the least recently seen, goes
    expect(table.size).toBe(4);
    expect(table.take("b")).toBe(true); // forgotten: a full bucket again; "c" goes
    expect([table.take("d"), table.take("a"), table.take("e")]).toEqual([false, false, false]);
    expect(table.take("c")).toBe(true);
    expect(table.size).toBe(4);
  });

  test(`a flood of ${(2 * SOURCE_TABLE_SIZE).toLocaleString("en-US")} distinct sources keeps the default table at ${SOURCE_TABLE_SIZE.toLocaleString("en-US")}, the newest remembered`, () => {
    const table = new SourceBuckets(1, 1, SOURCE_TABLE_SIZE, frozen);
    for (let source = 0; source < 2 * SOURCE_TABLE_SIZE; source++) {
      expect(table.take(source)).toBe(true);
      if (table.size !== Math.min(source + 1, SOURCE_TABLE_SIZE))
        throw new Error(`after ${source + 1} sources the table holds ${table.size}`);
    }
    // The newest SOURCE_TABLE_SIZE are remembered (their buckets are empty); the oldest were forgotten.
    for (let source = 2 * SOURCE_TABLE_SIZE - 1; source >= SOURCE_TABLE_SIZE; source -= 997)
      expect(table.take(source)).toBe(false);
    expect(table.take(0)).toBe(true);
    expect(table.size).toBe(SOURCE_TABLE_SIZE);
  });

  test("rateCheck's default table holds exactly 16,384 sources: the 16,384th is still remembered, the 16,385th evicts the oldest", () => {
    const check = rateCheck({ perSource: { perSecond: 1, burst: 1 }, now: frozen })!;
    const source = (n: number) => from(`10.${n >> 16}.${(n >> 8) & 0xff}.${n & 0xff}`);
    for (let n = 0; n < 16_384; n++)
      if (check(source(n)) !== null) throw new Error(`source ${n} refused on its first request`);
    expect(check(source(0))).toBe("rate"); // remembered with 16,384 sources in the table (and now the most recent)
    expect(check(source(16_384))).toBeNull(); // one more: source 1, the least recently seen, is evicted
    expect(check(source(2))).toBe("rate"); // still remembered
    expect(check(source(1))).toBeNull(); // forgotten: a full bucket again
  });
});

describe("rateCheck", () => {
  test("a bad per-source limit throws when the check is built, not on the first request", () => {
    expect(() => new SourceBuckets(0, 1, 4, frozen)).toThrow(RangeError);
    expect(() => rateCheck({ perSource: { perSecond: 1, burst: 0 } })).toThrow(RangeError);
  });

  test("a global rate alone is a check: all sources together get one second's worth", () => {
    const check = rateCheck({ globalPerSecond: 2, now: frozen })!;
    expect(["192.0.2.1", "192.0.2.2", "2001:db8::1"].map((address) => check(from(address)))).toEqual([
      null,
      null,
      "global_rate",
    ]);
    expect(rateCheck({})).toBeNull();
  });
});
