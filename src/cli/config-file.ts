// Reading a --config file: Bun's TOML parser, then every key checked through the flag table before any value is used.
import { readFileSync } from "node:fs";
import { UsageError, type Flag } from "./flags.ts";
import { configKeys } from "./config-keys.ts";

/** The file's top-level table; a UsageError `PATH: problem` when it cannot be read or is not TOML. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new UsageError(`${path}: cannot read it (${code ?? message})`);
  }
  try {
    return Bun.TOML.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}

/**
 * Apply the file at `path` to `options` through `flags`. A key whose flag is in `given` is checked on
 * `scratch` and goes no further: the command line wins, but a bad value is still a bad file.
 * Throws UsageError `PATH: key "NAME": problem` for the first bad key.
 */
export function applyConfigFile<Options>(path: string, flags: readonly Flag<Options>[], options: Options, given: ReadonlySet<string>, scratch: Options): Options {
  const keys = configKeys(flags);
  for (const [name, value] of Object.entries(readConfigFile(path))) {
    const key = keys.get(name);
    if (!key) throw new UsageError(`${path}: unknown key ${JSON.stringify(name)} (the keys are the server's option names; see --help)`);
    try {
      key.apply(key.flags.some((flag) => given.has(flag)) ? scratch : options, value);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`${path}: key ${JSON.stringify(name)}: ${error.message}`);
    }
  }
  return options;
}
