// A private network namespace for one test: held open by a tracked child, entered with nsenter, so host sysctls stay untouched.
import { findCommand, runCommand } from "./commands.ts";
import { spawnTracked } from "./server-process.ts";

/**
 * Why this process cannot enter a new network namespace with `unshare --net`, or null when it can. Root
 * is not enough: a container may refuse it with EPERM (systemd-nspawn without CAP_SYS_ADMIN, a unit's
 * RestrictNamespaces=), so one real `unshare --net true` decides, and its error is the reason.
 */
export function unshareNetProblem(): string | null {
  if (process.getuid?.() !== 0) return "needs root to create a network namespace";
  const unshare = findCommand("unshare");
  if (!unshare) return "needs unshare on PATH";
  const probe = Bun.spawnSync([unshare, "--net", "--", "true"], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  if (probe.exitCode === 0) return null;
  return `unshare --net is refused here (a container?): ${probe.stderr.toString().trim() || `exit ${probe.exitCode}`}`;
}

/** Why this machine cannot make one (needs root, unshare(1) allowed to run, nsenter(1), ip(8)), or null when it can. */
export function netnsProblem(): string | null {
  const missing = ["nsenter", "ip"].filter((name) => !findCommand(name));
  return unshareNetProblem() ?? (missing.length > 0 ? `needs ${missing.join(", ")} on PATH` : null);
}

export interface Netns {
  /** Prefix for a command line that runs inside the namespace (exec, no fork: the pid stays the command's). */
  readonly enter: string[];
  /** `sysctl -w name=value` inside the namespace (net.* keys are per namespace). */
  sysctl(name: string, value: string): Promise<void>;
  /** Run a command inside and return its stdout; a non-zero exit throws with its stderr. */
  run(argv: string[]): Promise<string>;
}

/** A fresh namespace with loopback up; its holder is a tracked child, so killAll() ends it. */
export async function privateNetns(): Promise<Netns> {
  const holder = spawnTracked([
    findCommand("unshare")!,
    "--net",
    "--",
    "sh",
    "-c",
    "ip link set lo up && echo up && exec sleep 600",
  ]);
  const up = await Promise.race([holder.stdout.waitFor(/^up$/), holder.proc.exited.then(() => "")]);
  if (!up) {
    await holder.stderr.ended();
    throw new Error(`unshare --net failed: ${holder.stderr.all.join(" | ")}`);
  }
  const enter = [findCommand("nsenter")!, `--net=/proc/${holder.proc.pid}/ns/net`, "--"];
  const run = async (argv: string[]) => {
    const result = await runCommand([...enter, ...argv]);
    if (result.code !== 0)
      throw new Error(`${argv.join(" ")} (in the namespace) failed, exit ${result.code}: ${result.stderr.trim()}`);
    return result.stdout;
  };
  return {
    enter,
    run,
    sysctl: async (name, value) => void (await run([findCommand("sysctl")!, "-qw", `${name}=${value}`])),
  };
}
