// What the .deb and the rpm share: a package build's inputs, the units both install, and the staging tree's file writer.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Arch } from "./runtimes.ts";

/** The systemd units, from deploy/, installed by both packages. */
export const UNITS = ["rfc868.socket", "rfc868.service", "rfc868-standalone.service", "rfc868@.service"];

export interface PackageInputs {
  arch: Arch;
  version: string;
  executable: string;
  /** File name (rfc868.8) -> roff text. */
  manPages: Record<string, string>;
  outDir: string;
}

/** Write `content` at `path` under the staging tree `stage`, its folders made, with `mode`. */
export function put(stage: string, path: string, content: string | Uint8Array, mode = 0o644): void {
  const file = join(stage, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, mode);
}
