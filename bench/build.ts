// Compile the bench's C programs (load generator, C reference peer) with the system cc -O2 into bench/.build/.
import { mkdirSync, renameSync, statSync } from "node:fs";

const BENCH = new URL(".", import.meta.url).pathname;
export const BUILD_DIR = `${BENCH}.build`;

/** Each program's source, then the files it #includes (a binary older than any of them is rebuilt). */
export const C_PROGRAMS = {
  loadgen: [`${BENCH}loadgen.c`],
  "c-select": [`${BENCH}peers/c-select.c`],
  "c-mmsg": [`${BENCH}peers/c-mmsg.c`, `${BENCH}peers/c-select.c`],
} as const;

export type CProgram = keyof typeof C_PROGRAMS;

/** The system C compiler, or null when there is none (the bench cannot run; the smoke test skips). */
export function findCompiler(): string | null {
  return Bun.which("cc");
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Build `program` unless its binary is newer than its source; returns the binary's path. */
export async function buildProgram(cc: string, program: CProgram): Promise<string> {
  const [source, ...included] = C_PROGRAMS[program];
  const binary = `${BUILD_DIR}/${program}`;
  if (mtimeMs(binary) > Math.max(mtimeMs(source), ...included.map(mtimeMs))) return binary;
  mkdirSync(BUILD_DIR, { recursive: true });
  // Build to a private name, then rename: a concurrent bench (or the smoke test) never runs a half-written binary.
  const partial = `${binary}.${process.pid}.tmp`;
  const proc = Bun.spawn([cc, "-O2", "-Wall", "-Wextra", "-o", partial, source], { stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`${cc} -O2 ${source} failed (exit ${code}):\n${stderr}`);
  renameSync(partial, binary);
  return binary;
}

export async function buildAll(cc: string): Promise<Record<CProgram, string>> {
  return {
    loadgen: await buildProgram(cc, "loadgen"),
    "c-select": await buildProgram(cc, "c-select"),
    "c-mmsg": await buildProgram(cc, "c-mmsg"),
  };
}
