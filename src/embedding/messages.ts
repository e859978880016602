// The messages between the library's host thread and the server's Worker: numbered calls in, their replies and the end of the loop out.
import type { SocketAddress } from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import type { LogFormatName } from "../logging/log.ts";
import type { LiveOptions, TimeServerOptions } from "../time-server.ts";

/** The options that cross to the Worker by structured clone: a Log and a clock are functions and objects of the host's heap. */
export type EmbeddedOptions = Omit<TimeServerOptions, "log" | "clock">;

/** The log settings in effect (what reconfigure's quiet and logFormat last set). */
export interface LogSettings {
  quiet: boolean;
  logFormat: LogFormatName;
}

/** Where the server listens, and the write end the host wakes its loop through (its own copy: shareWakeFd). */
export interface Started {
  address: string;
  port: number;
  listeners: readonly { transport: Transport; local: SocketAddress }[];
  metrics: SocketAddress | null;
  wakeFd: number;
}

/** What each call returns. */
export interface Calls {
  start: { args: EmbeddedOptions; result: Started };
  stop: { args: null; result: void };
  reconfigure: { args: LiveOptions; result: void };
  reportCounters: { args: null; result: void };
  /** The counters by counters-line name, in first-counted order (ServerMetrics.snapshot). */
  counters: { args: null; result: Record<string, number> };
  logSettings: { args: null; result: LogSettings };
}

export type CallName = keyof Calls;

/** What the host posts. */
export type Call = { [K in CallName]: { id: number; name: K; args: Calls[K]["args"] } }[CallName];

/** What the Worker posts: a call's result or error (cloned: a RangeError stays a RangeError), or the end of the loop (error: it failed). */
export type Reply = { id: number; result: unknown } | { id: number; error: Error } | { ended: Error | null };
