// CIDR parsing and matching, --allow/--deny precedence and the UDP guard's address and port rules, on real sockaddr bytes.
import { describe, expect, test } from "bun:test";
import { DEFAULTS } from "../../../src/base/defaults.ts";
import { encodeSockaddr, formatIp } from "../../../native/index.ts";
import { accessCheck, buildAccessLists } from "../../../src/policy/access-policy.ts";
import { AddressSet } from "../../../src/policy/address-set.ts";
import { parseCidr } from "../../../src/policy/cidr.ts";
import { ipv4Offset } from "../../../native/index.ts";
import { isBogusSource, udpGuardCheck } from "../../../src/policy/udp-guard.ts";
import { LARGE_LIST } from "../../support/properties.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** The sockaddr the kernel would hand us for a peer at address:port. */
const from = (address: string, port = 40000) => encodeSockaddr({ address, port });
/** Whether the server's admission (a set of this one block) holds a source at `address`. */
const inBlock = (cidr: string, address: string) =>
  new AddressSet([parseCidr(cidr)]).has(from(address), ipv4Offset(from(address)));

describe("parseCidr", () => {
  test.each([
    ["192.0.2.0/24", "192.0.2.255", true],
    ["192.0.2.0/24", "192.0.3.0", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["10.1.2.3", "10.1.2.3", true],
    ["10.1.2.3", "10.1.2.4", false],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/33", "2001:db8:8000::1", false],
    ["::/0", "::1", true],
    ["fe80::/10", "febf::1", true],
    ["fe80::/10", "fec0::1", false],
    // A whole leading byte differs: a block must compare every byte of its prefix, not only the partial one.
    ["2001:db8::/32", "3001:db8::1", false],
    ["2001:db8::/32", "2001:db9::", false],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["10.0.0.0/8", "9.255.255.255", false],
    // A bare IPv6 address is one host: its neighbours on either side are outside it.
    ["2001:db8::1", "2001:db8::1", true],
    ["2001:db8::1", "2001:db8::", false],
    ["2001:db8::1", "2001:db8::2", false],
    ["2001:db8::1", "2001:db9::1", false],
    ["2001:db8::1", "::1", false],
  ])("%s holds %s: %p", (cidr, address, expected) => {
    expect(inBlock(cidr, address)).toBe(expected);
  });

  test("an IPv4-mapped peer of a dual-stack socket is matched as IPv4, and only by IPv4 blocks", () => {
    expect(inBlock("127.0.0.0/8", "::ffff:127.0.0.1")).toBe(true);
    expect(inBlock("::/0", "::ffff:127.0.0.1")).toBe(false);
    expect(inBlock("::/0", "127.0.0.1")).toBe(false);
    expect(inBlock("0.0.0.0/0", "::1")).toBe(false);
  });

  test("a mapped block (::ffff:10.0.0.0/104) is the IPv4 block 10.0.0.0/8", () => {
    const cidr = parseCidr("::ffff:10.0.0.0/104");
    expect({ ipv4: cidr.ipv4, prefix: cidr.prefix }).toEqual({ ipv4: true, prefix: 8 });
    expect(inBlock("::ffff:10.0.0.0/104", "10.9.9.9")).toBe(true);
    expect(inBlock("::ffff:10.0.0.0/104", "::ffff:10.9.9.9")).toBe(true);
  });

  test.each([
    // ::ffff:192.0.2.0/120 is 192.0.2.0/24; ::ffff:0.0.0.0/96 is every IPv4 address.
    ["::ffff:192.0.2.0/120", "192.0.2.77", true],
    ["::ffff:192.0.2.0/120", "::ffff:192.0.2.255", true],
    ["::ffff:192.0.2.0/120", "192.0.3.0", false],
    ["::ffff:192.0.2.0/120", "::ffff:192.0.1.255", false],
    ["::ffff:0.0.0.0/96", "0.0.0.0", true],
    ["::ffff:0.0.0.0/96", "203.0.113.9", true],
    ["::ffff:0.0.0.0/96", "::ffff:255.255.255.255", true],
    ["::ffff:0.0.0.0/96", "::1", false],
    ["::ffff:0.0.0.0/96", "::fffe:0.0.0.1", false],
    ["::ffff:203.0.113.9", "203.0.113.9", true],
    ["::ffff:203.0.113.9", "203.0.113.8", false],
    // One byte away from ::ffff:0:0/96 is a native IPv6 block: no IPv4 client is in it.
    ["::1:ffff:10.0.0.0/104", "10.1.2.3", false],
    ["::1:ffff:10.0.0.0/104", "::1:ffff:10.1.2.3", true],
    ["::fffe:10.0.0.0/104", "10.1.2.3", false],
    ["::feff:10.0.0.0/104", "10.1.2.3", false],
    ["100::ffff:10.0.0.0/104", "10.1.2.3", false],
  ])("the mapped block %s holds %s: %p", (cidr, address, expected) => {
    expect(inBlock(cidr, address)).toBe(expected);
  });

  test("a mapped block's prefix counts from the IPv4 part: /120 is /24, /96 is /0, a bare mapped address is /32", () => {
    const shape = (text: string) => {
      const { ipv4, prefix, bytes } = parseCidr(text);
      return { ipv4, prefix, bytes: [...bytes] };
    };
    expect(shape("::ffff:192.0.2.0/120")).toEqual({ ipv4: true, prefix: 24, bytes: [192, 0, 2, 0] });
    expect(shape("::ffff:0.0.0.0/96")).toEqual({ ipv4: true, prefix: 0, bytes: [0, 0, 0, 0] });
    expect(shape("::ffff:203.0.113.9")).toEqual({ ipv4: true, prefix: 32, bytes: [203, 0, 113, 9] });
    // Below /96 the block reaches outside the mapped range: it stays an IPv6 block.
    expect(shape("::/95")).toMatchObject({ ipv4: false, prefix: 95 });
    expect(shape("::fffe:0.0.0.0/95")).toMatchObject({ ipv4: false, prefix: 95 });
    expect(() => parseCidr("::ffff:0.0.0.0/95")).toThrow(/host bits/);
  });

  test.each([
    ["", /ADDRESS/],
    ["10.0.0.0/", /prefix/],
    ["10.0.0.0/33", /0 to 32/],
    ["::/129", /0 to 128/],
    ["10.0.0.0/8/8", /ADDRESS/],
    ["10.0.0.1/8", /host bits/],
    ["2001:db8::1/32", /host bits/],
    ["example.org/24", /ADDRESS/],
    ["10.0.0.0/-1", /prefix/],
    // The prefix is anchored at both ends.
    ["10.0.0.0/8x", /prefix/],
    ["10.0.0.0/x8", /prefix/],
    ["10.0.0.0/8 ", /prefix/],
    ["10.0.0.0/0008", /prefix/],
    ["::ffff:10.0.0.0/97", /host bits/],
    ["::ffff:10.0.0.1/104", /host bits/],
  ])("refuses %p", (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });
});

describe("host bits", () => {
  // Every bit position after the prefix: a block with any host bit set is refused, one without is accepted.
  const ipv4Text = (bits: number) => [24, 16, 8, 0].map((shift) => ((bits >>> shift) & 0xff).toString()).join(".");
  test("for every IPv4 prefix, each host bit alone is refused and the bits before it are accepted", () => {
    for (let prefix = 0; prefix <= 32; prefix++) {
      const network = prefix === 0 ? 0 : (0x80000000 >>> (prefix - 1)) >>> 0; // the last network bit set
      expect(parseCidr(`${ipv4Text(network)}/${prefix}`).prefix).toBe(prefix);
      for (let bit = prefix; bit < 32; bit++) {
        const text = `${ipv4Text((network | (0x80000000 >>> bit)) >>> 0)}/${prefix}`;
        expect(() => parseCidr(text), text).toThrow(/host bits/);
      }
    }
    expect(() => parseCidr("10.128.0.0/8")).toThrow(/host bits/);
  });

  test("for every IPv6 prefix, each host bit alone is refused and the last network bit is accepted", () => {
    const text = (bits: number[], prefix: number) => {
      const bytes = new Uint8Array(16);
      for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
      return `${formatIp("IPv6", bytes)}/${prefix}`;
    };
    for (let prefix = 0; prefix <= 128; prefix++) {
      const network = prefix === 0 ? [] : [prefix - 1];
      expect(parseCidr(text(network, prefix)).prefix).toBe(prefix);
      for (let bit = prefix; bit < 128; bit++)
        expect(() => parseCidr(text([...network, bit], prefix)), text([...network, bit], prefix)).toThrow(/host bits/);
    }
  });
});

describe("accessCheck", () => {
  test("with no lists it is null: nothing is checked at all", () => {
    expect(accessCheck(buildAccessLists([], []))).toBeNull();
  });

  test("deny wins over allow; with any allow, a source outside every allow is refused", () => {
    const check = accessCheck(buildAccessLists(["10.0.0.0/8", "2001:db8::/32"], ["10.6.0.0/16"]))!;
    expect(check(from("10.1.1.1"))).toBeNull();
    expect(check(from("10.6.1.1"))).toBe("denied");
    expect(check(from("192.0.2.1"))).toBe("not_allowed");
    expect(check(from("2001:db8::5"))).toBeNull();
    expect(check(from("::ffff:10.6.0.1"))).toBe("denied");
  });

  test("a bare IPv6 --deny (or --allow) pins exactly one host", () => {
    const deny = accessCheck(buildAccessLists([], ["2001:db8::1"]))!;
    expect(deny(from("2001:db8::1"))).toBe("denied");
    for (const other of ["2001:db8::", "2001:db8::2", "2001:db8::1:1", "2001:db9::1", "::1", "::ffff:0.0.0.1"])
      expect(deny(from(other)), other).toBeNull();
    const allow = accessCheck(buildAccessLists(["2001:db8::1"], []))!;
    expect(allow(from("2001:db8::1"))).toBeNull();
    for (const other of ["2001:db8::2", "2001:db8::", "fe80::1"]) expect(allow(from(other)), other).toBe("not_allowed");
  });

  test("deny alone serves everyone else", () => {
    const check = accessCheck(buildAccessLists([], ["127.0.0.2"]))!;
    expect(check(from("127.0.0.2"))).toBe("denied");
    expect(check(from("127.0.0.1"))).toBeNull();
  });

  test(`a lookup reads the source as often with ${LARGE_LIST.toLocaleString("en")} blocks as with one: it does not scan the list (issue 16)`, () => {
    /** How many times the check reads a byte of the source's sockaddr. */
    const reads = (check: (sockaddr: Uint8Array) => string | null, address: string) => {
      let count = 0;
      const sockaddr = from(address);
      check(
        new Proxy(sockaddr, {
          get: (target, key) => (typeof key === "string" && /^\d+$/.test(key) && count++, Reflect.get(target, key)),
        }),
      );
      return count;
    };
    const blocks = (count: number, ipv6: boolean) =>
      Array.from({ length: count }, (_, i) =>
        ipv6
          ? `2001:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/48`
          : `10.${(i >> 8) & 0xff}.${i & 0xff}.0/24`,
      );
    for (const [ipv6, address] of [
      [false, "192.0.2.1"],
      [false, "::ffff:192.0.2.1"],
      [true, "2001:db9::1"],
    ] as const) {
      const small = accessCheck(buildAccessLists(blocks(1, ipv6), []))!;
      const large = accessCheck(buildAccessLists(blocks(LARGE_LIST, ipv6), []))!;
      expect(reads(large, address), address).toBe(reads(small, address));
    }
  });

  test("a bad block names its flag", () => {
    expect(() => buildAccessLists(["10.0.0.1/8"], [])).toThrow(/--allow "10.0.0.1\/8": host bits/);
  });
});

describe("the UDP guard", () => {
  test.each([
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.255",
    "255.255.255.255",
    "::",
    "ff02::1",
    "ff0e::1",
    "::ffff:0.0.0.1",
    "::ffff:224.0.0.251",
    "::ffff:255.255.255.255",
  ])("%s is a source no client has", (address) => expect(isBogusSource(from(address))).toBe(true));

  test.each([
    "127.0.0.1",
    "192.0.2.1",
    "223.255.255.255",
    "240.0.0.1",
    "::1",
    "2001:db8::1",
    "fe80::1",
    "::ffff:127.0.0.1",
  ])("%s is an ordinary source", (address) => {
    expect(isBogusSource(from(address))).toBe(false);
  });

  test("refuses the small-service ports and the server's own port, from IPv4, IPv6 and mapped sources", () => {
    const check = udpGuardCheck(DEFAULTS.hardening.udpGuardPorts, 8037);
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
      for (const port of [0, 7, 9, 13, 19, 37, 8037]) expect(check(from(address, port))).toBe("loop_port");
      for (const port of [1, 123, 1023, 1024, 40000, 65535]) expect(check(from(address, port))).toBeNull();
    }
    expect(check(from("224.0.0.1", 40000))).toBe("bad_source");
  });

  test("a configured list replaces the default one; the own port stays guarded", () => {
    const check = udpGuardCheck([5353], 1037);
    expect(check(from("127.0.0.1", 5353))).toBe("loop_port");
    expect(check(from("127.0.0.1", 1037))).toBe("loop_port");
    expect(check(from("127.0.0.1", 7))).toBeNull();
  });

  test("a port outside 0-65535 is an error, not a silently unguarded port", () => {
    expect(() => udpGuardCheck([65536], 1037)).toThrow(RangeError);
    expect(() => udpGuardCheck([7.5], 1037)).toThrow(RangeError);
  });
});
