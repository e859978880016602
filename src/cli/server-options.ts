// The server's options as types: as the command line and the file give them (CliOptions), and resolved once (Config).
import type { TimeServerOptions } from "../time-server.ts";
import type { LogFormatName } from "../logging/log.ts";
import type { PrivilegeOptions } from "../ops/privileges.ts";
import type { CollectedHardening } from "./hardening-flags.ts";

/** The options as the command line and the file give them: what is not given is unset. */
export interface CliOptions extends TimeServerOptions, PrivilegeOptions {
  hosts: string[];
  hardening?: CollectedHardening;
  /** --config: the TOML file the options were read from (and SIGHUP re-reads). */
  config?: string;
  help: boolean;
  version: boolean;
  checkConfig: boolean;
}

/** The options resolved once: every one holds its value (the default where none was given), and none can change. */
export interface Config {
  readonly hosts: readonly string[];
  readonly port: number;
  readonly backlog: number;
  readonly reusePort: boolean;
  readonly tcp: boolean;
  readonly udp: boolean;
  readonly quiet: boolean;
  readonly logFormat: LogFormatName;
  readonly user: string | undefined;
  readonly group: string | undefined;
  readonly allowRoot: boolean;
  readonly hardening: {
    readonly allow: readonly string[];
    readonly deny: readonly string[];
    readonly udpGuard: boolean;
    readonly udpGuardPorts: readonly number[];
    readonly rate: number | undefined;
    /** Unset: one second's worth of the rate. */
    readonly burst: number | undefined;
    readonly globalRate: number | undefined;
    readonly clockFloorMs: number;
    readonly requireSync: boolean;
  };
  readonly metrics: string | undefined;
  readonly idleExitSeconds: number | undefined;
  readonly config: string | undefined;
  readonly help: boolean;
  readonly version: boolean;
  /** --check-config: validate as start-up would, bind nothing, say ok or why not. */
  readonly checkConfig: boolean;
}
