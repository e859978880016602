// The pinned Bun runtime each executable embeds, per architecture, found without any download but the npm registry's.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run.ts";

export type Arch = "x64" | "arm64";

export const ARCHES: readonly Arch[] = ["x64", "arm64"];

/** Bun's npm package per architecture (the names Bun's own npm installer uses). */
export const RUNTIME_PACKAGES: Record<Arch, string> = { x64: "@oven/bun-linux-x64", arm64: "@oven/bun-linux-aarch64" };

/** Debian's name for each architecture. */
export const DEB_ARCH: Record<Arch, string> = { x64: "amd64", arm64: "arm64" };

/**
 * The path of the pinned Bun for `arch`. The running Bun when it is that one (the usual x64 case);
 * otherwise `npm pack` of Bun's package for that architecture, unpacked into `cacheDir`, because
 * `bun build --target=bun-linux-arm64` downloads from GitHub, which a build machine may not reach.
 */
export function runtimeFor(arch: Arch, pinnedVersion: string, cacheDir: string): string {
  if (arch === process.arch && Bun.version === pinnedVersion) return process.execPath;
  const spec = `${RUNTIME_PACKAGES[arch]}@${pinnedVersion}`;
  const dir = join(cacheDir, `${arch}-${pinnedVersion}`);
  const bun = join(dir, "package", "bin", "bun");
  if (existsSync(bun)) return bun;
  mkdirSync(dir, { recursive: true });
  const tarball = run(["npm", "pack", spec, "--silent", "--pack-destination", dir]).trim().split("\n").pop()!;
  run(["tar", "-xzf", join(dir, tarball), "-C", dir]);
  return bun;
}
