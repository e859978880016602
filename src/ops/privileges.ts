// After binding: give up root for good (--user, --group, as xinetd's user= and group=), or refuse to serve a privileged port as root.
import { readdirSync, readFileSync } from "node:fs";
import { canRegainRoot, lookupGroup, lookupUser, processIds, switchIds } from "../../native/index.ts";
import { StartupError } from "../base/startup-error.ts";

export interface PrivilegeOptions {
  /** The user to become once the sockets are bound. */
  user?: string;
  /** The group to become instead of the user's primary group (needs `user`). */
  group?: string;
  /** Keep running as root on a privileged port without `user`. */
  allowRoot?: boolean;
}

/** Ports below this need root or CAP_NET_BIND_SERVICE (the kernel's default ip_unprivileged_port_start). */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/** Apply the policy to a process whose sockets are bound to `ports` and that has served nothing yet. */
export function applyPrivilegePolicy(ports: readonly number[], options: PrivilegeOptions): void {
  if (options.user !== undefined) return dropPrivileges(options.user, options.group);
  const privileged = ports.find((port) => port < FIRST_UNPRIVILEGED_PORT);
  if (privileged !== undefined && processIds().euid === 0 && !options.allowRoot) {
    throw new StartupError(
      `refusing to serve port ${privileged} as root: give --user NAME to drop privileges once bound, or --allow-root`,
    );
  }
}

/** Run a lookup, turning a failure of NSS itself (not "no such name") into one line. */
function requireEntry<Entry>(kind: string, name: string, lookup: (name: string) => Entry | null): Entry {
  let entry: Entry | null;
  try {
    entry = lookup(name);
  } catch (error) {
    throw new StartupError(`cannot look up ${kind} ${JSON.stringify(name)}: ${(error as Error).message}`);
  }
  if (!entry) throw new StartupError(`unknown ${kind} ${JSON.stringify(name)} (--${kind})`);
  return entry;
}

/** Become `userName` (and `groupName`, else the user's primary group) with no supplementary groups, then prove it. */
export function dropPrivileges(userName: string, groupName?: string): void {
  const user = requireEntry("user", userName, lookupUser);
  const gid = groupName === undefined ? user.gid : requireEntry("group", groupName, lookupGroup).gid;
  if (user.uid === 0)
    throw new StartupError(`--user ${userName} is root, which drops nothing (--allow-root runs as root)`);
  try {
    switchIds(user.uid, gid);
  } catch (error) {
    throw new StartupError(`cannot switch to user ${userName}: ${(error as Error).message}`);
  }
  const left = privilegeLeft(user.uid, gid);
  if (left) throw new StartupError(`privilege drop to ${userName} failed: ${left}`);
}

/** What is left of the old identity, or null: root must not come back, and every thread must carry the new ids. */
function privilegeLeft(uid: number, gid: number): string | null {
  if (canRegainRoot()) return "setuid(0) still succeeds";
  for (const task of readdirSync("/proc/self/task")) {
    const status = taskStatus(task);
    if (status === null) continue; // the thread ended since the listing: nothing of it is left to check
    // Real, effective, saved and filesystem ids, in that order.
    for (const [field, id] of [
      ["Uid", uid],
      ["Gid", gid],
    ] as const) {
      const ids = new RegExp(`^${field}:\\s+(.*)$`, "m").exec(status)?.[1]?.trim().split(/\s+/).map(Number);
      if (!ids || ids.length !== 4 || ids.some((value) => value !== id))
        return `thread ${task} has ${field} ${ids?.join(" ")}`;
    }
  }
  return null;
}

/** /proc/self/task/TASK/status, or null when that thread has exited (Bun's helper threads come and go). */
function taskStatus(task: string): string | null {
  try {
    return readFileSync(`/proc/self/task/${task}/status`, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ESRCH") return null;
    throw error;
  }
}
