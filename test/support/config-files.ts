// Config files for the --config tests: written into one temporary directory per test file, removed in afterAll.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXAMPLE_CONFIG = new URL("../../deploy/rfc868.toml", import.meta.url).pathname;

export class ConfigDir {
  readonly dir = mkdtempSync(join(tmpdir(), "rfc868-config-"));
  #count = 0;

  /** Write `text` to a new file (or to `path`, replacing it) and return its path. */
  write(text: string, path = join(this.dir, `config-${this.#count++}.toml`)): string {
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** deploy/rfc868.toml with every `# key = value` line uncommented: the example's defaults, as a live file. */
export function uncommentedExample(): string {
  return readFileSync(EXAMPLE_CONFIG, "utf8").replace(/^# ([a-z-]+ = )/gm, "$1");
}
