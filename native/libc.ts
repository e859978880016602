// The one dlopen of libc: every symbol the project calls, each with its C prototype.
import { dlopen, FFIType } from "bun:ffi";
import { platformProblem } from "./platform.ts";

const problem = platformProblem();
if (problem) throw new Error(problem);

/** ssize_t: a number when it fits (always, for our sizes), never a BigInt to compare against. */
const SSIZE_T = FFIType.i64_fast;

function openLibc() {
  // Byte buffers go as "buffer" + "buffer_length" (the same view twice): the engine reads pointer
  // and length off one object at call time, so a length can never disagree with its buffer.
  // "libc.so" is a linker script on Debian; the soname is the loadable file (and glibc's, not musl's).
  return dlopen("libc.so.6", {
    // int socket(int domain, int type, int protocol);
    socket: { args: ["i32", "i32", "i32"], returns: "i32" },
    // int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
    setsockopt: { args: ["i32", "i32", "i32", "ptr", "u32"], returns: "i32" },
    // int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);
    getsockopt: { args: ["i32", "i32", "i32", "ptr", "ptr"], returns: "i32" },
    // int bind(int fd, const struct sockaddr *addr, socklen_t addrlen);
    bind: { args: ["i32", "ptr", "u32"], returns: "i32" },
    // int listen(int fd, int backlog);
    listen: { args: ["i32", "i32"], returns: "i32" },
    // int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
    getsockname: { args: ["i32", "ptr", "ptr"], returns: "i32" },
    // int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout);
    select: { args: ["i32", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
    // int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);
    accept4: { args: ["i32", "ptr", "ptr", "i32"], returns: "i32" },
    // ssize_t send(int fd, const void *buf, size_t len, int flags);
    send: { args: ["i32", "buffer", "buffer_length", "i32"], returns: SSIZE_T },
    // ssize_t recv(int fd, void *buf, size_t len, int flags);
    recv: { args: ["i32", "buffer", "buffer_length", "i32"], returns: SSIZE_T },
    // int recvmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);
    recvmmsg: { args: ["i32", "ptr", "u32", "i32", "ptr"], returns: "i32" },
    // int sendmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
    sendmmsg: { args: ["i32", "ptr", "u32", "i32"], returns: "i32" },
    // ssize_t write(int fd, const void *buf, size_t count);
    // A pointer into a buffer, not a view: the log writes ranges of its one buffer, and a view per
    // write was garbage on every loop iteration. writeSome checks the range against the buffer.
    write: { args: ["i32", "ptr", "usize"], returns: SSIZE_T },
    // int inet_pton(int af, const char *src, void *dst);
    inet_pton: { args: ["i32", "ptr", "ptr"], returns: "i32" },
    // const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
    inet_ntop: { args: ["i32", "ptr", "ptr", "u32"], returns: "ptr" },
    // int close(int fd);
    close: { args: ["i32"], returns: "i32" },
    // int *__errno_location(void);  (errno itself is thread-local: never look the symbol up)
    __errno_location: { args: [], returns: "ptr" },
    // char *strerror(int errnum);
    strerror: { args: ["i32"], returns: "cstring" },

    // Operations: privilege drop (native/users.ts, credentials.ts), socket activation (fd-flags.ts,
    // environment.ts) and the client (connect.ts).
    // int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen, struct passwd **result);
    getpwnam_r: { args: ["ptr", "ptr", "ptr", "usize", "ptr"], returns: "i32" },
    // int getgrnam_r(const char *name, struct group *grp, char *buf, size_t buflen, struct group **result);
    getgrnam_r: { args: ["ptr", "ptr", "ptr", "usize", "ptr"], returns: "i32" },
    // int setgroups(size_t size, const gid_t *list);  (glibc's set*id functions change every thread)
    setgroups: { args: ["usize", "ptr"], returns: "i32" },
    // int setgid(gid_t gid);
    setgid: { args: ["u32"], returns: "i32" },
    // int setuid(uid_t uid);
    setuid: { args: ["u32"], returns: "i32" },
    // uid_t getuid(void);
    getuid: { args: [], returns: "u32" },
    // uid_t geteuid(void);
    geteuid: { args: [], returns: "u32" },
    // gid_t getgid(void);
    getgid: { args: [], returns: "u32" },
    // gid_t getegid(void);
    getegid: { args: [], returns: "u32" },
    // int fcntl(int fd, int cmd, ... /* int arg */);  (the variadic int goes where a third int would)
    fcntl: { args: ["i32", "i32", "i32"], returns: "i32" },
    // int connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
    connect: { args: ["i32", "ptr", "u32"], returns: "i32" },
    // int unsetenv(const char *name);
    unsetenv: { args: ["ptr"], returns: "i32" },

    // Start-up: the CLI re-executes itself once with its runtime tuning (src/ops/runtime-tuning.ts).
    // int execve(const char *path, char *const argv[], char *const envp[]);
    execve: { args: ["ptr", "ptr", "ptr"], returns: "i32" },

    // Signals no JS handler can take (native/signal-disposition.ts): set to SIG_IGN.
    // sighandler_t signal(int signum, sighandler_t handler);  (SIG_IGN is 1, SIG_ERR is -1: integers, not pointers to read)
    signal: { args: ["i32", "usize"], returns: SSIZE_T },
    // int __libc_current_sigrtmin(void);  (34 on glibc: 32 and 33 are glibc's own, SIGCANCEL and SIGSETXID)
    __libc_current_sigrtmin: { args: [], returns: "i32" },
    // int __libc_current_sigrtmax(void);
    __libc_current_sigrtmax: { args: [], returns: "i32" },

    // Hardening: --require-sync reads the kernel's clock state (native/adjtimex.ts).
    // int ntp_adjtime(struct timex *buf);  (modes = 0: read only, needs no privilege)
    ntp_adjtime: { args: ["ptr"], returns: "i32" },
    // systemd's RELOADING=1 carries MONOTONIC_USEC= (native/adjtimex.ts).
    // int clock_gettime(clockid_t clockid, struct timespec *tp);
    clock_gettime: { args: ["i32", "ptr"], returns: "i32" },

    // The loop's wake-up pipe (native/wake-pipe.ts), written from another thread.
    // int pipe2(int pipefd[2], int flags);
    pipe2: { args: ["ptr", "i32"], returns: "i32" },
    // ssize_t read(int fd, void *buf, size_t count);
    read: { args: ["i32", "buffer", "buffer_length"], returns: SSIZE_T },

    // Metrics: the fd reserve the endpoint keeps for the time service (native/resource-limits.ts).
    // int getrlimit(int resource, struct rlimit *rlim);
    getrlimit: { args: ["i32", "ptr"], returns: "i32" },
  });
}

function load() {
  try {
    return openLibc();
  } catch (cause) {
    throw new Error(`cannot load glibc (libc.so.6): rfc868 runs on Linux x86_64 or aarch64 with glibc`, { cause });
  }
}

export const libc = load().symbols;
