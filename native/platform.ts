// Supported-platform check and the Linux constants and struct layouts the bindings assume.

/** Why this process cannot run the bindings, or null when it can (Linux x86_64/aarch64, glibc). */
export function platformProblem(): string | null {
  const where = `${process.platform}/${process.arch}`;
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) {
    return `unsupported platform ${where}: rfc868 runs on Linux x86_64 or aarch64 with glibc`;
  }
  return null;
}

/**
 * Constants and layouts, identical on Linux x86_64 and aarch64 (both use the asm-generic
 * socket and errno headers). native/layout.c prints the same names from the C headers and
 * test/layout.test.ts compares the two, so a wrong value here cannot go unnoticed.
 */
export const LINUX = {
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_REUSEPORT: 15,
  SO_TYPE: 3,
  SO_DOMAIN: 39,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
  MSG_DONTWAIT: 0x40,
  MSG_TRUNC: 0x20,
  MSG_NOSIGNAL: 0x4000,
  FD_SETSIZE: 1024,
  EINTR: 4,
  EAGAIN: 11,
  EWOULDBLOCK: 11,
  EBADF: 9,
  EACCES: 13,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  EPIPE: 32,
  EPROTO: 71,
  EMFILE: 24,
  ENFILE: 23,
  ENOBUFS: 105,
  ENOMEM: 12,
  EPERM: 1,
  sizeof_fd_set: 128,
  sizeof_timeval: 16,
  offsetof_timeval_tv_sec: 0,
  offsetof_timeval_tv_usec: 8,
  sizeof_socklen_t: 4,
  sizeof_sockaddr_in: 16,
  offsetof_sockaddr_in_sin_family: 0,
  offsetof_sockaddr_in_sin_port: 2,
  offsetof_sockaddr_in_sin_addr: 4,
  sizeof_sockaddr_in6: 28,
  offsetof_sockaddr_in6_sin6_family: 0,
  offsetof_sockaddr_in6_sin6_port: 2,
  offsetof_sockaddr_in6_sin6_flowinfo: 4,
  offsetof_sockaddr_in6_sin6_addr: 8,
  offsetof_sockaddr_in6_sin6_scope_id: 24,
  sizeof_sockaddr_storage: 128,
  // Operations: inherited sockets (fcntl, SO_ACCEPTCONN), the client's connect (SO_ERROR, EINPROGRESS),
  // user and group lookups (getpwnam_r's not-found codes, ERANGE, struct passwd and group).
  SO_ERROR: 4,
  SO_ACCEPTCONN: 30,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  F_DUPFD_CLOEXEC: 1030,
  FD_CLOEXEC: 1,
  O_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  EINPROGRESS: 115,
  ENOENT: 2,
  ESRCH: 3,
  ERANGE: 34,
  sizeof_passwd: 48,
  offsetof_passwd_pw_uid: 16,
  offsetof_passwd_pw_gid: 20,
  sizeof_group: 32,
  offsetof_group_gr_gid: 16,
  // Hardening: the kernel clock state --require-sync reads (ntp_adjtime, struct timex).
  TIME_ERROR: 5,
  STA_UNSYNC: 0x40,
  sizeof_timex: 208,
  offsetof_timex_modes: 0,
  offsetof_timex_status: 40,
  // Batched UDP (native/datagram-batch.ts): recvmmsg/sendmmsg take an array of mmsghdr, each a msghdr
  // naming the peer's sockaddr and an iovec array, plus the datagram length the kernel writes back.
  sizeof_iovec: 16,
  offsetof_iovec_iov_base: 0,
  offsetof_iovec_iov_len: 8,
  sizeof_msghdr: 56,
  offsetof_msghdr_msg_name: 0,
  offsetof_msghdr_msg_namelen: 8,
  offsetof_msghdr_msg_iov: 16,
  offsetof_msghdr_msg_iovlen: 24,
  offsetof_msghdr_msg_control: 32,
  offsetof_msghdr_msg_controllen: 40,
  offsetof_msghdr_msg_flags: 48,
  sizeof_mmsghdr: 64,
  offsetof_mmsghdr_msg_hdr: 0,
  offsetof_mmsghdr_msg_len: 56,
  // Metrics: the fd limit its fd reserve is measured against (getrlimit, struct rlimit).
  RLIMIT_NOFILE: 7,
  sizeof_rlimit: 16,
  offsetof_rlimit_rlim_cur: 0,
  offsetof_rlimit_rlim_max: 8,
} as const;
