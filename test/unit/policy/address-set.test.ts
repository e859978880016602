// AddressSet and parseCidr at their edges: each block's first and last address in, the neighbours outside out, for every prefix length.
import { describe, expect, test } from "bun:test";
import { encodeSockaddr, formatIp, ipv4Offset } from "../../../native/index.ts";
import { accessCheck, accessListsFrom, accessTables, buildAccessLists } from "../../../src/policy/access-policy.ts";
import { AddressSet } from "../../../src/policy/address-set.ts";
import { parseCidr } from "../../../src/policy/cidr.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

const from = (address: string) => encodeSockaddr({ address, port: 40000 });
const holds = (set: AddressSet, address: string) => set.has(from(address), ipv4Offset(from(address)));

/** The IPv4 address of the number n (mod 2^32). */
const v4 = (n: number) => formatIp("IPv4", new Uint8Array([n >>> 24, n >>> 16, n >>> 8, n].map((b) => b & 0xff)));

/** The IPv6 address of a 128-bit bigint (mod 2^128). */
function v6(n: bigint): string {
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--, n >>= 8n) bytes[i] = Number(n & 0xffn);
  return formatIp("IPv6", bytes);
}

describe("parseCidr", () => {
  test("an IPv4 block keeps its 4 bytes and prefix; an IPv6 one its 16; a mapped one becomes IPv4", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({
      text: "10.0.0.0/8",
      ipv4: true,
      prefix: 8,
      bytes: new Uint8Array([10, 0, 0, 0]),
    });
    const ipv6 = parseCidr("2001:db8::/32");
    expect([ipv6.ipv4, ipv6.prefix, ipv6.bytes.length, ipv6.bytes[0], ipv6.bytes[3]]).toEqual([
      false,
      32,
      16,
      0x20,
      0xb8,
    ]);
    expect(parseCidr("::ffff:0:0/96")).toMatchObject({ ipv4: true, prefix: 0, bytes: new Uint8Array(4) });
    expect(parseCidr("::fffe:0:0/96")).toMatchObject({ ipv4: false, prefix: 96 });
  });

  test("a second slash anywhere after the first is an address error, not a prefix error", () => {
    for (const text of ["10.0.0.0//8", "10.0.0.0/8/", "2001:db8:://32"])
      expect(() => parseCidr(text), text).toThrow(/^expected ADDRESS/);
  });

  test("a bad --deny block names --deny, a bad --allow block --allow", () => {
    expect(() => buildAccessLists([], ["10.0.0.1/8"])).toThrow('--deny "10.0.0.1/8": host bits are set after /8');
    expect(() => buildAccessLists(["10.0.0.1/8"], [])).toThrow('--allow "10.0.0.1/8": host bits are set after /8');
  });
});

describe("AddressSet", () => {
  test("for every IPv4 prefix, a block holds its first and last address and neither neighbour", () => {
    const network = 0xc0a88000; // 192.168.128.0: bits set on both sides of most prefixes
    for (let prefix = 0; prefix <= 32; prefix++) {
      const size = 2 ** (32 - prefix);
      const first = network - (network % size);
      const set = new AddressSet([parseCidr(`${v4(first)}/${prefix}`)]);
      const last = first + size - 1;
      const cases: [number, boolean][] = [
        [first, true],
        [last, true],
      ];
      if (first > 0) cases.push([first - 1, false]);
      if (last + 1 < 2 ** 32) cases.push([last + 1, false]);
      for (const [address, inside] of cases) expect(holds(set, v4(address)), `/${prefix} ${v4(address)}`).toBe(inside);
    }
  });

  test("for every IPv6 prefix, a block holds its first and last address and neither neighbour", () => {
    const network = 0x2001_0db8_8000_8001_8000_8000_8000_8000n;
    const all = 1n << 128n;
    for (let prefix = 0; prefix <= 128; prefix++) {
      const size = 1n << BigInt(128 - prefix);
      const first = network - (network % size);
      const last = first + size - 1n;
      const set = new AddressSet([parseCidr(`${v6(first)}/${prefix}`)]);
      const cases: [bigint, boolean][] = [
        [first, true],
        [last, true],
      ];
      if (first > 0n) cases.push([first - 1n, false]);
      if (last + 1n < all) cases.push([last + 1n, false]);
      for (const [address, inside] of cases) expect(holds(set, v6(address)), `/${prefix} ${v6(address)}`).toBe(inside);
    }
  });

  test("several blocks, nested and apart, in any order: each address is held exactly when some block holds it", () => {
    const blocks = [
      "2001:db8::/32",
      "2001:db8:1::/48",
      "3001:db8::/32",
      "2001:db9:ff00::/40",
      "10.0.0.0/8",
      "10.1.0.0/16",
      "192.0.2.128/25",
    ];
    const set = new AddressSet(blocks.map(parseCidr).reverse());
    expect(set.ranges).toBe(5);
    const inside = [
      "2001:db8::",
      "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
      "3001:db8::1",
      "2001:db9:ff00::",
      "2001:db9:ffff:ffff:ffff:ffff:ffff:ffff",
      "10.255.255.255",
      "192.0.2.128",
      "192.0.2.255",
      "::ffff:10.2.3.4",
    ];
    const outside = [
      "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
      "2001:db9::",
      "2001:db9:feff:ffff:ffff:ffff:ffff:ffff",
      "2001:dba::",
      "3001:db9::",
      "1001:db8::1",
      "11.0.0.0",
      "9.255.255.255",
      "192.0.2.127",
      "192.0.3.0",
      "::ffff:11.0.0.0",
      "::a00:1",
    ];
    for (const address of inside) expect(holds(set, address), address).toBe(true);
    for (const address of outside) expect(holds(set, address), address).toBe(false);
  });

  test("an empty family holds nothing, and IPv4 blocks never hold IPv6 sources nor the reverse", () => {
    const set = new AddressSet([parseCidr("0.0.0.0/0")]);
    expect([holds(set, "0.0.0.0"), holds(set, "255.255.255.255"), holds(set, "::"), holds(set, "::a00:1")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    const six = new AddressSet([parseCidr("::/0")]);
    expect([
      holds(six, "::"),
      holds(six, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
      holds(six, "10.0.0.1"),
      holds(six, "::ffff:10.0.0.1"),
    ]).toEqual([true, true, false, false]);
  });
});

describe("lists built on another thread (the reload's worker)", () => {
  test("posted as tables with their buffers transferred, they move rather than copy, and answer as built", () => {
    const { tables, transfer } = accessTables(
      buildAccessLists(["10.0.0.0/8", "10.1.0.0/16", "192.0.2.7", "2001:db8::/32"], ["10.6.0.0/16", "2001:db8:1::/48"]),
    );
    // Both lists, both families, first and last addresses: eight buffers, each its own.
    expect(new Set(transfer).size).toBe(8);
    const posted = structuredClone(tables, { transfer });
    expect(transfer.map((buffer) => buffer.byteLength)).toEqual(Array(8).fill(0));
    const lists = accessListsFrom(posted);
    expect([lists.allow.ranges, lists.deny.ranges]).toEqual([3, 2]);
    const check = accessCheck(lists)!;
    const verdicts = Object.fromEntries(
      ["10.6.1.1", "10.2.3.4", "11.0.0.1", "192.0.2.7", "192.0.2.8", "2001:db8:1::5", "2001:db8:2::1", "::1"].map(
        (address) => [address, check(from(address))],
      ),
    );
    expect(verdicts).toEqual({
      "10.6.1.1": "denied",
      "10.2.3.4": null,
      "11.0.0.1": "not_allowed",
      "192.0.2.7": null,
      "192.0.2.8": "not_allowed",
      "2001:db8:1::5": "denied",
      "2001:db8:2::1": null,
      "::1": "not_allowed",
    });
  });
});
