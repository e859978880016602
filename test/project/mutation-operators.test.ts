// test/mutation/own-mutators.ts: which mutants our own mutators make, and which disable comments switch off.
import { describe, expect, test } from "bun:test";
import { applyMutant, ownMutants } from "../mutation/own-mutators.ts";
import { useSuiteTimeout } from "../support/suite-timeout.ts";

useSuiteTimeout();

const made = (source: string) =>
  ownMutants("x.ts", source).map(
    (m) => `${m.line} ${m.mutatorName} ${m.original}->${m.replacement}${m.disabledBecause === null ? "" : " (off)"}`,
  );

describe("own mutators", () => {
  test("swap each bitwise operator for the five others, naming the often-equivalent pairs apart", () => {
    expect(made("a >>> b;\na | b;\n")).toEqual([
      "1 BitwiseOperator >>>->&",
      "1 BitwiseOperator >>>->|",
      "1 BitwiseOperator >>>->^",
      "1 BitwiseOperator >>>-><<",
      "1 ShiftSign >>>->>>",
      "2 BitwiseOperator |->&",
      "2 OrXor |->^",
      "2 BitwiseOperator |-><<",
      "2 BitwiseOperator |->>>",
      "2 BitwiseOperator |->>>>",
    ]);
  });

  test("leave to Stryker the compound swaps its AssignmentOperator makes (&= |=, <<= >>=)", () => {
    expect(made("x &= y;")).toEqual([
      "1 BitwiseOperator &=->^=",
      "1 BitwiseOperator &=-><<=",
      "1 BitwiseOperator &=->>>=",
      "1 BitwiseOperator &=->>>>=",
    ]);
    expect(made("x >>= y;")).toEqual([
      "1 BitwiseOperator >>=->&=",
      "1 BitwiseOperator >>=->|=",
      "1 BitwiseOperator >>=->^=",
      "1 ShiftSign >>=->>>>=",
    ]);
  });

  test("move numeric literals by one (0 only up), keeping hex as hex; literal types and property names are not arithmetic", () => {
    expect(made("const a: 0 | 1 = 0;\nconst b = { 7: 0xff };\n")).toEqual([
      "1 NumericLiteral 0->1",
      "2 NumericLiteral 0xff->0x100",
      "2 NumericLiteral 0xff->0xfe",
    ]);
  });

  test("find operators by syntax: a union type, a string and a comment hold none", () => {
    expect(made('type T = A | B;\nconst s = "a | b >> 2"; // c & d\n')).toEqual([]);
  });

  test("honour `Stryker disable next-line` for the named mutators only, past further comment lines, and after a template literal", () => {
    const source = [
      "const t = `${a}`;",
      "// Stryker disable next-line OrXor: disjoint bits",
      "// another comment",
      "x = a | 2;",
      "y = a | 2;",
    ].join("\n");
    const mutants = ownMutants("x.ts", source);
    expect(
      mutants.filter((m) => m.disabledBecause !== null).map((m) => `${m.line} ${m.mutatorName} ${m.disabledBecause}`),
    ).toEqual(["4 OrXor disjoint bits"]);
    expect(mutants.filter((m) => m.line === 5 && m.disabledBecause === null)).toHaveLength(7);
  });

  test("honour a ranged `Stryker disable` until its `restore`", () => {
    const source = [
      "// Stryker disable NumericLiteral: table",
      "a = 1;",
      "// Stryker restore NumericLiteral",
      "b = 1;",
    ].join("\n");
    expect(made(source)).toEqual([
      "2 NumericLiteral 1->2 (off)",
      "2 NumericLiteral 1->0 (off)",
      "4 NumericLiteral 1->2",
      "4 NumericLiteral 1->0",
    ]);
  });

  test("applyMutant replaces exactly the mutated token", () => {
    const source = "return a >> 8 | b;";
    const mutant = ownMutants("x.ts", source).find((m) => m.mutatorName === "ShiftSign")!;
    expect(applyMutant(source, mutant)).toBe("return a >>> 8 | b;");
  });
});
