// Reading what a TCP client sent before closing: close() with unread input sends RST (RFC 2525), which can cost the client its 4 bytes.
import { LINUX, receiveBytes } from "../../native/index.ts";
import type { FailureKind, ServiceContext } from "./service-context.ts";

/** Most a client's early input may cost us; past it we close anyway and the client gets its RST. */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

const scratch = new Uint8Array(new ArrayBuffer(16 * 1024));

/**
 * Read and discard whatever `fd` has already received, up to DRAIN_LIMIT_BYTES, without ever waiting
 * (MSG_DONTWAIT): for the usual silent client that is one recv() returning EAGAIN. Input that arrives
 * after close() still draws an RST from the kernel; only keeping the connection open would avoid that.
 * A client that reset meanwhile was served already: it is counted as <kind>_<errno> (tcp_drain_ by default), not as a failure.
 */
export function drainInput(fd: number, context: ServiceContext, kind: FailureKind = "tcp_drain"): void {
  try {
    for (let drained = 0; drained < DRAIN_LIMIT_BYTES;) {
      const got = receiveBytes(fd, scratch, LINUX.MSG_DONTWAIT);
      if (got === null || got === 0) return; // nothing more now, or the client half-closed
      drained += got;
    }
  } catch (error) {
    context.clientFailed(kind, error);
  }
}
