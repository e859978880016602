// native/sockaddr.ts, source-address.ts and inet.ts: sockaddr_in/sockaddr_in6 bytes, round trips, inet_ntop text, raw-byte reads, rejected input.
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LINUX } from "../../../native/platform.ts";
import { SockaddrStorage, decodeSockaddr, encodeSockaddr } from "../../../native/sockaddr.ts";
import { IPV6_OFFSET, ipv4At, ipv4Offset, isIpv4Sockaddr, sourcePort } from "../../../native/source-address.ts";
import { formatIp, parseIp } from "../../../native/inet.ts";
import { bindSocket, closeFd, openSocket, socketName } from "../../../native/socket.ts";
import { killAll } from "../../support/server-process.ts";
import { RUNS } from "../../support/properties.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

/** fast-check runs per property: 10,000 natively, 1,000 under qemu emulation (.ci/arm64.sh), about 25x slower. */

afterAll(killAll);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("encodeSockaddr", () => {
  test("lays out 127.0.0.1 port 8037 as sockaddr_in: family 2 little-endian, port big-endian at 2, address at 4", () => {
    const bytes = encodeSockaddr({ address: "127.0.0.1", port: 8037 });
    expect(bytes.byteLength).toBe(16);
    expect(hex(bytes)).toBe("0200" + "1f65" + "7f000001" + "0000000000000000");
  });

  test("lays out an IPv6 address as sockaddr_in6: flowinfo big-endian at 4, address at 8, scope id little-endian at 24", () => {
    const bytes = encodeSockaddr({ address: "fe80::1:2", port: 37, flowinfo: 0x000abcde, scopeId: 0x01020304 });
    expect(bytes.byteLength).toBe(28);
    expect(hex(bytes)).toBe("0a00" + "0025" + "000abcde" + "fe800000000000000000000000010002" + "04030201");
  });

  test("gives each struct its own ArrayBuffer of exactly the struct's size (the address libc sees never moves)", () => {
    const v4 = encodeSockaddr({ address: "10.0.0.1", port: 1 });
    const v6 = encodeSockaddr({ address: "::1", port: 1 });
    expect([v4.byteOffset, v4.buffer.byteLength]).toEqual([0, 16]);
    expect([v6.byteOffset, v6.buffer.byteLength]).toEqual([0, 28]);
  });

  test.each([-1, 65536, 1.5, Number.NaN, 2 ** 31])("rejects port %p with a RangeError", (port) => {
    expect(() => encodeSockaddr({ address: "127.0.0.1", port })).toThrow(
      new RangeError(`port ${port} is out of range 0-65535`),
    );
  });

  test("leaves an IPv6 address's flowinfo and scope id 0 when they are not given", () => {
    expect(hex(encodeSockaddr({ address: "::1", port: 1 }))).toBe(
      "0a00" + "0001" + "00000000" + "00000000000000000000000000000001" + "00000000",
    );
  });

  test.each([-1, 2 ** 32, 0.5])("rejects flowinfo or scope id %p with a RangeError", (value) => {
    expect(() => encodeSockaddr({ address: "::1", port: 1, flowinfo: value })).toThrow(
      new RangeError(`flowinfo ${value} is not a u32`),
    );
    expect(() => encodeSockaddr({ address: "::1", port: 1, scopeId: value })).toThrow(
      new RangeError(`scope id ${value} is not a u32`),
    );
  });

  test.each([
    "localhost",
    "",
    "256.0.0.1",
    "1.2.3",
    " 127.0.0.1",
    "127.0.0.1 ",
    "[::1]",
    "::1%lo",
    "fe80::1%1",
    "1:2:3:4:5:6:7:8:9",
    "::g",
  ])("rejects %p, which is not a numeric IP literal", (address) => {
    expect(() => encodeSockaddr({ address, port: 1 })).toThrow(
      new RangeError(`not an IP address literal: ${JSON.stringify(address)}`),
    );
  });

  test("rejects text with an embedded NUL, which libc would read only up to the NUL", () => {
    expect(() => encodeSockaddr({ address: "127.0.0.1\0junk", port: 1 })).toThrow(RangeError);
    expect(() => encodeSockaddr({ address: "::1\0", port: 1 })).toThrow(RangeError);
    expect(parseIp("127.0.0.1\0")).toBeNull();
  });
});

describe("decodeSockaddr", () => {
  test.each([
    { family: "IPv4", address: "127.0.0.1", port: 8037, flowinfo: 0, scopeId: 0 },
    { family: "IPv4", address: "0.0.0.0", port: 0, flowinfo: 0, scopeId: 0 },
    { family: "IPv4", address: "255.255.255.255", port: 65535, flowinfo: 0, scopeId: 0 },
    { family: "IPv6", address: "::1", port: 37, flowinfo: 0, scopeId: 0 },
    { family: "IPv6", address: "fe80::1", port: 65535, flowinfo: 0xfffff, scopeId: 0xffffffff },
    { family: "IPv6", address: "2001:db8::1:0:0:1", port: 1, flowinfo: 1, scopeId: 2 },
  ] as const)("round-trips $address port $port", (addr) => {
    const bytes = encodeSockaddr(addr);
    expect(decodeSockaddr(bytes, bytes.byteLength)).toEqual({ ...addr });
  });

  test("prints IPv6 text the way inet_ntop (and so Python) does", () => {
    const printed = (address: string) => {
      const bytes = encodeSockaddr({ address, port: 1 });
      return decodeSockaddr(bytes, bytes.byteLength).address;
    };
    expect(printed("::ffff:127.0.0.1")).toBe("::ffff:127.0.0.1");
    expect(printed("::FFFF:7f00:1")).toBe("::ffff:127.0.0.1");
    expect(printed("2001:DB8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(printed("0:0:0:0:0:0:0:0")).toBe("::");
    expect(printed("2001:db8::0:1")).toBe("2001:db8::1");
  });

  test("reads the kernel's layout: a hand-built sockaddr_in6 from raw bytes", () => {
    const bytes = new Uint8Array(new ArrayBuffer(LINUX.sizeof_sockaddr_storage));
    bytes.set([10, 0, 0x1f, 0x65, 0, 0, 0, 7]);
    bytes.set([0xfe, 0x80], 8);
    bytes[23] = 1;
    bytes.set([5, 0, 0, 0], 24);
    expect(decodeSockaddr(bytes, 28)).toEqual({
      family: "IPv6",
      address: "fe80::1",
      port: 8037,
      flowinfo: 7,
      scopeId: 5,
    });
  });

  test("rejects a family it does not know and a length too short for the family", () => {
    const unix = new Uint8Array(new ArrayBuffer(110));
    unix[0] = 1; // AF_UNIX
    expect(() => decodeSockaddr(unix, 110)).toThrow(new RangeError("unsupported sockaddr: family 1, length 110"));
    const v4 = encodeSockaddr({ address: "127.0.0.1", port: 1 });
    expect(() => decodeSockaddr(v4, 8)).toThrow(new RangeError("unsupported sockaddr: family 2, length 8"));
    const v6 = encodeSockaddr({ address: "::1", port: 1 });
    expect(() => decodeSockaddr(v6, 24)).toThrow(new RangeError("unsupported sockaddr: family 10, length 24"));
  });

  test("reads the family as a little-endian 16-bit number: a high byte makes it another family", () => {
    for (const [low, high] of [
      [2, 1],
      [10, 1],
      [2, 0x80],
      [10, 0xff],
    ] as const) {
      const bytes = encodeSockaddr({ address: "::1", port: 1 });
      bytes[0] = low;
      bytes[1] = high;
      expect(() => decodeSockaddr(bytes, bytes.byteLength)).toThrow(
        new RangeError(`unsupported sockaddr: family ${low + 256 * high}, length 28`),
      );
      expect(isIpv4Sockaddr(bytes)).toBe(false);
      expect(ipv4Offset(bytes)).toBe(-1);
    }
  });

  test("reads each of the four IPv4 address bytes from its own place", () => {
    const bytes = encodeSockaddr({ address: "10.1.2.3", port: 0x1234 });
    expect(decodeSockaddr(bytes, 16)).toEqual({
      family: "IPv4",
      address: "10.1.2.3",
      port: 0x1234,
      flowinfo: 0,
      scopeId: 0,
    });
  });
});

describe("parseIp and formatIp", () => {
  test("parse IPv4 and IPv6 literals into their network-order bytes", () => {
    expect(parseIp("192.0.2.33")).toEqual({ family: "IPv4", bytes: new Uint8Array([192, 0, 2, 33]) });
    const v6 = parseIp("::ffff:192.0.2.33");
    expect(v6?.family).toBe("IPv6");
    expect(hex(v6!.bytes)).toBe("00000000000000000000ffffc0000221");
  });

  test("formatIp refuses a byte count that does not fit the family", () => {
    expect(() => formatIp("IPv4", new Uint8Array(16))).toThrow(RangeError);
    expect(() => formatIp("IPv6", new Uint8Array(4))).toThrow(RangeError);
  });
});

describe("SockaddrStorage with the kernel", () => {
  test("decodes what getsockname wrote for a socket bound to 127.0.0.1 port 0", () => {
    const fd = openSocket(LINUX.AF_INET, LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC);
    try {
      bindSocket(fd, encodeSockaddr({ address: "127.0.0.1", port: 0 }));
      const name = socketName(fd);
      expect(name.family).toBe("IPv4");
      expect(name.address).toBe("127.0.0.1");
      expect(name.port).toBeGreaterThan(0);
      expect(name.port).toBeLessThan(65536);
    } finally {
      closeFd(fd);
    }
  });

  test("decodes what getsockname wrote for a socket bound to ::1 port 0", () => {
    const fd = openSocket(LINUX.AF_INET6, LINUX.SOCK_STREAM | LINUX.SOCK_CLOEXEC);
    try {
      bindSocket(fd, encodeSockaddr({ address: "::1", port: 0 }));
      const name = socketName(fd);
      expect([name.family, name.address, name.flowinfo, name.scopeId]).toEqual(["IPv6", "::1", 0, 0]);
      expect(name.port).toBeGreaterThan(0);
    } finally {
      closeFd(fd);
    }
  });

  test("arm() sets the capacity to the full 128-byte sockaddr_storage", () => {
    const storage = new SockaddrStorage();
    storage.length[0] = 3;
    expect(storage.arm().length[0]).toBe(128);
  });
});

/** A sockaddr_storage as the kernel could write it: an IPv4, IPv6, IPv4-mapped or other family, and any bytes after. */
const rawSockaddr = fc
  .tuple(
    fc
      .constantFrom<[number, number]>([LINUX.AF_INET, 0], [LINUX.AF_INET6, 0], [LINUX.AF_INET6, 0], [1, 0])
      .chain((family) => fc.oneof(fc.constant(family), fc.tuple(fc.nat(255), fc.nat(255)))),
    fc.uint8Array({ minLength: 28, maxLength: 28 }),
    fc.boolean(),
    fc.nat(128),
  )
  .map(([[low, high], body, mapped, length]) => {
    const bytes = new Uint8Array(new ArrayBuffer(LINUX.sizeof_sockaddr_storage));
    bytes.set(body);
    bytes[0] = low;
    bytes[1] = high;
    // A mapped address (::ffff:a.b.c.d) is rare among random bytes: make half of them one.
    if (mapped) bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff], 8);
    return { bytes, length };
  });

/** The fields decodeSockaddr must find, read by arithmetic on byte positions (the layout test/unit/native/layout.test.ts checks against C). */
function expectedFields(bytes: Uint8Array) {
  const at = (i: number) => bytes[i]!;
  return {
    family: at(0) + 256 * at(1),
    port: 256 * at(2) + at(3),
    flowinfo: ((at(4) * 256 + at(5)) * 256 + at(6)) * 256 + at(7),
    scopeId: ((at(27) * 256 + at(26)) * 256 + at(25)) * 256 + at(24),
    mapped: bytes.subarray(8, 18).every((byte) => byte === 0) && at(18) === 0xff && at(19) === 0xff,
  };
}

describe("decoding any bytes (fast-check; a failure prints its seed)", () => {
  test(`decodeSockaddr reads exactly the kernel's fields, or throws a RangeError, for ${RUNS} random sockaddrs`, () => {
    fc.assert(
      fc.property(rawSockaddr, ({ bytes, length }) => {
        const want = expectedFields(bytes);
        const known =
          (want.family === LINUX.AF_INET && length >= 16) || (want.family === LINUX.AF_INET6 && length >= 28);
        if (!known) {
          expect(() => decodeSockaddr(bytes, length)).toThrow(
            new RangeError(`unsupported sockaddr: family ${want.family}, length ${length}`),
          );
          return;
        }
        const decoded = decodeSockaddr(bytes, length);
        expect(decoded.port).toBe(want.port);
        if (want.family === LINUX.AF_INET) {
          expect(decoded).toEqual({
            family: "IPv4",
            address: [...bytes.subarray(4, 8)].join("."),
            port: want.port,
            flowinfo: 0,
            scopeId: 0,
          });
        } else {
          expect([decoded.family, decoded.flowinfo, decoded.scopeId]).toEqual(["IPv6", want.flowinfo, want.scopeId]);
          expect(parseIp(decoded.address)).toEqual({ family: "IPv6", bytes: bytes.slice(8, 24) });
        }
      }),
      { numRuns: RUNS },
    );
  });

  test(`sourcePort, isIpv4Sockaddr, ipv4Offset and ipv4At agree with the same arithmetic for ${RUNS} random sockaddrs`, () => {
    fc.assert(
      fc.property(rawSockaddr, ({ bytes }) => {
        const want = expectedFields(bytes);
        expect(sourcePort(bytes)).toBe(want.port);
        expect(isIpv4Sockaddr(bytes)).toBe(want.family === LINUX.AF_INET);
        const offset = want.family === LINUX.AF_INET ? 4 : want.family === LINUX.AF_INET6 && want.mapped ? 20 : -1;
        expect(ipv4Offset(bytes)).toBe(offset);
        if (offset >= 0) {
          const address = bytes.subarray(offset, offset + 4);
          expect(ipv4At(bytes, offset)).toBe(
            ((address[0]! * 256 + address[1]!) * 256 + address[2]!) * 256 + address[3]!,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("source-address: the hot path's reads of raw sockaddr bytes", () => {
  test("ipv4Offset finds an IPv4 peer's address at 4 and a mapped peer's at 20; a native IPv6 peer has none", () => {
    const v4 = encodeSockaddr({ address: "192.0.2.1", port: 1 });
    expect([ipv4Offset(v4), ipv4At(v4, ipv4Offset(v4))]).toEqual([4, 0xc0000201]);
    const mapped = encodeSockaddr({ address: "::ffff:192.0.2.1", port: 1 });
    expect([ipv4Offset(mapped), ipv4At(mapped, ipv4Offset(mapped))]).toEqual([20, 0xc0000201]);
    expect(ipv4Offset(encodeSockaddr({ address: "2001:db8::c000:201", port: 1 }))).toBe(-1);
    expect(IPV6_OFFSET).toBe(8);
  });

  // One byte off the ::ffff:0:0/96 pattern, in each of its 12 places: a native IPv6 address, never matched as IPv4.
  test.each(Array.from({ length: 12 }, (_, i) => i))(
    "a source differing from ::ffff:0:0/96 in byte %i is not IPv4-mapped",
    (index) => {
      const bytes = encodeSockaddr({ address: "::ffff:192.0.2.1", port: 1 });
      bytes[IPV6_OFFSET + index] = index < 10 ? 1 : 0xfe;
      expect(ipv4Offset(bytes)).toBe(-1);
    },
  );

  test("a mapped-looking address of another family (AF_UNIX) is not IPv4", () => {
    const bytes = encodeSockaddr({ address: "::ffff:192.0.2.1", port: 1 });
    bytes[0] = 1;
    expect(ipv4Offset(bytes)).toBe(-1);
    expect(isIpv4Sockaddr(bytes)).toBe(false);
  });

  test("sourcePort reads the port big-endian at byte 2 in both families; isIpv4Sockaddr is true only for sockaddr_in", () => {
    const v4 = encodeSockaddr({ address: "127.0.0.1", port: 0xabcd });
    const v6 = encodeSockaddr({ address: "::ffff:127.0.0.1", port: 0x1234 });
    expect([sourcePort(v4), sourcePort(v6)]).toEqual([0xabcd, 0x1234]);
    expect([isIpv4Sockaddr(v4), isIpv4Sockaddr(v6)]).toEqual([true, false]);
  });
});
