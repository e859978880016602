// Which config keys differ between two option sets, and what applying each one takes: a restart, the log, or admission.
import type { CliOptions } from "./server-flags.ts";
import { DEFAULT_CLOCK_FLOOR_MS } from "../policy/clock-guard.ts";
import { DEFAULT_GUARD_PORTS } from "../policy/udp-guard.ts";
import { LISTEN_DEFAULTS } from "../core/listeners.ts";

/** restart: the sockets or the process identity; log and admission: swapped whole by TimeServer.reconfigure. */
export type Takes = "restart" | "log" | "admission";

interface KeyValue {
  takes: Takes;
  /** The key's value with its default filled in, so writing a default out is no change. */
  read(options: CliOptions): unknown;
}

/** Every config key (a test checks this against the flag table). */
export const KEY_VALUES: Record<string, KeyValue> = {
  host: { takes: "restart", read: (o) => o.hosts },
  port: { takes: "restart", read: (o) => o.port ?? LISTEN_DEFAULTS.port },
  backlog: { takes: "restart", read: (o) => o.backlog ?? LISTEN_DEFAULTS.backlog },
  "reuse-port": { takes: "restart", read: (o) => o.reusePort ?? LISTEN_DEFAULTS.reusePort },
  tcp: { takes: "restart", read: (o) => o.tcp ?? LISTEN_DEFAULTS.tcp },
  udp: { takes: "restart", read: (o) => o.udp ?? LISTEN_DEFAULTS.udp },
  user: { takes: "restart", read: (o) => o.user },
  group: { takes: "restart", read: (o) => o.group },
  "allow-root": { takes: "restart", read: (o) => o.allowRoot ?? false },
  quiet: { takes: "log", read: (o) => o.quiet ?? false },
  log: { takes: "log", read: (o) => o.logFormat ?? "seed" },
  allow: { takes: "admission", read: (o) => o.hardening?.allow ?? [] },
  deny: { takes: "admission", read: (o) => o.hardening?.deny ?? [] },
  "udp-guard": { takes: "admission", read: (o) => o.hardening?.udpGuard ?? true },
  "udp-guard-ports": { takes: "admission", read: (o) => o.hardening?.udpGuardPorts ?? DEFAULT_GUARD_PORTS },
  rate: { takes: "admission", read: (o) => o.hardening?.rate },
  burst: { takes: "admission", read: (o) => o.hardening?.burst },
  "global-rate": { takes: "admission", read: (o) => o.hardening?.globalRate },
  "clock-floor": { takes: "admission", read: (o) => o.hardening?.clockFloorMs ?? DEFAULT_CLOCK_FLOOR_MS },
  "require-sync": { takes: "admission", read: (o) => o.hardening?.requireSync ?? false },
  metrics: { takes: "restart", read: (o) => o.metrics },
};

/** The keys whose value differs between `before` and `after`, in table order. Compared in place: a 100,000-entry list stringified twice cost the loop ~15 ms a reload. */
export function changedKeys(before: CliOptions, after: CliOptions, takes: readonly Takes[]): string[] {
  return Object.entries(KEY_VALUES)
    .filter(([, key]) => takes.includes(key.takes) && !Bun.deepEquals(key.read(before), key.read(after)))
    .map(([name]) => name);
}
