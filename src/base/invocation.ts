// How this process was started: as the single executable (bun build --compile) or as a script under bun.
import { basename, relative } from "node:path";

/** What programName and selfArgv read of `process` and `Bun`: a parameter, so the compiled case can be tested from source. */
export interface Invocation {
  main: string;
  argv0: string;
  argv: readonly string[];
  execPath: string;
  execArgv: readonly string[];
  cwd: string;
}

function current(): Invocation {
  return {
    main: Bun.main,
    argv0: process.argv0,
    argv: process.argv,
    execPath: process.execPath,
    execArgv: process.execArgv,
    cwd: process.cwd(),
  };
}

/**
 * Inside a compiled executable the entry module lives in Bun's embedded file system, a path that
 * never exists on disk; run from source, Bun.main is the script's real path.
 */
export function isCompiled(main: string): boolean {
  return main.startsWith("/$bunfs/");
}

/** The program as invoked, for usage lines: `rfc868` for the executable, `bun run src/server.ts` from a checkout. */
export function programName(invocation: Invocation = current()): string {
  return isCompiled(invocation.main)
    ? basename(invocation.argv0)
    : `bun run ${relative(invocation.cwd, invocation.main)}`;
}

/**
 * The argv that runs this same program again with the same arguments. A compiled executable takes
 * every argument after argv[0] as the user's, and its process.argv[1] is the bundle's virtual path
 * (/$bunfs/root/...), so that one is left out; argv[0] stays as invoked, so the name is kept.
 */
export function selfArgv(invocation: Invocation = current()): string[] {
  if (isCompiled(invocation.main)) return [invocation.argv0, ...invocation.argv.slice(2)];
  return [invocation.execPath, ...invocation.execArgv, ...invocation.argv.slice(1)];
}
