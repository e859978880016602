// Opening the server's sockets, anet-style: every step checked, the fd closed again on any failure.
import {
  LINUX,
  FD_SETSIZE,
  bindSocket,
  closeFd,
  encodeSockaddr,
  errnoCode,
  listenOn,
  openSocket,
  parseIp,
  setSocketOption,
  socketName,
  type SocketAddress,
} from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import { StartupError } from "../base/startup-error.ts";
import { ConfigError } from "../base/config-error.ts";
import { DEFAULTS, withDefaults } from "../base/defaults.ts";

/** Where and how to listen; unset fields take their defaults (src/base/defaults.ts). */
export interface ListenOptions {
  /** Addresses to bind (IP literals); default ["0.0.0.0"], like the original's "". */
  hosts?: readonly string[];
  /** Default 8037; 0 picks a free port. */
  port?: number;
  /** listen() backlog; default 1024. */
  backlog?: number;
  /** SO_REUSEPORT on every socket, so several instances serve one port (docs/scaling.md); default false. */
  reusePort?: boolean;
  /** Serve TCP (default true). */
  tcp?: boolean;
  /** Serve UDP on the same addresses and port (default false: see README, "UDP"). */
  udp?: boolean;
}

export interface Listener {
  readonly transport: Transport;
  readonly fd: number;
  /** Where it is bound (the real port when asked for port 0). */
  readonly local: SocketAddress;
}

/** Setup failed after the socket existed; carries which address, for a one-line message. */
export class ListenError extends StartupError {
  constructor(
    readonly transport: Transport,
    readonly host: string,
    readonly port: number,
    cause: Error,
  ) {
    super(`cannot listen on ${transport} ${host.includes(":") ? `[${host}]` : host} port ${port}: ${cause.message}`, {
      cause,
    });
  }
}

/**
 * A bound (and for TCP, listening) non-blocking socket on host:port. `reusePort`: SO_REUSEPORT, so that
 * several independent processes (of the same user) bind the same port and the kernel spreads TCP
 * connections and UDP flows over them by a hash of the address pair (docs/scaling.md).
 */
export function openListener(
  transport: Transport,
  host: string,
  port: number,
  backlog: number,
  reusePort = false,
): Listener {
  const ip = parseIp(host);
  if (!ip) throw new ConfigError(`not an IP address literal: ${JSON.stringify(host)}`);
  const domain = ip.family === "IPv6" ? LINUX.AF_INET6 : LINUX.AF_INET;
  const type = (transport === "tcp" ? LINUX.SOCK_STREAM : LINUX.SOCK_DGRAM) | LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC;
  let fd: number;
  try {
    fd = openSocket(domain, type);
  } catch (error) {
    throw new ListenError(transport, host, port, error as Error);
  }
  try {
    // The server closes first, so its port collects TIME_WAIT: without this a restart fails for a minute.
    if (transport === "tcp") setSocketOption(fd, "SO_REUSEADDR", 1);
    // Before bind: the kernel lets a socket join a port's group only if every member set it before binding.
    if (reusePort) setSocketOption(fd, "SO_REUSEPORT", 1);
    // "::" serves IPv4 too (dual stack); a specific IPv6 address is IPv6 only either way.
    if (ip.family === "IPv6") setSocketOption(fd, "IPV6_V6ONLY", 0);
    bindSocket(fd, encodeSockaddr({ address: host, port }));
    if (transport === "tcp") listenOn(fd, backlog);
    if (fd >= FD_SETSIZE) {
      throw new Error(
        `socket: fd ${fd} is at or above FD_SETSIZE (${FD_SETSIZE}), which select() cannot watch (did the parent leave fds 0-${FD_SETSIZE - 1} open?)`,
      );
    }
    return { transport, fd, local: socketName(fd) };
  } catch (error) {
    closeFd(fd);
    throw new ListenError(transport, host, port, error as Error);
  }
}

/** How often a `port 0` start draws a new port when the first one is free for one socket but not all. */
const PORT_ZERO_ATTEMPTS = 10;

/**
 * Every (host, transport) socket on one port. With port 0 the first socket picks the port and the
 * rest share it; if another socket then finds it taken, all are closed and a new port is drawn.
 */
export function openListeners(
  hosts: readonly string[],
  transports: readonly Transport[],
  port: number,
  backlog: number,
  reusePort = false,
): Listener[] {
  if (hosts.length === 0 || transports.length === 0) throw new ConfigError("need at least one host and one transport");
  for (let attempt = 1; ; attempt++) {
    const listeners: Listener[] = [];
    try {
      for (const host of hosts) {
        for (const transport of transports) {
          listeners.push(openListener(transport, host, listeners[0]?.local.port ?? port, backlog, reusePort));
        }
      }
      return listeners;
    } catch (error) {
      closeListeners(listeners);
      const drawAgain = port === 0 && listeners.length > 0 && attempt < PORT_ZERO_ATTEMPTS;
      if (!(drawAgain && errnoCode((error as Error).cause) === "EADDRINUSE")) throw error;
    }
  }
}

export function closeListeners(listeners: readonly Listener[]): void {
  for (const listener of listeners) closeFd(listener.fd);
}

/** Bind every socket the options ask for (hosts x transports, on one port). */
export function openConfiguredListeners(given: ListenOptions): Listener[] {
  const { hosts, port, backlog, reusePort, tcp, udp } = withDefaults(DEFAULTS, given);
  const transports = [...(tcp ? (["tcp"] as const) : []), ...(udp ? (["udp"] as const) : [])];
  if (transports.length === 0) throw new ConfigError("at least one of TCP and UDP must be served");
  return openListeners(hosts, transports, port, backlog, reusePort);
}
