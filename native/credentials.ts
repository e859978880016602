// The process's user and group ids: read them, and give them up for good (setgroups, setgid, setuid) on every thread.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { checkInt } from "./checked-int.ts";

export interface ProcessIds {
  uid: number;
  euid: number;
  gid: number;
  egid: number;
}

export function processIds(): ProcessIds {
  return { uid: libc.getuid(), euid: libc.geteuid(), gid: libc.getgid(), egid: libc.getegid() };
}

/** uid_t and gid_t are u32; (uid_t)-1 means "unchanged" to the set*id calls, so it is never a target. */
function checkId(name: string, id: number): number {
  return checkInt(name, id, 0, 0xfffffffe);
}

/**
 * Become `uid`:`gid` with no supplementary groups (as xinetd's `user=` without `groups=yes`), for good:
 * as root, setgid and setuid set the real, effective, saved and filesystem ids alike. Groups go first,
 * while the process may still change them. Bun runs JIT and GC threads next to the main one; the raw
 * syscalls would change only the calling thread, so these must be glibc's functions, which apply the
 * change to every thread of the process (its setxid broadcast).
 */
export function switchIds(uid: number, gid: number): void {
  checkId("uid", uid);
  checkId("gid", gid);
  if (libc.setgroups(0, null) < 0) fail("setgroups");
  if (libc.setgid(gid) < 0) fail("setgid");
  if (libc.setuid(uid) < 0) fail("setuid");
}

/** Whether setuid(0) succeeds now: after a real drop it fails with EPERM (and then changes nothing). */
export function canRegainRoot(): boolean {
  return libc.setuid(0) === 0;
}
