// Every server option's default, written once: the flag table (src/cli/server-flags.ts) shows and resolves them, the library fills unset options from them.

/**
 * Two UDP small services answering each other loop forever (CERT CA-1996-01): echo 7, discard 9,
 * daytime 13, chargen 19, time 37; port 0 is never a real sender. NetBSD and FreeBSD inetd drop these.
 */
const GUARD_PORTS = [0, 7, 9, 13, 19, 37];

/** `value` and everything it holds, frozen: a resolved option cannot change behind the code that read it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The options with nothing set. A field holding undefined has no default: it is off until set (user, the rate limits, metrics). */
export const DEFAULTS = deepFreeze({
  /** Like the original's "". */
  hosts: ["0.0.0.0"] as readonly string[],
  port: 8037,
  backlog: 1024,
  reusePort: false,
  tcp: true,
  /** Off: see README, "UDP". */
  udp: false,
  quiet: false,
  logFormat: "seed" as const,
  user: undefined as string | undefined,
  group: undefined as string | undefined,
  allowRoot: false,
  hardening: {
    allow: [] as readonly string[],
    deny: [] as readonly string[],
    udpGuard: true,
    udpGuardPorts: GUARD_PORTS as readonly number[],
    rate: undefined as number | undefined,
    /** Unset: one second's worth of the rate (token-bucket.ts, oneSecondOf). */
    burst: undefined as number | undefined,
    globalRate: undefined as number | undefined,
    /** A clock that reads earlier than this has lost the time (a dead RTC reads 1970 or 2000). */
    clockFloorMs: Date.UTC(2024, 0, 1),
    requireSync: false,
  },
  metrics: undefined as string | undefined,
  /** Off: a server exits only when told to. */
  idleExitSeconds: undefined as number | undefined,
});

/** `defaults` with each field `given` sets (one holding undefined sets nothing), one level deep. */
export function withDefaults<T extends object>(defaults: T, given: { readonly [K in keyof T]?: T[K] } | undefined): T {
  const resolved = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {}))
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  return resolved;
}
