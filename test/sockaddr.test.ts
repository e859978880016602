// native/sockaddr.ts and inet.ts: sockaddr_in/sockaddr_in6 bytes, round trips, inet_ntop text, and rejected input.
import { afterAll, describe, expect, test } from "bun:test";
import { LINUX } from "../native/platform.ts";
import { SockaddrStorage, decodeSockaddr, encodeSockaddr } from "../native/sockaddr.ts";
import { formatIp, parseIp } from "../native/inet.ts";
import { bindSocket, closeFd, openSocket, socketName } from "../native/socket.ts";
import { killAll } from "./support/server-process.ts";
import { useSuiteTimeout } from "./support/suite-timeout.ts";

useSuiteTimeout();

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
    expect(hex(bytes)).toBe(
      "0a00" + "0025" + "000abcde" + "fe800000000000000000000000010002" + "04030201",
    );
  });

  test("gives each struct its own ArrayBuffer of exactly the struct's size (the address libc sees never moves)", () => {
    const v4 = encodeSockaddr({ address: "10.0.0.1", port: 1 });
    const v6 = encodeSockaddr({ address: "::1", port: 1 });
    expect([v4.byteOffset, v4.buffer.byteLength]).toEqual([0, 16]);
    expect([v6.byteOffset, v6.buffer.byteLength]).toEqual([0, 28]);
  });

  test.each([-1, 65536, 1.5, Number.NaN, 2 ** 31])("rejects port %p with a RangeError", (port) => {
    expect(() => encodeSockaddr({ address: "127.0.0.1", port })).toThrow(RangeError);
  });

  test.each([-1, 2 ** 32, 0.5])("rejects flowinfo or scope id %p with a RangeError", (value) => {
    expect(() => encodeSockaddr({ address: "::1", port: 1, flowinfo: value })).toThrow(RangeError);
    expect(() => encodeSockaddr({ address: "::1", port: 1, scopeId: value })).toThrow(RangeError);
  });

  test.each(["localhost", "", "256.0.0.1", "1.2.3", " 127.0.0.1", "127.0.0.1 ", "[::1]", "::1%lo", "fe80::1%1", "1:2:3:4:5:6:7:8:9", "::g"])(
    "rejects %p, which is not a numeric IP literal",
    (address) => {
      expect(() => encodeSockaddr({ address, port: 1 })).toThrow(RangeError);
    },
  );

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
    expect(decodeSockaddr(bytes, 28)).toEqual({ family: "IPv6", address: "fe80::1", port: 8037, flowinfo: 7, scopeId: 5 });
  });

  test("rejects a family it does not know and a length too short for the family", () => {
    const unix = new Uint8Array(new ArrayBuffer(110));
    unix[0] = 1; // AF_UNIX
    expect(() => decodeSockaddr(unix, 110)).toThrow(RangeError);
    const v4 = encodeSockaddr({ address: "127.0.0.1", port: 1 });
    expect(() => decodeSockaddr(v4, 8)).toThrow(RangeError);
    const v6 = encodeSockaddr({ address: "::1", port: 1 });
    expect(() => decodeSockaddr(v6, 24)).toThrow(RangeError);
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
