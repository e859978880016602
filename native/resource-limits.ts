// The process's fd limit (getrlimit RLIMIT_NOFILE): what the metrics endpoint measures its fd reserve against.
import { libc } from "./libc.ts";
import { fail } from "./errno.ts";
import { LINUX } from "./platform.ts";

/** struct rlimit in its own ArrayBuffer (stable address): two rlim_t (u64), the soft limit first. */
const rlimit = new BigUint64Array(new ArrayBuffer(LINUX.sizeof_rlimit));
const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

export interface FdLimit {
  /** The limit open() and accept() hit (EMFILE): no fd at or above it is handed out. Infinity when unlimited. */
  readonly soft: number;
  readonly hard: number;
}

const asNumber = (value: bigint) => (value === RLIM_INFINITY ? Infinity : Number(value));

/** RLIMIT_NOFILE now (another process may change it with prlimit at any time). */
export function fdLimit(): FdLimit {
  if (libc.getrlimit(LINUX.RLIMIT_NOFILE, rlimit) < 0) fail("getrlimit");
  return {
    soft: asNumber(rlimit[LINUX.offsetof_rlimit_rlim_cur / 8]!),
    hard: asNumber(rlimit[LINUX.offsetof_rlimit_rlim_max / 8]!),
  };
}
