// Compile the single executable: src/executable.ts bundled into a given Bun runtime.
import { join } from "node:path";
import { sourceCommit } from "../src/base/build-info.ts";
import { run } from "./run.ts";

const ROOT = join(import.meta.dir, "..");

/** Write `outfile`, embedding `runtime` (a Bun executable of the target architecture, see runtimes.ts). */
export function compileExecutable(runtime: string, outfile: string): void {
  run(
    [
      process.execPath,
      "build",
      "--compile",
      join(ROOT, "src/executable.ts"),
      // The reload's worker is loaded by URL, not imported: it must be named to be compiled in (src/cli/config-reload.ts).
      join(ROOT, "src/cli/config-worker.ts"),
      "--outfile",
      outfile,
      `--compile-executable-path=${runtime}`,
      // A stray .env or bunfig.toml in the working directory must not change a production server.
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      // The commit the tree is at, for --version and rfc868_build_info (src/base/build-info.ts): an executable has no git beside it.
      "--define",
      `RFC868_COMMIT=${JSON.stringify(sourceCommit(ROOT))}`,
    ],
    ROOT,
  );
}
