// The native layer's public surface: everything src/ may use of libc, pointers and structs.
export { platformProblem, LINUX } from "./platform.ts";
export { SyscallError, errnoCode, errnoClass, lastErrno, type ErrnoClass } from "./errno.ts";
export { errnoName } from "./errno-names.ts";
export { FdSet, FD_SETSIZE } from "./fdset.ts";
export { parseIp, formatIp, type Family } from "./inet.ts";
export { encodeSockaddr, decodeSockaddr, SockaddrStorage, type SocketAddress } from "./sockaddr.ts";
export { sourcePort, ipv4Offset, ipv4At, isIpv4Sockaddr, IPV6_OFFSET } from "./source-address.ts";
export { checkInt, checkFd, checkSelectableFd } from "./checked-int.ts";
export {
  openSocket,
  setSocketOption,
  getSocketOption,
  type SocketOptionName,
  bindSocket,
  listenOn,
  socketName,
  acceptConnection,
  sendBytes,
  receiveBytes,
  closeFd,
} from "./socket.ts";
export { selectFds } from "./select.ts";
export { DatagramBatch } from "./datagram-batch.ts";
export { writeSome, isWritableNow } from "./write.ts";
export { openWakePipe, wakeLoop, drainWakePipe, type WakePipe } from "./wake-pipe.ts";
export { ignoreSignal, realtimeSignals } from "./signal-disposition.ts";
export { lookupUser, lookupGroup, type UserEntry, type GroupEntry } from "./users.ts";
export { processIds, switchIds, canRegainRoot, type ProcessIds } from "./credentials.ts";
export { setNonBlocking, setCloseOnExec, clearCloseOnExec } from "./fd-flags.ts";
export { startConnect, checkConnected } from "./connect.ts";
export { unsetEnvironment } from "./environment.ts";
export { execProgram } from "./exec.ts";
export { readKernelClock, isUnsynchronised, monotonicMicros, type KernelClockState } from "./adjtimex.ts";
export { fdLimit, type FdLimit } from "./resource-limits.ts";
export { openNotifySocket, sendNotification, notifySockaddr } from "./notify-socket.ts";
