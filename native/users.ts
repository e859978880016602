// User and group names to ids through glibc's getpwnam_r / getgrnam_r, so NSS (files, systemd-userdb, LDAP) answers as for any daemon.
import { libc } from "./libc.ts";
import { cString } from "./c-string.ts";
import { SyscallError } from "./errno.ts";
import { LINUX } from "./platform.ts";

export interface UserEntry {
  name: string;
  uid: number;
  /** The user's primary group. */
  gid: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

/** getpwnam_r(3): "not found" is 0 with a NULL result, or one of these, depending on the NSS backend. */
const NOT_FOUND = new Set<number>([0, LINUX.ENOENT, LINUX.ESRCH, LINUX.EBADF, LINUX.EPERM]);
/** The strings the struct points into; doubled on ERANGE up to this (a group with thousands of members). */
const FIRST_BUFFER_BYTES = 4096;
const MAX_BUFFER_BYTES = 1 << 22;

type NameLookup = (
  name: Uint8Array,
  entry: Uint8Array,
  strings: Uint8Array,
  size: number,
  result: BigUint64Array,
) => number;

/** One *nam_r call until its string buffer is big enough: the filled struct, or null when the name is unknown. */
function findEntry(syscall: string, call: NameLookup, name: string, structBytes: number): DataView | null {
  const cName = name === "" ? null : cString(name);
  if (!cName) return null;
  const entry = new Uint8Array(new ArrayBuffer(structBytes));
  const result = new BigUint64Array(new ArrayBuffer(8));
  for (let size = FIRST_BUFFER_BYTES; size <= MAX_BUFFER_BYTES; size *= 2) {
    const strings = new Uint8Array(new ArrayBuffer(size));
    // These functions return the error number instead of setting errno.
    const status = call(cName, entry, strings, size, result);
    if (status === LINUX.ERANGE) continue;
    if (status === 0 && result[0] !== 0n) return new DataView(entry.buffer);
    if (NOT_FOUND.has(status)) return null;
    throw new SyscallError(syscall, status);
  }
  throw new SyscallError(syscall, LINUX.ERANGE);
}

/** The user called `name`, or null when there is none. Throws SyscallError when the lookup itself fails. */
export function lookupUser(name: string): UserEntry | null {
  const entry = findEntry("getpwnam_r", libc.getpwnam_r, name, LINUX.sizeof_passwd);
  if (!entry) return null;
  return {
    name,
    uid: entry.getUint32(LINUX.offsetof_passwd_pw_uid, true),
    gid: entry.getUint32(LINUX.offsetof_passwd_pw_gid, true),
  };
}

/** The group called `name`, or null when there is none. Throws SyscallError when the lookup itself fails. */
export function lookupGroup(name: string): GroupEntry | null {
  const entry = findEntry("getgrnam_r", libc.getgrnam_r, name, LINUX.sizeof_group);
  return entry && { name, gid: entry.getUint32(LINUX.offsetof_group_gr_gid, true) };
}
