// A set of CIDR blocks as sorted, disjoint address ranges: membership of a raw sockaddr source by binary search, O(log n).
import { IPV6_OFFSET, ipv4At } from "../../native/index.ts";
import type { Cidr } from "./cidr.ts";

/** One family's disjoint ranges, sorted: range i's first and last address at [i * words, (i + 1) * words) of each. */
export interface RangeTable {
  readonly firsts: Uint32Array;
  readonly lasts: Uint32Array;
}

/** An AddressSet's ranges as plain typed arrays: what a worker thread builds and posts (their buffers transferred), and AddressSet wraps as they are. */
export interface RangeTables {
  readonly v4: RangeTable;
  readonly v6: RangeTable;
}

/**
 * One family's blocks as ranges of addresses, each address `words` big-endian 32-bit words
 * (IPv4: 1, IPv6: 4), range i at [i * words, (i + 1) * words) of `firsts` and `lasts`.
 */
class Ranges {
  readonly firsts: Uint32Array;
  readonly lasts: Uint32Array;
  /** The source being looked up, as words: one scratch array, so a lookup allocates nothing. */
  readonly #source: Uint32Array;

  constructor(
    readonly words: number,
    { firsts, lasts }: RangeTable,
  ) {
    this.firsts = firsts;
    this.lasts = lasts;
    this.#source = new Uint32Array(words);
  }

  get length(): number {
    return this.firsts.length / this.words;
  }

  /** Whether the address of `words` words at `offset` in `sockaddr` lies in a range. */
  holds(sockaddr: Uint8Array, offset: number): boolean {
    const { words, firsts } = this;
    const source = this.#source;
    // Stryker disable next-line EqualityOperator: a typed array ignores the write at index words.
    for (let k = 0; k < words; k++) source[k] = ipv4At(sockaddr, offset + 4 * k);
    // The last range starting at or before the source is the only one that can hold it.
    let low = 0;
    let high = this.length;
    while (low < high) {
      // Stryker disable next-line ShiftSign: low + high is a small non-negative count: `>>` and `>>>` agree.
      const mid = (low + high) >>> 1;
      if (atOrBefore(firsts, mid * words, source, 0, words)) low = mid + 1;
      else high = mid;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at low 0, lasts[-words] reads undefined, and no word is <= undefined: false either way.
    return low > 0 && atOrBefore(source, 0, this.lasts, (low - 1) * words, words);
  }
}

/**
 * One family's blocks as a range table. CIDR blocks either nest or do not meet, so sorting by first address
 * (the larger block first on a tie) and dropping every block inside the one kept before it leaves disjoint ranges.
 */
function rangeTable(words: number, blocks: readonly Cidr[]): RangeTable {
  const rows = words === 1 ? sortedIpv4(blocks) : sortedIpv6(blocks);
  const width = words + 1;
  const firsts = new Uint32Array(blocks.length * words);
  const lasts = new Uint32Array(blocks.length * words);
  let count = 0;
  for (let row = 0; row < rows.length; row += width) {
    const at = count * words;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at count 0, lasts[-1] reads undefined, and no word is <= undefined: nothing is skipped either way.
    if (count > 0 && atOrBefore(rows, row, lasts, at - words, words)) continue; // inside the range kept before
    const prefix = rows[row + words]!;
    // Stryker disable next-line EqualityOperator: the extra word written at k = words is overwritten by the next range kept, or sliced off below.
    for (let k = 0; k < words; k++) {
      firsts[at + k] = rows[row + k]!;
      lasts[at + k] = lastWord(rows[row + k]!, prefix - 32 * k);
    }
    count++;
  }
  return {
    firsts: firsts.slice(0, count * words),
    // Stryker disable next-line MethodExpression: words past count * words are never read: length and the search go by firsts.
    lasts: lasts.slice(0, count * words),
  };
}

// The two sorts below return the blocks as rows (first address as words, then prefix), sorted by
// address then prefix. Each hands the comparison to a native sort: an array sort with a JS comparator
// was ten times slower on an operator-sized list (bench/PROFILE.md).

/** IPv4: one number per block, first * 64 + prefix (exact: below 2^38), in a Float64Array's numeric sort. */
function sortedIpv4(blocks: readonly Cidr[]): Uint32Array {
  const keys = new Float64Array(blocks.length);
  for (let i = 0; i < blocks.length; i++) keys[i] = ipv4At(blocks[i]!.bytes, 0) * 64 + blocks[i]!.prefix;
  keys.sort();
  // Stryker disable next-line NumericLiteral: the extra rows are zeros (address 0, /0), and 0 is at or before any kept range's last address, so they are skipped.
  const rows = new Uint32Array(keys.length * 2);
  // Stryker disable next-line EqualityOperator: a typed array ignores the writes at i = keys.length.
  for (let i = 0; i < keys.length; i++) {
    rows[2 * i] = Math.floor(keys[i]! / 64);
    rows[2 * i + 1] = keys[i]! % 64;
  }
  return rows;
}

/** IPv6: one string per block, its address as 8 big-endian 16-bit units then its prefix, in the string sort (by unit value). */
function sortedIpv6(blocks: readonly Cidr[]): Uint32Array {
  // Stryker disable next-line ArrayDeclaration: the loop below fills every index; a presized array only saves regrowth.
  const keys: string[] = new Array(blocks.length);
  for (let i = 0; i < blocks.length; i++) {
    const { bytes, prefix } = blocks[i]!;
    keys[i] = String.fromCharCode(
      unit(bytes, 0),
      unit(bytes, 2),
      unit(bytes, 4),
      unit(bytes, 6),
      unit(bytes, 8),
      unit(bytes, 10),
      unit(bytes, 12),
      unit(bytes, 14),
      prefix,
    );
  }
  keys.sort();
  // Stryker disable next-line NumericLiteral: with 6 the zero rows past the keys hold 0.0.0.0 or ::, at or before the range kept last, so they are skipped as inside it.
  const rows = new Uint32Array(keys.length * 5);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    rows[5 * i + 4] = key.charCodeAt(8);
    // A Uint32Array store takes the word as unsigned, so no `>>> 0`.
    // Stryker disable next-line OrXor: the two units land on bits 16-31 and 0-15: `^` is the same sum.
    for (let k = 0; k < 4; k++) rows[5 * i + k] = (key.charCodeAt(2 * k) << 16) | key.charCodeAt(2 * k + 1);
  }
  return rows;
}

/** The big-endian 16-bit unit at `at`. */
function unit(bytes: Uint8Array, at: number): number {
  // Stryker disable next-line OrXor: the two bytes land on bits 8-15 and 0-7: `^` is the same sum.
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/** A word of a block's last address, from the same word of its first and the network bits inside that word; for a Uint32Array, so a set top bit may come back as the sign. */
function lastWord(first: number, networkBits: number): number {
  if (networkBits >= 32) return first;
  // Stryker disable next-line EqualityOperator: at 0 bits the lines below give the same word once stored (-1, which the Uint32Array reads as 0xffffffff).
  if (networkBits <= 0) return 0xffffffff;
  // Stryker disable next-line NumericLiteral: networkBits is 1-31 here, so the mask's lowest bit is shifted out: 0xfffffffe gives the same mask.
  const hostBits = 0xffffffff >>> networkBits;
  // A Uint32Array store takes the word as unsigned, so no `>>> 0`.
  // Stryker disable next-line OrXor: parseCidr refuses host bits, so first has none under the mask: `^` is `|`.
  return first | hostBits;
}

/** Whether the `words` words at a[i..] are, as one unsigned number, at most those at b[j..]. */
function atOrBefore(a: Uint32Array, i: number, b: Uint32Array, j: number, words: number): boolean {
  // Stryker disable next-line EqualityOperator: reached only where the words differ, so `<=` is `<`.
  for (let k = 0; k < words; k++) if (a[i + k] !== b[j + k]) return a[i + k]! < b[j + k]!;
  return true;
}

function rangeTables(blocks: readonly Cidr[]): RangeTables {
  return {
    v4: rangeTable(
      1,
      blocks.filter((cidr) => cidr.ipv4),
    ),
    v6: rangeTable(
      4,
      blocks.filter((cidr) => !cidr.ipv4),
    ),
  };
}

/** The blocks of an --allow or --deny list, asked about raw sockaddr sources on the hot path. */
export class AddressSet {
  readonly #v4: Ranges;
  readonly #v6: Ranges;

  /** The set of `blocks`, or the set whose ranges were built already (`tables`, from another AddressSet): wrapped, not copied. */
  constructor(source: readonly Cidr[] | RangeTables) {
    const tables = Array.isArray(source) ? rangeTables(source) : (source as RangeTables);
    this.#v4 = new Ranges(1, tables.v4);
    this.#v6 = new Ranges(4, tables.v6);
  }

  /** Its ranges, for another thread to wrap (transfer their buffers: this set is then unusable). */
  get tables(): RangeTables {
    const plain = ({ firsts, lasts }: Ranges) => ({ firsts, lasts });
    return { v4: plain(this.#v4), v6: plain(this.#v6) };
  }

  /** Disjoint ranges left (nested blocks fold into the block holding them). */
  get ranges(): number {
    return this.#v4.length + this.#v6.length;
  }

  /**
   * Whether the source in `sockaddr` lies in a block. `v4Offset` is ipv4Offset(sockaddr): IPv4 and
   * IPv4-mapped sources match only IPv4 blocks, native IPv6 sources only IPv6 blocks.
   */
  has(sockaddr: Uint8Array, v4Offset: number): boolean {
    // Stryker disable next-line EqualityOperator,NumericLiteral: v4Offset is 4, 20 (sockaddr offsets) or -1: `> 0` and `>= 1` read the same.
    return v4Offset >= 0 ? this.#v4.holds(sockaddr, v4Offset) : this.#v6.holds(sockaddr, IPV6_OFFSET);
  }
}
