// src/base/rfc868.ts: the 32-bit seconds-since-1900 value and its 4 big-endian bytes, against RFC 868's own examples, and back.
import { afterAll, describe, expect, test } from "bun:test";
import {
  SECONDS_1900_TO_1970,
  readTimestamp,
  rfc868Seconds,
  unixSecondsFromRfc868,
  writeTimestamp,
} from "../../../src/base/rfc868.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("rfc868Seconds", () => {
  // RFC 868, "The Time": "the time 2,208,988,800 corresponds to 00:00 1 Jan 1970 GMT", and so on.
  test.each([
    ["00:00 1 Jan 1970 GMT", Date.UTC(1970, 0, 1), 2_208_988_800],
    ["00:00 1 Jan 1976 GMT", Date.UTC(1976, 0, 1), 2_398_291_200],
    ["00:00 1 Jan 1980 GMT", Date.UTC(1980, 0, 1), 2_524_521_600],
    ["00:00 1 May 1983 GMT", Date.UTC(1983, 4, 1), 2_629_584_000],
  ])("gives the RFC's value for %s", (_, unixMs, expected) => {
    expect(rfc868Seconds(unixMs)).toBe(expected);
  });

  test("gives the RFC's -1,297,728,000 for 17 Nov 1858 as the unsigned 32-bit 2,997,239,296", () => {
    expect(rfc868Seconds(Date.UTC(1858, 10, 17))).toBe(2_997_239_296);
  });

  test("floors within a second: 999 ms after a second is still that second", () => {
    const second = Date.UTC(1980, 0, 1);
    expect(rfc868Seconds(second + 999)).toBe(2_524_521_600);
    expect(rfc868Seconds(second + 1000)).toBe(2_524_521_601);
  });

  test("floors toward the past before 1970: 1 ms before the epoch is 23:59:59 on 31 Dec 1969", () => {
    expect(rfc868Seconds(-1)).toBe(2_208_988_799);
    expect(rfc868Seconds(-999)).toBe(2_208_988_799);
    expect(rfc868Seconds(-1000)).toBe(2_208_988_799);
    expect(rfc868Seconds(-1001)).toBe(2_208_988_798);
  });

  test("is always an unsigned 32-bit integer, never negative and never 2^32", () => {
    for (const iso of [
      "1858-11-17T00:00:00Z",
      "1899-12-31T23:59:59.5Z",
      "2036-02-07T06:28:16Z",
      "2106-02-07T06:28:16Z",
    ]) {
      const value = rfc868Seconds(Date.parse(iso));
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    }
  });
});

describe("writeTimestamp", () => {
  test("writes 1 Jan 1970 as 83 aa 7e 80, most significant byte first", () => {
    expect(hex(writeTimestamp(Date.UTC(1970, 0, 1)))).toBe("83aa7e80");
  });

  test("writes 17 Nov 1858 as b2 a6 3e 00 (the RFC's negative value, mod 2^32)", () => {
    expect(hex(writeTimestamp(Date.UTC(1858, 10, 17)))).toBe("b2a63e00");
  });

  test("writes 2036-02-07T06:28:15Z as ff ff ff ff, the last second of the first era", () => {
    expect(hex(writeTimestamp(Date.parse("2036-02-07T06:28:15Z")))).toBe("ffffffff");
    expect(hex(writeTimestamp(Date.parse("2036-02-07T06:28:15.999Z")))).toBe("ffffffff");
  });

  test("writes 2036-02-07T06:28:16Z as 00 00 00 00: the value wraps instead of throwing or going negative", () => {
    expect(hex(writeTimestamp(Date.parse("2036-02-07T06:28:16Z")))).toBe("00000000");
    expect(hex(writeTimestamp(Date.parse("2036-02-07T06:28:17Z")))).toBe("00000001");
  });

  test("writes 2106-02-07T06:28:16Z (Unix 2^32 s) like 1 Jan 1970, one era later", () => {
    expect(hex(writeTimestamp(Date.parse("2106-02-07T06:28:16Z")))).toBe("83aa7e80");
    expect(hex(writeTimestamp(Date.parse("2106-02-07T06:28:15Z")))).toBe("83aa7e7f");
  });

  test("fills and returns the buffer it is given, so the hot path allocates nothing", () => {
    const out = new Uint8Array(new ArrayBuffer(4)).fill(0x55);
    const returned = writeTimestamp(Date.UTC(1983, 4, 1), out);
    expect(returned).toBe(out);
    expect(hex(out)).toBe("9cbc4480");
  });
});

describe("readTimestamp", () => {
  test("reads the bytes writeTimestamp writes, at each byte's extremes and at the sign bit", () => {
    for (const value of [
      0, 1, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000, 0x7fffffff, 0x80000000, 0x83aa7e80, 0xfffffffe,
      0xffffffff,
    ]) {
      const bytes = new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
      expect(readTimestamp(bytes)).toBe(value);
    }
  });

  test("weighs each byte by its place: 01 02 03 04 is 0x01020304", () => {
    expect(readTimestamp(new Uint8Array([1, 2, 3, 4]))).toBe(0x01020304);
    expect(readTimestamp(new Uint8Array([4, 3, 2, 1]))).toBe(0x04030201);
  });

  test.each([0, 1, 3, 5, 8])(
    "refuses %i bytes, naming the count, rather than reading a short or long reply as a time",
    (length) => {
      expect(() => readTimestamp(new Uint8Array(length))).toThrow(
        new RangeError(`an RFC 868 timestamp is 4 bytes, got ${length}`),
      );
    },
  );

  test("reads a 4-byte view into a larger buffer by its own length, not the buffer's", () => {
    const buffer = new Uint8Array([0xaa, 0x83, 0xaa, 0x7e, 0x80, 0xbb]);
    expect(readTimestamp(buffer.subarray(1, 5))).toBe(SECONDS_1900_TO_1970);
  });
});

describe("unixSecondsFromRfc868", () => {
  test("1970 is 0, and the window's ends sit either side of the 2036 wrap", () => {
    expect(unixSecondsFromRfc868(SECONDS_1900_TO_1970)).toBe(0);
    expect(unixSecondsFromRfc868(SECONDS_1900_TO_1970 + 1)).toBe(1);
    expect(unixSecondsFromRfc868(0xffffffff)).toBe(0xffffffff - SECONDS_1900_TO_1970);
    // Below 1970's value the stamp is after the wrap: 0 is 2036-02-07T06:28:16Z, the last is 2106-02-07T06:28:15Z.
    expect(unixSecondsFromRfc868(0)).toBe(Date.parse("2036-02-07T06:28:16Z") / 1000);
    expect(unixSecondsFromRfc868(SECONDS_1900_TO_1970 - 1)).toBe(Date.parse("2106-02-07T06:28:15Z") / 1000);
  });
});
