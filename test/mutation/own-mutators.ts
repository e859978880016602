// The mutants Stryker does not make (bitwise operators swapped, numeric literals ±1), found with the TypeScript compiler API.
import ts from "typescript";

/**
 * Our mutator names, as `// Stryker disable next-line <name>: <why>` comments name them. The two
 * swaps that are most often equivalent have names of their own, so a comment disabling them leaves
 * the other swaps of that line live: ShiftSign (`>>>` <-> `>>`, equal where the top bits are
 * dropped) and OrXor (`|` <-> `^`, equal where no two terms share a bit).
 */
export const OWN_MUTATORS = ["BitwiseOperator", "ShiftSign", "OrXor", "NumericLiteral"] as const;
export type OwnMutatorName = (typeof OWN_MUTATORS)[number];

export interface OwnMutant {
  mutatorName: OwnMutatorName;
  /** 1-based, as in Stryker's report. */
  line: number;
  column: number;
  /** The source range replaced, and its text before and after. */
  start: number;
  end: number;
  original: string;
  replacement: string;
  /** The reason of the disable comment that covers this mutant, or null when it is live. */
  disabledBecause: string | null;
}

const BITWISE_OPERATORS = ["&", "|", "^", "<<", ">>", ">>>"] as const;

const BINARY: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.AmpersandToken, "&"],
  [ts.SyntaxKind.BarToken, "|"],
  [ts.SyntaxKind.CaretToken, "^"],
  [ts.SyntaxKind.LessThanLessThanToken, "<<"],
  [ts.SyntaxKind.GreaterThanGreaterThanToken, ">>"],
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken, ">>>"],
]);

const COMPOUND: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.AmpersandEqualsToken, "&"],
  [ts.SyntaxKind.BarEqualsToken, "|"],
  [ts.SyntaxKind.CaretEqualsToken, "^"],
  [ts.SyntaxKind.LessThanLessThanEqualsToken, "<<"],
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken, ">>"],
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken, ">>>"],
]);

/** Stryker's AssignmentOperator already makes these (`&=` <-> `|=`, `<<=` <-> `>>=`): not made twice. */
const STRYKER_MAKES = new Set(["&=>|=", "|=>&=", "<<=>>>=", ">>=><<="]);

/**
 * Stryker's own directive (instrumenter/src/transformers/directive-bookkeeper.ts), read here the same
 * way: `next-line` covers the next line that is not a comment, a bare `disable` runs until `restore`.
 */
const DIRECTIVE = /^\s?Stryker (disable|restore)(?: (next-line))? ([a-zA-Z, ]+)(?::(.+)?)?/;

interface Directive {
  kind: "disable" | "restore";
  nextLine: boolean;
  mutators: string[];
  reason: string;
}

/** For each 0-based line, why each of our mutators is disabled there (absent: live). */
function disabledLines(source: ts.SourceFile): Map<number, Map<string, string>> {
  const byLine = new Map<number, Directive[]>();
  const text = source.text;
  // Comments are trivia: each is leading or trailing trivia of some token, which getChildren() reaches.
  const seen = new Set<number>();
  const collect = (node: ts.Node): void => {
    const ranges = [
      ...(ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(text, node.end) ?? []),
    ];
    for (const range of ranges) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      const body = text.slice(range.pos, range.end).replace(/^\/[/*]|\*\/$/g, "");
      const match = DIRECTIVE.exec(body);
      if (!match) continue;
      const line = source.getLineAndCharacterOfPosition(range.pos).line;
      const directive: Directive = {
        kind: match[1] as "disable" | "restore",
        nextLine: match[2] !== undefined,
        mutators: match[3]!.split(",").map((name) => name.trim().toLowerCase()),
        reason: (match[4] ?? "Ignored using a comment").trim(),
      };
      byLine.set(line, [...(byLine.get(line) ?? []), directive]);
    }
    for (const child of node.getChildren(source)) collect(child);
  };
  collect(source);
  const lines = text.split("\n");
  const result = new Map<number, Map<string, string>>();
  const ranged = new Map<string, string>();
  let pending: Directive[] = [];
  for (let line = 0; line < lines.length; line++) {
    const directives = byLine.get(line) ?? [];
    for (const directive of directives.filter((d) => !d.nextLine)) {
      for (const name of directive.mutators) {
        if (directive.kind === "disable") ranged.set(name, directive.reason);
        else if (name === "all") ranged.clear();
        else ranged.delete(name);
      }
    }
    pending.push(...directives.filter((d) => d.nextLine));
    const disabled = new Map(ranged);
    if (!/^\s*(\/\/.*)?$/.test(lines[line]!)) {
      for (const directive of pending) {
        for (const name of directive.mutators) {
          if (directive.kind === "disable") disabled.set(name, directive.reason);
          else disabled.delete(name);
        }
      }
      pending = [];
    }
    if (disabled.size > 0) result.set(line, disabled);
  }
  return result;
}

function bitwiseMutator(from: string, to: string): OwnMutatorName {
  const pair = [from, to].sort().join(" ");
  return pair === ">> >>>" ? "ShiftSign" : pair === "^ |" ? "OrXor" : "BitwiseOperator";
}

/** A numeric literal's neighbours: n+1 and n-1, but 0 only becomes 1 (a negative literal does not exist). */
function literalReplacements(node: ts.NumericLiteral, source: ts.SourceFile): string[] {
  const value = Number(node.text);
  const hex = /^0x/i.test(node.getText(source));
  const write = (n: number) => (hex ? `0x${n.toString(16)}` : String(n));
  return value === 0 ? [write(1)] : [write(value + 1), write(value - 1)];
}

/** Every mutant of ours in `text` (the file at `fileName`), disabled ones included with their reason. */
export function ownMutants(fileName: string, text: string): OwnMutant[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const disabled = disabledLines(source);
  const mutants: OwnMutant[] = [];
  const add = (mutatorName: OwnMutatorName, start: number, end: number, replacement: string) => {
    const { line, character } = source.getLineAndCharacterOfPosition(start);
    const reasons = disabled.get(line);
    mutants.push({
      mutatorName,
      line: line + 1,
      column: character + 1,
      start,
      end,
      original: text.slice(start, end),
      replacement,
      disabledBecause: reasons?.get(mutatorName.toLowerCase()) ?? reasons?.get("all") ?? null,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node)) {
      const token = node.operatorToken;
      const operator = BINARY.get(token.kind) ?? COMPOUND.get(token.kind);
      const compound = COMPOUND.has(token.kind) ? "=" : "";
      if (operator !== undefined) {
        for (const other of BITWISE_OPERATORS) {
          if (other === operator || STRYKER_MAKES.has(`${operator}${compound}>${other}${compound}`)) continue;
          add(bitwiseMutator(operator, other), token.getStart(source), token.end, other + compound);
        }
      }
    }
    // A literal type (`port: 0`) or a property name is not arithmetic.
    if (
      ts.isNumericLiteral(node) &&
      !ts.isLiteralTypeNode(node.parent) &&
      !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)
    ) {
      for (const replacement of literalReplacements(node, source))
        add("NumericLiteral", node.getStart(source), node.end, replacement);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mutants;
}

/** `text` with `mutant` applied. */
export function applyMutant(text: string, mutant: OwnMutant): string {
  return text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end);
}
