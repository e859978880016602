// systemd socket activation, as sd_listen_fds(3): serve the sockets passed as fd 3 onwards instead of binding.
import {
  LINUX,
  acceptConnection,
  checkSelectableFd,
  closeFd,
  receiveBytes,
  getSocketOption,
  setCloseOnExec,
  setNonBlocking,
  socketName,
  unsetEnvironment,
} from "../../native/index.ts";
import type { Transport } from "../base/rfc868.ts";
import type { Listener } from "../core/listeners.ts";
import { StartupError } from "../base/startup-error.ts";

/** SD_LISTEN_FDS_START: the first passed fd; the rest follow without gaps. */
export const LISTEN_FDS_START = 3;
const VARIABLES = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] as const;

/** Where the LISTEN_* variables are read and removed (an interface so tests can hand in a plain object). */
export interface Environment {
  get(name: string): string | undefined;
  unset(name: string): void;
}

/** This process: Bun's process.env is a copy, so a variable is removed from it and from the C environment. */
export const processEnvironment: Environment = {
  get: (name) => process.env[name],
  unset(name) {
    delete process.env[name];
    unsetEnvironment(name);
  },
};

/**
 * How many sockets systemd passed to this process: 0 when LISTEN_FDS is absent or LISTEN_PID names
 * another process (a parent's variables, inherited). The variables are removed either way, so that
 * nothing this process starts takes the sockets for its own.
 */
export function takeListenFds(env: Environment = processEnvironment, pid = process.pid): number {
  const count = listenFdCount(env, pid);
  for (const name of VARIABLES) env.unset(name);
  return count;
}

/** What takeListenFds counts, leaving the variables in place. */
export function listenFdCount(env: Environment = processEnvironment, pid = process.pid): number {
  const [listenPid, listenFds] = [env.get("LISTEN_PID"), env.get("LISTEN_FDS")];
  if (listenPid === undefined || listenFds === undefined || listenPid !== String(pid)) return 0;
  if (!/^\d{1,4}$/.test(listenFds))
    throw new StartupError(`socket activation: LISTEN_FDS=${JSON.stringify(listenFds)} is not a number of sockets`);
  return Number(listenFds);
}

function transportOf(fd: number): Transport {
  const domain = getSocketOption(fd, "SO_DOMAIN");
  if (domain !== LINUX.AF_INET && domain !== LINUX.AF_INET6)
    throw new Error(`not an IPv4 or IPv6 socket (address family ${domain})`);
  const type = getSocketOption(fd, "SO_TYPE");
  if (type === LINUX.SOCK_DGRAM) return "udp";
  if (type !== LINUX.SOCK_STREAM) throw new Error(`neither a stream nor a datagram socket (type ${type})`);
  // Accept=yes would pass one connection instead of the listener; this server accepts by itself.
  if (getSocketOption(fd, "SO_ACCEPTCONN") !== 1)
    throw new Error("a TCP socket that is not listening (the socket unit needs Accept=no)");
  return "tcp";
}

/** A passed fd as a Listener: TCP or UDP from SO_TYPE, its address from getsockname, made non-blocking and close-on-exec. */
export function adoptSocket(fd: number): Listener {
  try {
    checkSelectableFd(fd);
    const transport = transportOf(fd);
    setNonBlocking(fd);
    setCloseOnExec(fd);
    return { transport, fd, local: socketName(fd) };
  } catch (error) {
    throw new StartupError(`socket activation: fd ${fd}: ${(error as Error).message}`);
  }
}

/** The passed sockets as listeners, or null when systemd passed none to this process. */
export function inheritedListeners(env: Environment = processEnvironment, pid = process.pid): Listener[] | null {
  const count = takeListenFds(env, pid);
  if (count === 0) return null;
  return Array.from({ length: count }, (_, i) => adoptSocket(LISTEN_FDS_START + i));
}

/** One byte is enough to take a datagram off the queue (the rest of it is discarded with it). */
const DISCARD = new Uint8Array(new ArrayBuffer(1));

/**
 * Before a start-up failure exits under socket activation: close every connection waiting on the passed
 * sockets, and drop every queued datagram. Left queued, they keep the socket readable, so systemd would
 * start the failing server again at once, over and over, until the socket unit gave up (port 37 closed
 * until reset-failed). Turned away, each waiting client sees a close without a byte, as for any refusal;
 * the next client starts the server again, which serves once the file is mended.
 */
export function turnAwayWaitingClients(env: Environment = processEnvironment, pid = process.pid): void {
  let count = 0;
  try {
    count = listenFdCount(env, pid);
  } catch {
    return; // LISTEN_FDS unreadable: that is the failure being reported, and there is nothing to drain
  }
  for (let i = 0; i < count; i++) {
    try {
      const { transport, fd } = adoptSocket(LISTEN_FDS_START + i);
      if (transport === "tcp")
        for (
          let client = acceptConnection(fd, LINUX.SOCK_CLOEXEC, null);
          client !== null;
          client = acceptConnection(fd, LINUX.SOCK_CLOEXEC, null)
        )
          closeFd(client);
      else while (receiveBytes(fd, DISCARD, LINUX.MSG_DONTWAIT) !== null);
    } catch {
      // A socket that cannot be drained (not ours to serve, or failing) is left as it is: the exit and its line go on.
    }
  }
}
