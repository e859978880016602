// native/fdset.ts: FdSet's operations, its exact glibc bit layout, and its refusal of fds select() cannot take.
import { afterAll, describe, expect, test } from "bun:test";
import { FdSet, FD_SETSIZE } from "../../../native/fdset.ts";
import { checkSelectableFd } from "../../../native/checked-int.ts";
import { killAll } from "../../support/server-process.ts";
import { useSuiteTimeout } from "../../support/suite-timeout.ts";

useSuiteTimeout();

afterAll(killAll);

/** The (byte, mask) pairs of every set bit, to compare layouts without trusting has(). */
function setBits(set: FdSet): [number, number][] {
  const bits: [number, number][] = [];
  set.bytes.forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) bits.push([index, 1 << bit]);
  });
  return bits;
}

describe("FdSet", () => {
  test("starts empty: 128 zero bytes, the size of glibc's fd_set", () => {
    const set = new FdSet();
    expect(set.bytes.byteLength).toBe(128);
    expect(set.bytes.every((byte) => byte === 0)).toBe(true);
    expect(set.has(0)).toBe(false);
    expect(set.has(1023)).toBe(false);
  });

  test("has() reports exactly the fds that were added", () => {
    const set = new FdSet();
    for (const fd of [0, 3, 9, 64, 1023]) set.add(fd);
    const present = Array.from({ length: FD_SETSIZE }, (_, fd) => fd).filter((fd) => set.has(fd));
    expect(present).toEqual([0, 3, 9, 64, 1023]);
  });

  test("puts fd 9 at byte 1, bit 1 (mask 0x02)", () => {
    const set = new FdSet();
    set.add(9);
    expect(setBits(set)).toEqual([[1, 0x02]]);
  });

  test("puts fd 0 at byte 0 mask 0x01, fd 63 and 64 on either side of a byte (and word) boundary, fd 1023 at byte 127 mask 0x80", () => {
    for (const [fd, byte, mask] of [
      [0, 0, 0x01],
      [63, 7, 0x80],
      [64, 8, 0x01],
      [1023, 127, 0x80],
    ] as const) {
      const set = new FdSet();
      set.add(fd);
      expect(setBits(set)).toEqual([[byte, mask]]);
    }
  });

  test("add() is idempotent and delete() clears only its own bit", () => {
    const set = new FdSet();
    set.add(8);
    set.add(9);
    set.add(9);
    expect(setBits(set)).toEqual([
      [1, 0x01],
      [1, 0x02],
    ]);
    expect(set.has(9)).toBe(true);
    set.delete(9);
    expect(setBits(set)).toEqual([[1, 0x01]]);
    set.delete(9);
    expect(set.has(8)).toBe(true);
    expect(set.has(9)).toBe(false);
  });

  // Every fd, with the byte and mask computed by division instead of shifts: add() sets exactly its bit in an empty set,
  // delete() clears exactly its bit in a full one, and has() sees the difference.
  test("every fd from 0 to 1023: add() sets only byte fd / 8, bit fd % 8; delete() clears only that bit", () => {
    for (let fd = 0; fd < FD_SETSIZE; fd++) {
      const byte = Math.floor(fd / 8);
      const mask = 2 ** (fd % 8);
      const empty = new FdSet();
      empty.add(fd);
      expect(setBits(empty)).toEqual([[byte, mask]]);
      expect(empty.has(fd)).toBe(true);
      const full = new FdSet();
      full.bytes.fill(0xff);
      full.delete(fd);
      expect(full.has(fd)).toBe(false);
      expect(full.bytes.findIndex((value, index) => value !== (index === byte ? 0xff - mask : 0xff))).toBe(-1);
      if (fd > 0) expect(full.has(fd - 1)).toBe(true);
    }
  });

  test("clear() empties every byte", () => {
    const set = new FdSet();
    for (let fd = 0; fd < FD_SETSIZE; fd += 7) set.add(fd);
    set.clear();
    expect(setBits(set)).toEqual([]);
  });

  test("copyFrom() makes an equal copy that later changes to either side do not reach", () => {
    const master = new FdSet();
    const scratch = new FdSet();
    master.add(5);
    master.add(700);
    scratch.add(6);
    scratch.copyFrom(master);
    expect(setBits(scratch)).toEqual(setBits(master));
    expect(scratch.has(6)).toBe(false);
    scratch.delete(5);
    master.add(9);
    expect(master.has(5)).toBe(true);
    expect(scratch.has(9)).toBe(false);
    expect(scratch.bytes.buffer).not.toBe(master.bytes.buffer);
  });

  test.each([-1, 1024, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "add, delete and has throw a RangeError for fd %p",
    (fd) => {
      const set = new FdSet();
      expect(() => set.add(fd)).toThrow(RangeError);
      expect(() => set.delete(fd)).toThrow(RangeError);
      expect(() => set.has(fd)).toThrow(RangeError);
      expect(() => checkSelectableFd(fd)).toThrow(RangeError);
      expect(setBits(set)).toEqual([]);
    },
  );

  test("names FD_SETSIZE in the error for an fd that is too large", () => {
    expect(() => new FdSet().add(1024)).toThrow(
      new RangeError("fd 1024 cannot enter an fd_set (valid: 0 to 1023, FD_SETSIZE)"),
    );
  });
});
