// Reading a --config file: a bounded regular file only, Bun's TOML parser, then every key checked through the flag table before any value is used.
import { closeSync, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { LINUX, SyscallError } from "../../native/index.ts";
import { quoted } from "./quote.ts";
import { UsageError, type Flag } from "./flags.ts";
import { configKeys } from "./config-keys.ts";

/** The largest file read: twice an operator's 100,000-entry allow list in TOML; a larger file is refused unread. */
export const CONFIG_MAX_BYTES = 4 * 2 ** 20;

const KINDS: [(stat: Stats) => boolean, string][] = [
  [(stat) => stat.isDirectory(), "a directory"],
  [(stat) => stat.isFIFO(), "a FIFO"],
  [(stat) => stat.isCharacterDevice(), "a character device"],
  [(stat) => stat.isBlockDevice(), "a block device"],
  [(stat) => stat.isSocket(), "a socket"],
];

/** node:fs's error as the house's `open: No such file or directory (ENOENT)`. */
function asSyscallError(error: unknown): Error {
  const { errno, syscall } = error as NodeJS.ErrnoException;
  return errno !== undefined && syscall !== undefined ? new SyscallError(syscall, Math.abs(errno)) : (error as Error);
}

/** What a size or a type check refuses, before a byte is read; null for a regular file within the bound. */
function refusal(stat: Stats): string | null {
  if (!stat.isFile())
    return `not a regular file (${KINDS.find(([is]) => is(stat))?.[1] ?? "a special file"}): a config file must be one`;
  if (stat.size > CONFIG_MAX_BYTES)
    return `${stat.size} bytes, over the limit of ${CONFIG_MAX_BYTES} bytes (4 MiB): refused unread`;
  // A file rewritten in place (`>`, most editors) is empty for a moment, and an empty file would reset every key to its default.
  if (stat.size === 0)
    return "empty: refused (a file being rewritten reads so; replace it with a rename, see README; no settings is a comment)";
  return null;
}

/**
 * The file's text. Opened non-blocking (a FIFO cannot hang the open or a read), the open fd checked with
 * fstat (so the file checked is the file read), exactly its size read: a file whose size changes while read is refused.
 */
function readBounded(path: string): string {
  let fd: number;
  try {
    // O_RDONLY is 0; open follows symlinks, so a link to a regular file is read and one to a FIFO refused.
    fd = openSync(path, LINUX.O_NONBLOCK | LINUX.O_CLOEXEC);
  } catch (error) {
    throw new UsageError(`${path}: cannot read it: ${asSyscallError(error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    const problem = refusal(stat);
    if (problem) throw new UsageError(`${path}: ${problem}`);
    // One byte more than fstat said: reading it means the file grew.
    const bytes = new Uint8Array(stat.size + 1);
    let length = 0;
    for (let got = -1; got !== 0 && length < bytes.length; length += got)
      got = readSync(fd, bytes, length, bytes.length - length, null);
    if (length !== stat.size)
      throw new UsageError(
        `${path}: changed size while read (${stat.size} bytes, then ${length > stat.size ? "more" : length}): replace it with a rename, see README`,
      );
    return new TextDecoder().decode(bytes.subarray(0, length));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read it: ${asSyscallError(error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** The file's top-level table; a UsageError `PATH: problem` when it cannot be read or is not TOML. */
export function readConfigFile(path: string): Record<string, unknown> {
  const text = readBounded(path);
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
export function applyConfigFile<Options>(
  path: string,
  flags: readonly Flag<Options>[],
  options: Options,
  given: ReadonlySet<string>,
  scratch: Options,
): Options {
  const keys = configKeys(flags);
  for (const [name, value] of Object.entries(readConfigFile(path))) {
    const key = keys.get(name);
    if (!key)
      throw new UsageError(`${path}: unknown key ${quoted(name)} (the keys are the server's option names; see --help)`);
    try {
      key.apply(key.flags.some((flag) => given.has(flag)) ? scratch : options, value);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw new UsageError(`${path}: key ${quoted(name)}: ${error.message}`);
    }
  }
  return options;
}
