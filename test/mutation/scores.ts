// Per-file mutation scores from Stryker's JSON report and our own mutants' results, and the table CI prints.

/** The statuses of mutation-testing-report-schema (Stryker's JSON report), the ones our runner gives included. */
export type MutantStatus =
  "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

export interface MutantResult {
  file: string;
  mutatorName: string;
  line: number;
  column: number;
  replacement: string;
  status: MutantStatus;
  /** For Ignored: the disable comment's reason. */
  statusReason?: string;
}

/** The part of Stryker's JSON report read here. */
interface StrykerReport {
  files: Record<
    string,
    {
      source: string;
      mutants: {
        mutatorName: string;
        replacement?: string;
        status: MutantStatus;
        statusReason?: string;
        location: { start: { line: number; column: number } };
      }[];
    }
  >;
}

export function strykerResults(report: StrykerReport): MutantResult[] {
  return Object.entries(report.files).flatMap(([file, { mutants }]) =>
    mutants.map((m) => ({
      file,
      mutatorName: m.mutatorName,
      line: m.location.start.line,
      column: m.location.start.column,
      replacement: m.replacement ?? "",
      status: m.status,
      statusReason: m.statusReason,
    })),
  );
}

export interface FileScore {
  file: string;
  killed: number;
  survived: number;
  timeout: number;
  noCoverage: number;
  /** Disabled in place as equivalent. */
  ignored: number;
  /** Compile or runtime errors: invalid mutants, left out of the score like Stryker does. */
  errors: number;
  /** Killed and timed out over killed, timed out, survived and uncovered, in percent; null with no valid mutant. */
  score: number | null;
}

/** The counts and score of `results`, under the name `file`. */
function scoreOf(file: string, results: readonly MutantResult[]): FileScore {
  const count = (...statuses: MutantStatus[]) => results.filter((r) => statuses.includes(r.status)).length;
  const killed = count("Killed");
  const survived = count("Survived");
  const timeout = count("Timeout");
  const noCoverage = count("NoCoverage");
  const valid = killed + survived + timeout + noCoverage;
  return {
    file,
    killed,
    survived,
    timeout,
    noCoverage,
    ignored: count("Ignored"),
    errors: count("CompileError", "RuntimeError"),
    score: valid === 0 ? null : (100 * (killed + timeout)) / valid,
  };
}

export function fileScores(files: readonly string[], results: readonly MutantResult[]): FileScore[] {
  return files.map((file) =>
    scoreOf(
      file,
      results.filter((r) => r.file === file),
    ),
  );
}

/** The per-file table and a total row over every mutant of `files`. */
export function scoreTable(files: readonly string[], results: readonly MutantResult[]): string {
  const header = ["file", "killed", "survived", "timeout", "no-cov", "disabled", "errors", "score"];
  const total = scoreOf(
    "total",
    results.filter((r) => files.includes(r.file)),
  );
  const rows = [...fileScores(files, results), total].map((s) => [
    s.file,
    String(s.killed),
    String(s.survived),
    String(s.timeout),
    String(s.noCoverage),
    String(s.ignored),
    String(s.errors),
    s.score === null ? "n/a" : `${s.score.toFixed(1)}%`,
  ]);
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [format(header), ...rows.map(format)].join("\n");
}
