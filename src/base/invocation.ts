// How this process was started: as the single executable (bun build --compile) or as a script under bun.
import { basename, relative } from "node:path";

/**
 * Inside a compiled executable the entry module lives in Bun's embedded file system, a path that
 * never exists on disk; run from source, Bun.main is the script's real path.
 */
export const COMPILED = Bun.main.startsWith("/$bunfs/");

/** The program as invoked, for usage lines: `rfc868` for the executable, `bun run src/server.ts` from a checkout. */
export function programName(): string {
  return COMPILED ? basename(process.argv0) : `bun run ${relative(process.cwd(), Bun.main)}`;
}

/**
 * The argv that runs this same program again with the same arguments. A compiled executable takes
 * every argument after argv[0] as the user's, and its process.argv[1] is the bundle's virtual path
 * (/$bunfs/root/...), so that one is left out; argv[0] stays as invoked, so the name is kept.
 */
export function selfArgv(): string[] {
  if (COMPILED) return [process.argv0, ...process.argv.slice(2)];
  return [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
}
