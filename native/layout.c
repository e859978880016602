/* Layout probe: prints, as "NAME VALUE" lines, every constant and struct layout native/platform.ts LINUX assumes, plus errno names (test/unit/native/layout.test.ts compares). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <sys/uio.h>
#include <sys/un.h>

/* A constant under its own name: CONSTANT(AF_INET) prints "AF_INET 2". */
#define CONSTANT(name) printf("%s %lld\n", #name, (long long)(name))
/* A struct size under LINUX's key: SIZE(fd_set, fd_set) prints "sizeof_fd_set 128". */
#define SIZE(key, type) printf("sizeof_%s %zu\n", #key, sizeof(type))
/* A member offset under LINUX's key: OFFSET(timeval, struct timeval, tv_usec) prints "offsetof_timeval_tv_usec 8". */
#define OFFSET(key, type, member) printf("offsetof_%s_%s %zu\n", #key, #member, offsetof(type, member))
/* An errno value, checked against native/errno-names.ts: ERRNO(EPIPE) prints "errno_EPIPE 32". */
#define ERRNO(name) printf("errno_%s %d\n", #name, name)

int main(void) {
  /* Address families, socket types and flags. */
  CONSTANT(AF_INET);
  CONSTANT(AF_INET6);
  CONSTANT(SOCK_STREAM);
  CONSTANT(SOCK_DGRAM);
  CONSTANT(SOCK_NONBLOCK);
  CONSTANT(SOCK_CLOEXEC);

  /* Socket options and protocol levels. */
  CONSTANT(SOL_SOCKET);
  CONSTANT(SO_REUSEADDR);
  CONSTANT(SO_REUSEPORT);
  CONSTANT(SO_TYPE);
  CONSTANT(SO_DOMAIN);
  CONSTANT(IPPROTO_TCP);
  CONSTANT(IPPROTO_UDP);
  CONSTANT(IPPROTO_IPV6);
  CONSTANT(IPV6_V6ONLY);

  /* send/recv flags. */
  CONSTANT(MSG_DONTWAIT);
  CONSTANT(MSG_TRUNC);
  CONSTANT(MSG_NOSIGNAL);

  CONSTANT(FD_SETSIZE);

  /* The errno values the code branches on. */
  CONSTANT(EINTR);
  CONSTANT(EAGAIN);
  CONSTANT(EWOULDBLOCK);
  CONSTANT(EBADF);
  CONSTANT(EACCES);
  CONSTANT(EADDRINUSE);
  CONSTANT(EADDRNOTAVAIL);
  CONSTANT(ECONNABORTED);
  CONSTANT(ECONNRESET);
  CONSTANT(EPIPE);
  CONSTANT(EPROTO);
  CONSTANT(EMFILE);
  CONSTANT(ENFILE);
  CONSTANT(ENOBUFS);
  CONSTANT(ENOMEM);
  CONSTANT(EPERM);

  /* Struct layouts. */
  SIZE(fd_set, fd_set);
  SIZE(timeval, struct timeval);
  OFFSET(timeval, struct timeval, tv_sec);
  OFFSET(timeval, struct timeval, tv_usec);
  SIZE(socklen_t, socklen_t);
  SIZE(sockaddr_in, struct sockaddr_in);
  OFFSET(sockaddr_in, struct sockaddr_in, sin_family);
  OFFSET(sockaddr_in, struct sockaddr_in, sin_port);
  OFFSET(sockaddr_in, struct sockaddr_in, sin_addr);
  SIZE(sockaddr_in6, struct sockaddr_in6);
  OFFSET(sockaddr_in6, struct sockaddr_in6, sin6_family);
  OFFSET(sockaddr_in6, struct sockaddr_in6, sin6_port);
  OFFSET(sockaddr_in6, struct sockaddr_in6, sin6_flowinfo);
  OFFSET(sockaddr_in6, struct sockaddr_in6, sin6_addr);
  OFFSET(sockaddr_in6, struct sockaddr_in6, sin6_scope_id);
  SIZE(sockaddr_storage, struct sockaddr_storage);

  /* Operations: inherited sockets, the client's connect, user and group lookups. */
  CONSTANT(SO_ERROR);
  CONSTANT(SO_ACCEPTCONN);
  CONSTANT(F_GETFD);
  CONSTANT(F_SETFD);
  CONSTANT(F_GETFL);
  CONSTANT(F_SETFL);
  CONSTANT(FD_CLOEXEC);
  CONSTANT(O_NONBLOCK);
  CONSTANT(O_CLOEXEC);
  CONSTANT(EINPROGRESS);
  CONSTANT(ENOENT);
  CONSTANT(ESRCH);
  CONSTANT(ERANGE);
  SIZE(passwd, struct passwd);
  OFFSET(passwd, struct passwd, pw_uid);
  OFFSET(passwd, struct passwd, pw_gid);
  SIZE(group, struct group);
  OFFSET(group, struct group, gr_gid);

  /* Hardening: the kernel clock state --require-sync reads. */
  CONSTANT(TIME_ERROR);
  CONSTANT(STA_UNSYNC);
  SIZE(timex, struct timex);
  OFFSET(timex, struct timex, modes);
  OFFSET(timex, struct timex, status);
  CONSTANT(CLOCK_MONOTONIC);
  SIZE(timespec, struct timespec);
  OFFSET(timespec, struct timespec, tv_sec);
  OFFSET(timespec, struct timespec, tv_nsec);

  /* Batched UDP: recvmmsg/sendmmsg's structs. */
  SIZE(iovec, struct iovec);
  OFFSET(iovec, struct iovec, iov_base);
  OFFSET(iovec, struct iovec, iov_len);
  SIZE(msghdr, struct msghdr);
  OFFSET(msghdr, struct msghdr, msg_name);
  OFFSET(msghdr, struct msghdr, msg_namelen);
  OFFSET(msghdr, struct msghdr, msg_iov);
  OFFSET(msghdr, struct msghdr, msg_iovlen);
  OFFSET(msghdr, struct msghdr, msg_control);
  OFFSET(msghdr, struct msghdr, msg_controllen);
  OFFSET(msghdr, struct msghdr, msg_flags);
  SIZE(mmsghdr, struct mmsghdr);
  OFFSET(mmsghdr, struct mmsghdr, msg_hdr);
  OFFSET(mmsghdr, struct mmsghdr, msg_len);

  /* Metrics: the fd limit its fd reserve is measured against. */
  CONSTANT(RLIMIT_NOFILE);
  SIZE(rlimit, struct rlimit);
  OFFSET(rlimit, struct rlimit, rlim_cur);
  OFFSET(rlimit, struct rlimit, rlim_max);

  /* systemd's notify socket: an AF_UNIX datagram socket addressed by sockaddr_un. */
  CONSTANT(AF_UNIX);
  SIZE(sockaddr_un, struct sockaddr_un);
  OFFSET(sockaddr_un, struct sockaddr_un, sun_family);
  OFFSET(sockaddr_un, struct sockaddr_un, sun_path);

  /* errno names: the ones messages name most, and a spread across the table up to its end. */
  ERRNO(EPERM);
  ERRNO(ENOENT);
  ERRNO(EINTR);
  ERRNO(EBADF);
  ERRNO(EAGAIN);
  ERRNO(ENOMEM);
  ERRNO(EACCES);
  ERRNO(EFAULT);
  ERRNO(EINVAL);
  ERRNO(ENFILE);
  ERRNO(EMFILE);
  ERRNO(EPIPE);
  ERRNO(EDEADLK);
  ERRNO(ENAMETOOLONG);
  ERRNO(ENOSYS);
  ERRNO(ELOOP);
  ERRNO(ENOMSG);
  ERRNO(EBADSLT);
  ERRNO(EBFONT);
  ERRNO(EPROTO);
  ERRNO(EOVERFLOW);
  ERRNO(EILSEQ);
  ERRNO(ENOTSOCK);
  ERRNO(EMSGSIZE);
  ERRNO(ENOPROTOOPT);
  ERRNO(EOPNOTSUPP);
  ERRNO(EAFNOSUPPORT);
  ERRNO(EADDRINUSE);
  ERRNO(EADDRNOTAVAIL);
  ERRNO(ENETDOWN);
  ERRNO(ENETUNREACH);
  ERRNO(ECONNABORTED);
  ERRNO(ECONNRESET);
  ERRNO(ENOBUFS);
  ERRNO(EISCONN);
  ERRNO(ENOTCONN);
  ERRNO(ETIMEDOUT);
  ERRNO(ECONNREFUSED);
  ERRNO(EHOSTDOWN);
  ERRNO(EHOSTUNREACH);
  ERRNO(EALREADY);
  ERRNO(EINPROGRESS);
  ERRNO(ECANCELED);
  ERRNO(EOWNERDEAD);
  ERRNO(ENOTRECOVERABLE);
  ERRNO(ERFKILL);
  return 0;
}
