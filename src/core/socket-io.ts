// Taking work off a listening socket, accepts or datagrams, under the one errno table (native errnoClass), in the role anet plays for Redis.
import { DatagramBatch, LINUX, SockaddrStorage, acceptConnection, errnoClass, errnoCode } from "../../native/index.ts";
import type { BackoffListener } from "../base/server-metrics.ts";
import type { FailureKind, ServiceContext } from "./service-context.ts";

/** How long a listener sits out of select() when the process or system is out of fds or memory. */
export const LISTENER_BACKOFF_MS = 100;

const ACCEPT_FLAGS = LINUX.SOCK_NONBLOCK | LINUX.SOCK_CLOEXEC;

/** How one listener's failures are counted and logged. */
export interface ListenerFailures {
  /** Whose failure a transient one is, counted by errno through ServiceContext.clientFailed. */
  readonly client: FailureKind;
  /** Whose back-off it is (rfc868_accept_backoffs' listener label); the first of each errno is logged. */
  readonly listener: BackoffListener;
  /** What pauses, for that log line: "accepts", "receives". */
  readonly taking: string;
}

/**
 * After an accept or a receive on `listenerFd` failed: true to take the next one at once. A client's
 * trouble (transient) is counted and the next is taken. Out of fds or memory (backoff), the listener
 * stays readable, so taking again would spin: it sits out of select() for LISTENER_BACKOFF_MS. Anything
 * else (fatal) is a bug or a broken listener and propagates.
 */
export function listenerFailed(
  context: ServiceContext,
  listenerFd: number,
  failures: ListenerFailures,
  error: unknown,
): boolean {
  const errorClass = errnoClass(error);
  if (errorClass === "fatal") throw error;
  if (errorClass === "transient") {
    context.clientFailed(failures.client, error);
    return true;
  }
  const backoffs = context.counters.acceptBackoffs.labels(failures.listener, errnoCode(error)!);
  backoffs.inc();
  if (context.firstTime.of(backoffs)) {
    context.log.warning(
      `${(error as Error).message}; pausing ${failures.taking} for ${LISTENER_BACKOFF_MS} ms (counted from now on)`,
    );
  }
  context.loop.pause(listenerFd, LISTENER_BACKOFF_MS);
  return false;
}

/**
 * Accept up to `limit` connections on `listenerFd` (non-blocking, close-on-exec), handing each fd to
 * `serve`, which owns it from then on; stops early when the queue is empty or the listener backs off.
 * `peer` (null: not wanted) receives each client's address before `serve` runs.
 */
export function acceptEach(
  context: ServiceContext,
  listenerFd: number,
  failures: ListenerFailures,
  limit: number,
  peer: SockaddrStorage | null,
  serve: (fd: number) => void,
): void {
  for (let i = 0; i < limit; i++) {
    let fd: number | null;
    try {
      fd = acceptConnection(listenerFd, ACCEPT_FLAGS, peer);
    } catch (error) {
      if (listenerFailed(context, listenerFd, failures, error)) continue;
      return;
    }
    if (fd === null) return;
    serve(fd);
  }
}

/** recvmmsg into `batch`: how many datagrams arrived, or null for none (nothing queued, or a failure handled by listenerFailed). */
export function receiveEach(
  context: ServiceContext,
  listenerFd: number,
  failures: ListenerFailures,
  batch: DatagramBatch,
): number | null {
  try {
    return batch.receive(listenerFd);
  } catch (error) {
    listenerFailed(context, listenerFd, failures, error);
    return null;
  }
}
