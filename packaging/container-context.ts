// Stage the container image's build context: the Containerfile, and a root filesystem with the executable, its glibc files, a user and the config.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The image's one user and group; the Containerfile's USER and the Kubernetes runAsUser say the same number. */
export const IMAGE_UID = 10001;

/** The files the dynamic loader opens for `executable`, as `ldd` lists them (the vDSO has no file). */
export function sharedLibraries(executable: string): string[] {
  const ldd = Bun.spawnSync(["ldd", executable], { stdout: "pipe", stderr: "pipe" });
  if (ldd.exitCode !== 0)
    throw new Error(`ldd ${executable}: ${ldd.stderr.toString().trim() || `exit ${ldd.exitCode}`}`);
  // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)".
  return ldd.stdout
    .toString()
    .split("\n")
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);
}

/** Copy `from` to `root` + `path` (the file itself, not a symlink), readable by the image's user. */
function place(root: string, path: string, from: string, mode: number): void {
  const to = join(root, path);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(realpathSync(from), to);
  chmodSync(to, mode);
}

/** Write `dir`/Containerfile and `dir`/rootfs for `executable` (a single executable of this machine's architecture). */
export function stageContext(executable: string, dir: string): void {
  const root = join(dir, "rootfs");
  place(root, "/usr/bin/rfc868", executable, 0o755);
  // Under the paths ldd names, which are the paths the executable's loader and its DT_NEEDED entries use.
  for (const library of sharedLibraries(executable)) place(root, library, library, 0o755);
  place(root, "/etc/rfc868/rfc868.toml", new URL("../deploy/rfc868.toml", import.meta.url).pathname, 0o644);
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(
    join(root, "etc/passwd"),
    `rfc868:x:${IMAGE_UID}:${IMAGE_UID}:rfc868 time server:/nonexistent:/sbin/nologin\n`,
    { mode: 0o644 },
  );
  writeFileSync(join(root, "etc/group"), `rfc868:x:${IMAGE_UID}:\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, "Containerfile"),
    readFileSync(new URL("../deploy/container/Containerfile", import.meta.url)),
  );
}

if (import.meta.main) {
  const [dir, executable] = process.argv.slice(2);
  if (!dir || !executable) {
    process.stderr.write("usage: bun packaging/container-context.ts CONTEXT_DIR EXECUTABLE\n");
    process.exit(2);
  }
  stageContext(executable, dir);
}
